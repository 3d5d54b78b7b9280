import { constants } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';
import { ListItemSplitter } from '../json/list-items.js';
import { slimEvent, slimNode, slimPod } from '../kube/slim-objects.js';
import { sanitizeSnapshot, StreamSanitizer } from './sanitize.js';
import { findDataProblems } from './data-problems.js';
import { capLineLength, FileTooLargeError, maxJsonFileBytes, maxTextFileBytes, readBoundedText } from '../files/bounded-read.js';
import {
  cniNetDDir,
  flannelSubnetEnvAbsentFile,
  flannelSubnetEnvFile,
  legacyNodeFactsDir,
  namespacedLists,
  nodeFactsDir,
  nodeTextFactFiles,
  nodesFile,
  parsePodLogs,
  podLogFile,
  unreadableFile,
} from './dump-layout.js';
import { emptySnapshot, logFactKeys, podLogKey, type ClusterSnapshot, type NodeFacts, type Unreadable } from './types.js';

/** More entries than this in one folder is not a dump (or not one we can read in memory). */
const maxDirEntries = 500_000;
/**
 * List files are read as a stream, item by item (never one string: V8 caps strings at
 * ~512 MiB), so their cap is set by what fits in memory once slimmed, not by string size.
 */
export const maxListFileBytes = 8 * 1024 * 1024 * 1024;
/** Pod log folders read at once: enough to keep the disk busy, few enough for file descriptors. */
const parallelLogReads = 16;

export interface ReadDumpOptions {
  /**
   * Keep only the fields the diagnosis reads (as the live gatherer does), item by
   * item while reading: a 200,000-pod dump then fits in a few hundred MiB.
   */
  slim?: boolean;
}

/**
 * Reads a folder written by `kubectl cluster-info dump --output-directory=DIR`
 * (or by writeBundle) into a snapshot. Files a dump may lack are skipped; a file
 * that exists but does not parse, or has the wrong shape, is an error naming that file.
 * Every file read is bounded (size, regular file); objects without a name are reported as unreadable.
 * Lists are streamed item by item: work and memory are linear in the objects.
 */
export async function readDump(dir: string, options: ReadDumpOptions = {}): Promise<ClusterSnapshot> {
  const snapshot = emptySnapshot();
  // Slimmed objects are checked before they are slimmed (slimming would hide fields of the wrong type).
  const sanitizer = new StreamSanitizer();
  const slimming = { ...options, sanitizer };
  const nodesPath = path.join(dir, nodesFile);
  const nodes = await readListFile(nodesPath, 'node', snapshot.unreadable, options.slim ? slimNode : undefined, sanitizer);
  if (nodes === undefined) {
    throw new PluginError(`${dir} is not a cluster-info dump: ${nodesFile} is missing`, ExitCode.couldNotCheck,
      'write one with: kubectl cluster-info dump --output-directory=DIR');
  }
  snapshot.nodes = nodes;

  let legacyFacts: string | undefined;
  for (const entry of await listDirs(dir)) {
    const nsDir = path.join(dir, entry);
    if (entry === nodeFactsDir) {
      Object.assign(snapshot.nodeFacts, await readAllNodeFacts(nsDir));
      continue;
    }
    const isNamespace = await isFile(path.join(nsDir, namespacedLists.pods.file)) || await isFile(path.join(nsDir, namespacedLists.events.file));
    if (isNamespace) await readNamespace(nsDir, entry, snapshot, slimming);
    else if (entry === legacyNodeFactsDir) legacyFacts = nsDir;
  }
  // Bundles before _node-facts kept node facts in nodes/; read them unless the new folder had them.
  if (legacyFacts !== undefined && Object.keys(snapshot.nodeFacts).length === 0) snapshot.nodeFacts = await readAllNodeFacts(legacyFacts);

  const unreadablePath = path.join(dir, unreadableFile);
  const unreadable = await readJsonFile(unreadablePath);
  if (unreadable !== undefined) {
    if (!Array.isArray(unreadable)) throw wrongShape(unreadablePath, 'a list of {what, reason}');
    for (const u of unreadable) {
      if (!isRecord(u) || typeof u.what !== 'string' || typeof u.reason !== 'string') throw wrongShape(unreadablePath, 'a list of {what, reason}');
      snapshot.unreadable.push({ what: u.what, reason: u.reason, ...(u.kind === 'data' && { kind: 'data' as const }) });
    }
  }
  for (const problem of options.slim ? sanitizer.problems() : sanitizeSnapshot(snapshot)) snapshot.unreadable.push(problem);
  for (const problem of findDataProblems(snapshot)) snapshot.unreadable.push(problem);
  return snapshot;
}

