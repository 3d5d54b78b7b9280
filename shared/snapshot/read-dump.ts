import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';
import { sanitizeSnapshot } from './sanitize.js';
import { findDataProblems } from './data-problems.js';
import { capLineLength, maxJsonFileBytes, maxTextFileBytes, readBoundedText } from '../files/bounded-read.js';
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
import { emptySnapshot, podLogKey, type ClusterSnapshot, type NodeFacts, type Unreadable } from './types.js';

/** Logs and journals: only their lines are scanned, and each line is capped at read time. */
const logFactKeys = new Set<keyof NodeFacts>(['kubeletLog', 'runtimeLog']);
/** More entries than this in one folder is not a dump (or not one we can read in memory). */
const maxDirEntries = 500_000;

/**
 * Reads a folder written by `kubectl cluster-info dump --output-directory=DIR`
 * (or by writeBundle) into a snapshot. Files a dump may lack are skipped; a file
 * that exists but does not parse, or has the wrong shape, is an error naming that file.
 * Every file read is bounded (size, regular file); objects without a name are reported as unreadable.
 */
export async function readDump(dir: string): Promise<ClusterSnapshot> {
  const snapshot = emptySnapshot();
  const nodesPath = path.join(dir, nodesFile);
  const nodeList = await readJsonFile(nodesPath);
  if (nodeList === undefined) {
    throw new PluginError(`${dir} is not a cluster-info dump: ${nodesFile} is missing`, ExitCode.couldNotCheck,
      'write one with: kubectl cluster-info dump --output-directory=DIR');
  }
  snapshot.nodes = namedItems(nodeList, nodesPath, 'node', snapshot.unreadable) as ClusterSnapshot['nodes'];

  let legacyFacts: string | undefined;
  for (const entry of await listDirs(dir)) {
    const nsDir = path.join(dir, entry);
    if (entry === nodeFactsDir) {
      Object.assign(snapshot.nodeFacts, await readAllNodeFacts(nsDir));
      continue;
    }
    const isNamespace = await isFile(path.join(nsDir, namespacedLists.pods.file)) || await isFile(path.join(nsDir, namespacedLists.events.file));
    if (isNamespace) await readNamespace(nsDir, entry, snapshot);
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
  for (const problem of sanitizeSnapshot(snapshot)) snapshot.unreadable.push(problem);
  for (const problem of findDataProblems(snapshot)) snapshot.unreadable.push(problem);
  return snapshot;
}

async function readNamespace(nsDir: string, namespace: string, snapshot: ClusterSnapshot): Promise<void> {
  const items = async (file: string, kind: string): Promise<unknown[]> => {
    const filePath = path.join(nsDir, file);
    const list = await readJsonFile(filePath);
    return list === undefined ? [] : namedItems(list, filePath, kind, snapshot.unreadable);
  };
  const pods = await items(namespacedLists.pods.file, 'pod') as V1Pod[];
  // Loops, not push(...items): a spread of 125k arguments overflows the call stack.
  for (const pod of pods) snapshot.pods.push(pod);
  for (const event of await items(namespacedLists.events.file, 'event')) snapshot.events.push(event as ClusterSnapshot['events'][number]);
  for (const ds of await items(namespacedLists.daemonSets.file, 'daemonset')) snapshot.daemonSets.push(ds as ClusterSnapshot['daemonSets'][number]);
  for (const cm of await items(namespacedLists.configMaps.file, 'config map')) snapshot.configMaps.push(cm as ClusterSnapshot['configMaps'][number]);

  const podsByName = new Map<string, V1Pod>();
  for (const pod of pods) podsByName.set(pod.metadata!.name!, pod);
  for (const podName of await listDirs(nsDir)) {
    const text = await readBoundedText(path.join(nsDir, podName, podLogFile), maxTextFileBytes);
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
 * The items of a List file, checked: a list object with an items array. Items that are not objects
 * with a metadata.name cannot be told apart by anything downstream: they are counted as unreadable.
 */
function namedItems(list: unknown, file: string, kind: string, unreadable: Unreadable[]): unknown[] {
  if (!isRecord(list) || (list.items !== undefined && list.items !== null && !Array.isArray(list.items))) {
    throw wrongShape(file, `a ${kind} list ({"items": [...]})`);
  }
  const items = (list.items ?? []) as unknown[];
  const named: unknown[] = [];
  let nameless = 0;
  for (const item of items) {
    const metadata = isRecord(item) ? item.metadata : undefined;
    // Nodes and pods are looked up by name; an event or a config map without one still says something.
    const needsName = kind === 'node' || kind === 'pod';
    if (isRecord(item) && (!needsName || (isRecord(metadata) && typeof metadata.name === 'string' && metadata.name !== ''))) named.push(item);
    else nameless++;
  }
  if (nameless > 0) unreadable.push({ what: `${nameless} ${kind} object(s) in ${file}`, reason: `not an object${kind === 'node' || kind === 'pod' ? ' with metadata.name' : ''}; left out of the diagnosis`, kind: 'data' });
  return named;
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
