import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';
import { ListItemSplitter } from '../json/list-items.js';
import { slimEvent, slimNode, slimPod } from '../kube/slim-objects.js';
import {
  cniNetDDir,
  flannelSubnetEnvAbsentFile,
  flannelSubnetEnvFile,
  namespacedLists,
  nodeFactsDir,
  nodeTextFactFiles,
  nodesFile,
  parsePodLogs,
  podLogFile,
  unreadableFile,
} from './dump-layout.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot, type NodeFacts, type Unreadable } from './types.js';

export interface ReadDumpOptions {
  /**
   * Keep only the fields the diagnosis reads (as the live gatherer does), item by
   * item while reading: a 200,000-pod dump then fits in a few hundred MiB.
   */
  slim?: boolean;
}

/** Pod log folders read at once: enough to keep the disk busy, few enough for file descriptors. */
const parallelLogReads = 16;

/**
 * Reads a folder written by `kubectl cluster-info dump --output-directory=DIR`
 * (or by writeBundle) into a snapshot. Files a dump may lack are skipped; a file
 * that exists but does not parse is an error naming that file. Lists are read as
 * a stream, item by item, so their size is bounded only by memory.
 */
export async function readDump(dir: string, options: ReadDumpOptions = {}): Promise<ClusterSnapshot> {
  const snapshot = emptySnapshot();
  const keep = <T>(slim: (item: T) => T) => (options.slim ? slim : (item: T) => item);
  const nodes = await readListFile(path.join(dir, nodesFile), keep(slimNode));
  if (nodes === undefined) {
    throw new PluginError(`${dir} is not a cluster-info dump: ${nodesFile} is missing`, ExitCode.couldNotCheck,
      'write one with: kubectl cluster-info dump --output-directory=DIR');
  }
  snapshot.nodes = nodes;

  for (const entry of await listDirs(dir)) {
    const nsDir = path.join(dir, entry);
    const isNamespace = await exists(path.join(nsDir, namespacedLists.pods.file))
      || await exists(path.join(nsDir, namespacedLists.events.file));
    if (isNamespace) await readNamespace(nsDir, entry, snapshot, options);
    else if (entry === nodeFactsDir) snapshot.nodeFacts = await readAllNodeFacts(nsDir);
  }
  const unreadable = await readJsonFile<Unreadable[]>(path.join(dir, unreadableFile));
  for (const item of unreadable ?? []) snapshot.unreadable.push(item);
  return snapshot;
}

async function readNamespace(nsDir: string, namespace: string, snapshot: ClusterSnapshot, options: ReadDumpOptions): Promise<void> {
  const same = <T>(item: T) => item;
  const items = async <T>(file: string, slim: (item: T) => T = same): Promise<T[]> =>
    (await readListFile(path.join(nsDir, file), options.slim ? slim : same)) ?? [];
  // One list can hold hundreds of thousands of items: appended one by one (push(...list) overflows the stack).
  const append = <T>(target: T[], list: readonly T[]) => { for (const item of list) target.push(item); };
  const pods = await items<V1Pod>(namespacedLists.pods.file, slimPod);
  append(snapshot.pods, pods);
  append(snapshot.events, await items<ClusterSnapshot['events'][number]>(namespacedLists.events.file, slimEvent));
  append(snapshot.daemonSets, await items<ClusterSnapshot['daemonSets'][number]>(namespacedLists.daemonSets.file));
  append(snapshot.configMaps, await items<ClusterSnapshot['configMaps'][number]>(namespacedLists.configMaps.file));

  const podsByName = new Map<string, V1Pod>();
  for (const pod of pods) if (!podsByName.has(pod.metadata?.name ?? '')) podsByName.set(pod.metadata?.name ?? '', pod);
  const podDirs = await listDirs(nsDir);
  const texts = await mapBounded(podDirs, parallelLogReads, (podName) => readTextFile(path.join(nsDir, podName, podLogFile)));
  podDirs.forEach((podName, index) => {
    const text = texts[index];
    if (text === undefined) return;
    const spec = podsByName.get(podName)?.spec;
    const fallbackContainer = spec?.containers?.[0]?.name ?? 'logs';
    for (const log of parsePodLogs(text, fallbackContainer)) {
      if (log.error !== undefined) {
        snapshot.unreadable.push({ what: `logs of ${namespace}/${podName} container ${log.container}`, reason: log.error });
      } else {
        snapshot.podLogs[podLogKey(namespace, podName, log.container)] = log.text;
      }
    }
  });
}

/** fn over every item with at most `limit` running at once; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

async function readAllNodeFacts(dir: string): Promise<Record<string, NodeFacts>> {
  const facts: Record<string, NodeFacts> = {};
  for (const node of await listDirs(dir)) facts[node] = await readNodeFacts(path.join(dir, node));
  return facts;
}

async function readNodeFacts(dir: string): Promise<NodeFacts> {
  const facts: NodeFacts = {};
  for (const [key, file] of Object.entries(nodeTextFactFiles) as [keyof typeof nodeTextFactFiles, string][]) {
    const text = await readTextFile(path.join(dir, file));
    if (text !== undefined) facts[key] = text;
  }
  const netD = path.join(dir, cniNetDDir);
  if (await exists(netD)) {
    facts.cniNetD = {};
    for (const file of (await readdir(netD)).sort()) {
      const text = await readTextFile(path.join(netD, file));
      if (text !== undefined) facts.cniNetD[file] = text;
    }
  }
  const subnetEnv = await readTextFile(path.join(dir, flannelSubnetEnvFile));
  if (subnetEnv !== undefined) facts.flannelSubnetEnv = subnetEnv;
  else if (await exists(path.join(dir, flannelSubnetEnvAbsentFile))) facts.flannelSubnetEnv = null;
  return facts;
}

async function listDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}

async function readTextFile(file: string): Promise<string | undefined> {
  try {
    const info = await stat(file);
    return info.isFile() ? await readFile(file, 'utf8') : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PluginError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
}

/**
 * The items of a `{"kind": "…List", "items": [...]}` file, read as a stream and
 * passed through `map` one by one; undefined when the file does not exist.
 */
async function readListFile<T>(file: string, map: (item: T) => T): Promise<T[] | undefined> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new PluginError(`cannot read ${file}: ${error.message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  });
  if (!info?.isFile()) return undefined;
  const items: T[] = [];
  const splitter = new ListItemSplitter((item) => {
    items.push(item !== null && typeof item === 'object' && !Array.isArray(item) ? map(item as T) : item as T);
  });
  let rest: unknown;
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) splitter.push(chunk as Buffer);
    rest = splitter.end();
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw new PluginError(`${file} is not valid JSON: ${error.message}`, ExitCode.couldNotCheck,
        'a dump written with -o yaml cannot be read; use the default JSON output', { cause: error });
    }
    throw new PluginError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
  const restItems = (rest as { items?: unknown } | null)?.items;
  if (restItems !== undefined && !Array.isArray(restItems)) {
    throw new PluginError(`${file} is not a Kubernetes list: "items" is not an array`, ExitCode.couldNotCheck);
  }
  return items;
}

async function readJsonFile<T>(file: string): Promise<T | undefined> {
  const text = await readTextFile(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new PluginError(`${file} is not valid JSON: ${(error as Error).message}`, ExitCode.couldNotCheck,
      'a dump written with -o yaml cannot be read; use the default JSON output', { cause: error });
  }
}