async function readNamespace(nsDir: string, namespace: string, snapshot: ClusterSnapshot,
  options: ReadDumpOptions & { sanitizer: StreamSanitizer }): Promise<void> {
  const items = async <T>(file: string, kind: string, slim?: (item: T) => T): Promise<T[]> =>
    (await readListFile(path.join(nsDir, file), kind, snapshot.unreadable, options.slim ? slim : undefined, options.sanitizer)) ?? [];
  const pods = await items<V1Pod>(namespacedLists.pods.file, 'pod', slimPod);
  // Loops, not push(...items): a spread of 125k arguments overflows the call stack.
  for (const pod of pods) snapshot.pods.push(pod);
  for (const event of await items(namespacedLists.events.file, 'event', slimEvent)) snapshot.events.push(event);
  for (const ds of await items<ClusterSnapshot['daemonSets'][number]>(namespacedLists.daemonSets.file, 'daemonset')) snapshot.daemonSets.push(ds);
  for (const cm of await items<ClusterSnapshot['configMaps'][number]>(namespacedLists.configMaps.file, 'config map')) snapshot.configMaps.push(cm);

  const podsByName = new Map<string, V1Pod>();
  for (const pod of pods) podsByName.set(pod.metadata!.name!, pod);
  const podDirs = await listDirs(nsDir);
  const texts = await mapBounded(podDirs, parallelLogReads, (podName) => readBoundedText(path.join(nsDir, podName, podLogFile), maxTextFileBytes));
  for (const [index, podName] of podDirs.entries()) {
    const text = texts[index];
    if (text === undefined) continue;
    const firstContainer = podsByName.get(podName)?.spec?.containers?.[0]?.name;
    const fallbackContainer = typeof firstContainer === 'string' ? firstContainer : 'logs';
    for (const log of parsePodLogs(capLineLength(text), fallbackContainer)) {
      if (log.error !== undefined) {
        snapshot.unreadable.push({ what: `logs of ${namespace}/${podName} container ${log.container}`, reason: log.error });
      } else {
        snapshot.podLogs[podLogKey(namespace, podName, log.container)] = log.text;
      }
    }
  }
}

async function readAllNodeFacts(dir: string): Promise<Record<string, NodeFacts>> {
  const facts: Record<string, NodeFacts> = {};
  for (const node of await listDirs(dir)) facts[node] = await readNodeFacts(path.join(dir, node));
  return facts;
}

async function readNodeFacts(dir: string): Promise<NodeFacts> {
  const facts: NodeFacts = {};
  for (const [key, file] of Object.entries(nodeTextFactFiles) as [keyof typeof nodeTextFactFiles, string][]) {
    const text = await readBoundedText(path.join(dir, file), maxTextFileBytes);
    if (text !== undefined) facts[key] = logFactKeys.has(key) ? capLineLength(text) : text;
  }
  const netD = path.join(dir, cniNetDDir);
  if (await isDir(netD)) {
    facts.cniNetD = {};
    for (const file of (await boundedReaddir(netD)).map((e) => e.name).sort()) {
      const text = await readBoundedText(path.join(netD, file), maxTextFileBytes).catch((error: unknown) => {
        if (error instanceof PluginError && /not a regular file/.test(error.message)) return undefined;
        throw error;
      });
      if (text !== undefined) facts.cniNetD[file] = text;
    }
  }
  const subnetEnv = await readBoundedText(path.join(dir, flannelSubnetEnvFile), maxTextFileBytes);
  if (subnetEnv !== undefined) facts.flannelSubnetEnv = subnetEnv;
  else if (await isFile(path.join(dir, flannelSubnetEnvAbsentFile))) facts.flannelSubnetEnv = null;
  return facts;
}

