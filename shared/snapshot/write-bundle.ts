import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../cli/errors.js';
import {
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

/**
 * Writes a snapshot in the `kubectl cluster-info dump --output-directory` layout
 * (plus netcheck's node facts), so that readDump(dir) gives the snapshot back.
 */
export async function writeBundle(snapshot: ClusterSnapshot, dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeJson(path.join(dir, nodesFile), { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: snapshot.nodes });

  for (const namespace of namespacesOf(snapshot)) {
    const nsDir = path.join(dir, safeName(namespace, 'namespace'));
    await mkdir(nsDir, { recursive: true });
    for (const key of Object.keys(namespacedLists) as NamespacedKey[]) {
      const { file, kind, apiVersion } = namespacedLists[key];
      const items = (snapshot[key] as { metadata?: { namespace?: string } }[]).filter((o) => o.metadata?.namespace === namespace);
      // kubectl always writes pods and events; the other lists only when there is something to say.
      if (items.length > 0 || key === 'pods' || key === 'events') {
        await writeJson(path.join(nsDir, file), { kind, apiVersion, metadata: {}, items });
      }
    }
  }
  for (const [podDir, logs] of groupPodLogs(snapshot.podLogs)) {
    const { namespace, pod } = splitPodLogKey(podDir);
    const target = path.join(dir, safeName(namespace, 'namespace'), safeName(pod, 'pod'));
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, podLogFile), formatPodLogs(namespace, pod, logs));
  }
  for (const [node, facts] of Object.entries(snapshot.nodeFacts)) {
    await writeNodeFacts(path.join(dir, nodeFactsDir, safeName(node, 'node')), facts);
  }
  if (snapshot.unreadable.length > 0) await writeJson(path.join(dir, unreadableFile), snapshot.unreadable);
}

async function writeNodeFacts(dir: string, facts: NodeFacts): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [key, file] of Object.entries(nodeTextFactFiles) as [keyof typeof nodeTextFactFiles, string][]) {
    const text = facts[key];
    if (text !== undefined) await writeFile(path.join(dir, file), text);
  }
  if (facts.cniNetD) {
    await mkdir(path.join(dir, cniNetDDir), { recursive: true });
    for (const [file, text] of Object.entries(facts.cniNetD)) {
      await writeFile(path.join(dir, cniNetDDir, safeName(file, 'CNI config file')), text);
    }
  }
  if (facts.flannelSubnetEnv === null) {
    await writeFile(path.join(dir, flannelSubnetEnvAbsentFile), '/run/flannel/subnet.env does not exist\n');
  } else if (facts.flannelSubnetEnv !== undefined) {
    await writeFile(path.join(dir, flannelSubnetEnvFile), facts.flannelSubnetEnv);
  }
}

function namespacesOf(snapshot: ClusterSnapshot): string[] {
  const all = [...snapshot.pods, ...snapshot.events, ...snapshot.daemonSets, ...snapshot.configMaps]
    .map((o) => o.metadata?.namespace ?? '')
    .concat(Object.keys(snapshot.podLogs).map((key) => splitPodLogKey(key).namespace));
  return [...new Set(all.filter((ns) => ns !== ''))].sort();
}

/** `ns/pod/container` keys → one entry per `ns/pod`. */
function groupPodLogs(podLogs: Record<string, string>): Map<string, ContainerLog[]> {
  const byPod = new Map<string, ContainerLog[]>();
  for (const [key, text] of Object.entries(podLogs)) {
    const { namespace, pod, container } = splitPodLogKey(key);
    const podKey = `${namespace}/${pod}`;
    byPod.set(podKey, [...(byPod.get(podKey) ?? []), { container, text }]);
  }
  return byPod;
}

/** Names become path segments: refuse anything that could climb out of the bundle. */
function safeName(name: string, what: string): string {
  const problem = fileNameProblem(name, process.platform);
  if (problem !== undefined) throw new UsageError(`cannot write ${what} "${name}" into the bundle: ${problem}`);
  return name;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 4)}\n`);
}
