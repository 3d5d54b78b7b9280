import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, PluginError, UsageError } from '../cli/errors.js';
import {
  bundleMarkerFile,
  cniNetDDir,
  flannelSubnetEnvAbsentFile,
  flannelSubnetEnvFile,
  formatPodLogs,
  namespacedLists,
  nodeFactsDir,
  nodeTextFactFiles,
  nodesFile,
  podLogFile,
  unreadableFile,
  type ContainerLog,
} from './dump-layout.js';
import { splitPodLogKey, type ClusterSnapshot, type NodeFacts } from './types.js';
import { fileNameProblem } from '../cli/platform.js';

type NamespacedKey = keyof typeof namespacedLists;

export interface BundleOptions {
  /** Replace a previous bundle (a folder holding our marker file) completely. */
  force?: boolean;
}

/**
 * Where a bundle may go, checked without writing anything (run before the cluster is read):
 * a new folder, an empty one, or with --force one holding an earlier bundle. Never `/`, never a
 * symbolic link, never a folder of someone else's files.
 */
export async function checkBundleTarget(dir: string, options: BundleOptions = {}): Promise<'create' | 'empty' | 'replace'> {
  const resolved = path.resolve(dir);
  if (resolved === path.parse(resolved).root) throw new UsageError(`--save-bundle ${dir}: refusing to write a bundle into the root folder`, 'name a new folder, like --save-bundle ./netcheck-bundle');
  let info;
  try {
    info = await lstat(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'create';
    throw new PluginError(`--save-bundle ${dir}: ${(error as Error).message}`, ExitCode.couldNotCheck);
  }
  if (info.isSymbolicLink()) throw new UsageError(`--save-bundle ${dir} is a symbolic link; not following it`, 'name the real folder, or a new one');
  if (!info.isDirectory()) throw new UsageError(`--save-bundle ${dir} exists and is not a folder`);
  const entries = await readdir(dir);
  if (entries.length === 0 || (entries.length === 1 && entries[0] === bundleMarkerFile)) return 'empty';
  const marker = await lstat(path.join(dir, bundleMarkerFile)).then((m) => m.isFile(), () => false);
  if (!marker) {
    throw new UsageError(`--save-bundle ${dir} is not empty and is not a netcheck bundle: refusing to write into it`, 'name a new or empty folder');
  }
  if (!options.force) throw new UsageError(`--save-bundle ${dir} holds an earlier bundle`, 'pass --force to replace it completely, or name a new folder');
  return 'replace';
}

/**
 * Writes a snapshot in the `kubectl cluster-info dump --output-directory` layout
 * (plus netcheck's node facts), so that readDump(dir) gives the snapshot back.
 * Every folder is created by us (exclusively) and every file opened with O_EXCL|O_NOFOLLOW:
 * nothing already there, symlinks included, is followed or overwritten.
 */
export async function writeBundle(snapshot: ClusterSnapshot, dir: string, options: BundleOptions = {}): Promise<void> {
  const target = await checkBundleTarget(dir, options);
  if (target === 'create') {
    await mkdir(path.dirname(path.resolve(dir)), { recursive: true });
    await makeDir(dir);
  } else if (target === 'replace') {
    // Ours (the marker says so): emptied entry by entry; rm unlinks symlinks, it does not follow them.
    for (const entry of await readdir(dir)) await rm(path.join(dir, entry), { recursive: true, force: true });
  }
  if (target !== 'empty' || !(await lstat(path.join(dir, bundleMarkerFile)).then(() => true, () => false))) {
    await writeNew(path.join(dir, bundleMarkerFile), 'written by kubectl netcheck --save-bundle; read it with kubectl netcheck --dump DIR\n');
  }
  await writeJson(path.join(dir, nodesFile), { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: snapshot.nodes });

  const unreadable = [...snapshot.unreadable];
  const namespaces = namespacesOf(snapshot);
  const byNamespace = groupByNamespace(snapshot);
  for (const namespace of namespaces) {
    const nsDir = path.join(dir, safeName(namespace, 'namespace'));
    await makeDir(nsDir);
    for (const key of Object.keys(namespacedLists) as NamespacedKey[]) {
      const { file, kind, apiVersion } = namespacedLists[key];
      const items = byNamespace.get(namespace)?.[key] ?? [];
      // kubectl always writes pods and events; the other lists only when there is something to say.
      if (items.length > 0 || key === 'pods' || key === 'events') {
        await writeJson(path.join(nsDir, file), { kind, apiVersion, metadata: {}, items });
      }
    }
  }
  const listFiles = new Set<string>(Object.values(namespacedLists).map((l) => l.file));
  for (const [podDir, logs] of groupPodLogs(snapshot.podLogs)) {
    const { namespace, pod } = splitPodLogKey(podDir);
    if (listFiles.has(pod)) {
      unreadable.push({ what: `logs of pod ${namespace}/${pod}`, reason: `not saved: the pod's name is also the bundle's ${pod}` });
      continue;
    }
    const target = path.join(dir, safeName(namespace, 'namespace'), safeName(pod, 'pod'));
    await makeDir(target);
    await writeNew(path.join(target, podLogFile), formatPodLogs(namespace, pod, logs));
  }
  if (Object.keys(snapshot.nodeFacts).length > 0) await makeDir(path.join(dir, nodeFactsDir));
  for (const [node, facts] of Object.entries(snapshot.nodeFacts)) {
    await writeNodeFacts(path.join(dir, nodeFactsDir, safeName(node, 'node')), facts);
  }
  if (unreadable.length > 0) await writeJson(path.join(dir, unreadableFile), unreadable);
}

async function writeNodeFacts(dir: string, facts: NodeFacts): Promise<void> {
  await makeDir(dir);
  for (const [key, file] of Object.entries(nodeTextFactFiles) as [keyof typeof nodeTextFactFiles, string][]) {
    const text = facts[key];
    if (text !== undefined) await writeNew(path.join(dir, file), text);
  }
  if (facts.cniNetD) {
    await makeDir(path.join(dir, cniNetDDir));
    for (const [file, text] of Object.entries(facts.cniNetD)) {
      await writeNew(path.join(dir, cniNetDDir, safeName(file, 'CNI config file')), text);
    }
  }
  if (facts.flannelSubnetEnv === null) {
    await writeNew(path.join(dir, flannelSubnetEnvAbsentFile), '/run/flannel/subnet.env does not exist\n');
  } else if (facts.flannelSubnetEnv !== undefined) {
    await writeNew(path.join(dir, flannelSubnetEnvFile), facts.flannelSubnetEnv);
  }
}

function namespacesOf(snapshot: ClusterSnapshot): string[] {
  const all = new Set<string>();
  for (const list of [snapshot.pods, snapshot.events, snapshot.daemonSets, snapshot.configMaps] as { metadata?: { namespace?: string } }[][]) {
    for (const o of list) all.add(o.metadata?.namespace ?? '');
  }
  for (const key of Object.keys(snapshot.podLogs)) all.add(splitPodLogKey(key).namespace);
  all.delete('');
  return [...all].sort();
}

/** One pass over every list (not one filter per namespace: that is quadratic in namespaces × objects). */
function groupByNamespace(snapshot: ClusterSnapshot): Map<string, Partial<Record<NamespacedKey, unknown[]>>> {
  const groups = new Map<string, Partial<Record<NamespacedKey, unknown[]>>>();
  for (const key of Object.keys(namespacedLists) as NamespacedKey[]) {
    for (const o of snapshot[key] as { metadata?: { namespace?: string } }[]) {
      const namespace = o.metadata?.namespace ?? '';
      const group = groups.get(namespace) ?? {};
      (group[key] ??= []).push(o);
      groups.set(namespace, group);
    }
  }
  return groups;
}

/** `ns/pod/container` keys → one entry per `ns/pod`. */
function groupPodLogs(podLogs: Record<string, string>): Map<string, ContainerLog[]> {
  const byPod = new Map<string, ContainerLog[]>();
  for (const [key, text] of Object.entries(podLogs)) {
    const { namespace, pod, container } = splitPodLogKey(key);
    const podKey = `${namespace}/${pod}`;
    const logs = byPod.get(podKey) ?? [];
    logs.push({ container, text });
    byPod.set(podKey, logs);
  }
  return byPod;
}

/** Names become path segments: refuse anything that could climb out of the bundle. */
function safeName(name: string, what: string): string {
  const problem = fileNameProblem(name, process.platform);
  if (problem !== undefined) throw new UsageError(`cannot write ${what} "${name}" into the bundle: ${problem}`);
  return name;
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { mode: 0o755 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A folder we made earlier in this run (a namespace's, then its pods'): fine; anything else there is not ours.
    if (code === 'EEXIST' && (await lstat(dir)).isDirectory()) return;
    throw new PluginError(`cannot create ${dir} in the bundle: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
}

/** Creates a new file (never an existing one, never through a symlink). */
async function writeNew(file: string, text: string): Promise<void> {
  let handle;
  try {
    handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
  } catch (error) {
    throw new PluginError(`cannot create ${file} in the bundle: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
  try {
    await handle.writeFile(text);
  } catch (error) {
    throw new PluginError(`cannot write ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, 'is the disk full?', { cause: error });
  } finally {
    await handle.close();
  }
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeNew(file, `${JSON.stringify(value, null, 4)}\n`);
}
