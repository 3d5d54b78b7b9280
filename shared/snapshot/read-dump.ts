import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';
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

/**
 * Reads a folder written by `kubectl cluster-info dump --output-directory=DIR`
 * (or by writeBundle) into a snapshot. Files a dump may lack are skipped; a file
 * that exists but does not parse is an error naming that file.
 */
export async function readDump(dir: string): Promise<ClusterSnapshot> {
  const snapshot = emptySnapshot();
  const nodeList = await readJsonFile<{ items?: unknown[] }>(path.join(dir, nodesFile));
  if (nodeList === undefined) {
    throw new PluginError(`${dir} is not a cluster-info dump: ${nodesFile} is missing`, ExitCode.couldNotCheck,
      'write one with: kubectl cluster-info dump --output-directory=DIR');
  }
  snapshot.nodes = (nodeList.items ?? []) as ClusterSnapshot['nodes'];

  for (const entry of await listDirs(dir)) {
    const nsDir = path.join(dir, entry);
    const isNamespace = await exists(path.join(nsDir, namespacedLists.pods.file))
      || await exists(path.join(nsDir, namespacedLists.events.file));
    if (isNamespace) await readNamespace(nsDir, entry, snapshot);
    else if (entry === nodeFactsDir) snapshot.nodeFacts = await readAllNodeFacts(nsDir);
  }
  const unreadable = await readJsonFile<Unreadable[]>(path.join(dir, unreadableFile));
  snapshot.unreadable.push(...(unreadable ?? []));
  return snapshot;
}

async function readNamespace(nsDir: string, namespace: string, snapshot: ClusterSnapshot): Promise<void> {
  const items = async <T>(file: string): Promise<T[]> =>
    ((await readJsonFile<{ items?: T[] }>(path.join(nsDir, file)))?.items ?? []);
  const pods = await items<V1Pod>(namespacedLists.pods.file);
  snapshot.pods.push(...pods);
  snapshot.events.push(...await items<ClusterSnapshot['events'][number]>(namespacedLists.events.file));
  snapshot.daemonSets.push(...await items<ClusterSnapshot['daemonSets'][number]>(namespacedLists.daemonSets.file));
  snapshot.configMaps.push(...await items<ClusterSnapshot['configMaps'][number]>(namespacedLists.configMaps.file));

  for (const podName of await listDirs(nsDir)) {
    const text = await readTextFile(path.join(nsDir, podName, podLogFile));
    if (text === undefined) continue;
    const spec = pods.find((p) => p.metadata?.name === podName)?.spec;
    const fallbackContainer = spec?.containers[0]?.name ?? 'logs';
    for (const log of parsePodLogs(text, fallbackContainer)) {
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