/**
 * The items of a List file, read as a stream and checked: a list object with an items array;
 * undefined when the file does not exist. Items that are not objects with a metadata.name cannot
 * be told apart by anything downstream: they are counted as unreadable. Each kept item goes
 * through `slim` (when given) as soon as it is parsed.
 */
async function readListFile<T>(file: string, kind: string, unreadable: Unreadable[], slim?: (item: T) => T,
  sanitizer?: StreamSanitizer): Promise<T[] | undefined> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PluginError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
  const named: T[] = [];
  let nameless = 0;
  // Nodes and pods are looked up by name; an event or a config map without one still says something.
  const needsName = kind === 'node' || kind === 'pod';
  const splitter = new ListItemSplitter((item) => {
    const metadata = isRecord(item) ? item.metadata : undefined;
    const hasName = isRecord(metadata) && typeof metadata.name === 'string' && metadata.name !== '';
    if (!isRecord(item) || (needsName && !hasName)) nameless++;
    else if (!slim) named.push(item as T);
    else {
      sanitizer?.clean(kind, item);
      named.push(slim(item as T));
    }
  });
  let list: unknown;
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PluginError(`${file} is not a regular file`, ExitCode.couldNotCheck);
    if (info.size > maxListFileBytes) throw new FileTooLargeError(file, info.size, maxListFileBytes);
    let bytes = 0;
    for await (const chunk of handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false })) {
      bytes += (chunk as Buffer).length;
      if (bytes > maxListFileBytes) throw new FileTooLargeError(file, bytes, maxListFileBytes); // grew while we read
      splitter.push(chunk as Buffer);
    }
    list = splitter.end();
  } catch (error) {
    if (error instanceof PluginError) throw error;
    if (error instanceof SyntaxError) {
      throw new PluginError(`${file} is not valid JSON: ${error.message}`, ExitCode.couldNotCheck,
        'a dump written with -o yaml cannot be read; use the default JSON output', { cause: error });
    }
    throw new PluginError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  } finally {
    await handle.close();
  }
  if (!isRecord(list) || (list.items !== undefined && list.items !== null && !Array.isArray(list.items))) {
    throw wrongShape(file, `a ${kind} list ({"items": [...]})`);
  }
  if (nameless > 0) unreadable.push({ what: `${nameless} ${kind} object(s) in ${file}`, reason: `not an object${kind === 'node' || kind === 'pod' ? ' with metadata.name' : ''}; left out of the diagnosis`, kind: 'data' });
  return named;
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

function wrongShape(file: string, expected: string): PluginError {
  return new PluginError(`${file} does not hold ${expected}`, ExitCode.couldNotCheck,
    'is this folder a kubectl cluster-info dump (or a netcheck bundle)?');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

async function boundedReaddir(dir: string) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new PluginError(`cannot read the folder ${dir}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
  if (entries.length > maxDirEntries) throw new PluginError(`${dir} holds more than ${maxDirEntries} entries; not reading it`, ExitCode.couldNotCheck);
  return entries;
}

async function listDirs(dir: string): Promise<string[]> {
  return (await boundedReaddir(dir)).filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile(), () => false);
}

async function isDir(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isDirectory(), () => false);
}

async function readJsonFile(file: string): Promise<unknown> {
  const text = await readBoundedText(file, maxJsonFileBytes);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PluginError(`${file} is not valid JSON: ${(error as Error).message}`, ExitCode.couldNotCheck,
      'a dump written with -o yaml cannot be read; use the default JSON output', { cause: error });
  }
}
