import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { emptySnapshot, podLogKey, type ClusterSnapshot, type NodeFacts } from '../../../shared/snapshot/types.js';
import { guessDaemonPod, namespaceFor, outputLines, parseCondition, parseEventText, parseNodeTable, parsePodStatusLine, placeLogLine } from './text-shapes.js';
import type { ConditionState } from './text-shapes.js';
import { makeEvent, makeNode, makePod, type EventTarget } from '../snapshot-builders.js';

/**
 * Turns a corpus case's evidence into the snapshot a cluster in that state would
 * give. Every placement decision is made from the shape of the text (a sysctl
 * line, `ip addr` output, a kubelet journal line, a CoreDNS log line ...) and
 * from the case's cni/k8s_version fields. It never reads root_cause or fix.
 */
export interface CorpusEvidence {
  node_conditions?: string[];
  events?: { type?: string | null; reason: string; from?: string | null; message: string }[];
  pod_status?: string[];
  logs?: string[];
}

export interface CorpusCaseInput {
  id: string;
  cni?: string | null;
  runtime?: string | null;
  k8s_version?: string | null;
  evidence: CorpusEvidence;
}

const genericPod = { namespace: 'default', name: 'app-7c9f8d6b5-h4vlk' };
const corednsPod = { namespace: 'kube-system', name: 'coredns-5d78c9869d-x2mzq', container: 'coredns' };

export function corpusCaseToSnapshot(input: CorpusCaseInput): ClusterSnapshot {
  const conditions = input.evidence.node_conditions ?? [];
  const events = input.evidence.events ?? [];
  const podStatus = input.evidence.pod_status ?? [];
  // A pasted transcript is read as the lines its tools printed, each placed by its own shape.
  const logs = (input.evidence.logs ?? []).flatMap(outputLines);
  const snapshot = emptySnapshot();
  const pods = new Map<string, V1Pod>();
  const addPod = (pod: V1Pod): V1Pod => {
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    if (!pods.has(key)) pods.set(key, pod);
    return pods.get(key)!;
  };

  // Nodes: a `kubectl get nodes` table, event sources, pod assignments, kubelet journal hosts.
  // A node whose state the case does not show gets no conditions rather than an invented Ready.
  const nodeTable = parseNodeTable(podStatus);
  const nodeNames = new Set<string>(nodeTable.keys());
  for (const e of events) {
    const host = eventHost(e.from) ?? /Successfully assigned \S+ to (\S+)/.exec(e.message)?.[1];
    if (host) nodeNames.add(host);
  }
  for (const line of logs) {
    const host = /^\w{3} \d+ [\d:]+ (\S+) kubelet/.exec(line)?.[1];
    if (host) nodeNames.add(host);
  }
  if (nodeNames.size === 0) nodeNames.add('node-1');
  const firstNode = [...nodeNames][0]!;
  const parsed = conditions.map(parseCondition).filter((c): c is ConditionState => c !== undefined);
  const readyProblems = parsed.filter((c) => c.type === 'Ready' && c.status !== 'True');
  for (const name of nodeNames) {
    const tableStatus = nodeTable.get(name);
    const problem = readyProblems[0];
    const affected = problem !== undefined && (tableStatus === undefined || tableStatus !== 'Ready');
    const node = makeNode(name, affected
      ? { ready: problem.status, message: readyProblems.map((c) => c.message).join('; ') }
      : { ready: tableStatus === undefined ? null : tableStatus === 'NotReady' ? 'False' : 'True', kubeletVersion: input.k8s_version ?? undefined });
    for (const c of parsed.filter((c) => c.type === 'NetworkUnavailable')) addCondition(node, c.type, c.status, c.message);
    snapshot.nodes.push(node);
  }

  const addPodRow = (line: string) => {
    const row = parsePodStatusLine(line);
    if (row) addPod(makePod(row.namespace, row.name, { node: firstNode, phase: row.phase, waiting: row.waiting, ready: row.ready }));
  };
  podStatus.forEach(addPodRow);

  // Events point at the pod they name (Scheduled event, message) or at the node.
  const assigned = events.map((e) => /Successfully assigned ([\w-]+)\/([\w.-]+) to (\S+)/.exec(e.message)).find(Boolean) ?? undefined;
  const addEvent = (reason: string, message: string, type: string | undefined, from: string | null | undefined) => {
    const host = eventHost(from) ?? assigned?.[3] ?? firstNode;
    const target = eventTarget(message, reason, host, assigned);
    if (target.kind === 'Pod') addPod(podForEvent(target, reason, host));
    snapshot.events.push(makeEvent(target, reason, message, { type, component: from?.split(',')[0] ?? 'kubelet', host }));
  };
  for (const e of events) addEvent(e.reason, e.message, e.type ?? undefined, e.from);

  // Logs, placed by shape.
  const facts: NodeFacts = {};
  const appendFact = (key: 'kubeletLog' | 'runtimeLog' | 'sysctl' | 'ipAddr' | 'iptablesSave', line: string) => { facts[key] = `${facts[key] ?? ''}${line}\n`; };
  const appendPodLog = (namespace: string, pod: string, container: string, line: string) => {
    const key = podLogKey(namespace, pod, container);
    snapshot.podLogs[key] = `${snapshot.podLogs[key] ?? ''}${line}\n`;
  };
  for (const line of logs) {
    const place = placeLogLine(line);
    const daemon = place === 'daemon' ? guessDaemonPod(input.cni ?? null, line) : undefined;
    if (place === 'flannelSubnetEnv') facts.flannelSubnetEnv = `${facts.flannelSubnetEnv ?? ''}${line.trim()}\n`;
    else if (place === 'sysctl' || place === 'ipAddr' || place === 'iptablesSave') appendFact(place, line);
    else if (place === 'runtime') appendFact('runtimeLog', line);
    else if (place === 'kubelet' || (place === 'daemon' && !daemon)) appendFact('kubeletLog', line);
    else if (place === 'event') {
      const event = parseEventText(line)!;
      addEvent(event.reason, event.message, event.type, undefined);
    } else if (place === 'podRow') addPodRow(line);
    else if (place === 'coredns') {
      addPod(makePod(corednsPod.namespace, corednsPod.name, { node: firstNode, labels: { 'k8s-app': 'kube-dns' }, container: corednsPod.container, noStatus: true }));
      appendPodLog(corednsPod.namespace, corednsPod.name, corednsPod.container, line);
    } else if (daemon) {
      const prefix = daemon.name.replace(/-[a-z0-9]{5}$/, '');
      const pod = [...pods.values()].find((p) => p.metadata?.name?.startsWith(prefix))
        ?? addPod(makePod('kube-system', daemon.name, { node: firstNode, container: daemon.container, noStatus: true }));
      appendPodLog(pod.metadata!.namespace!, pod.metadata!.name!, pod.spec!.containers[0]!.name, line);
    }
  }
  if (Object.keys(facts).length > 0) snapshot.nodeFacts[firstNode] = facts;
  snapshot.pods = [...pods.values()].sort((a, b) => a.metadata!.namespace!.localeCompare(b.metadata!.namespace!));
  return snapshot;
}

/** Old events say `from: "kubelet, node1"`. */
function eventHost(from: string | null | undefined): string | undefined {
  return /^kubelet, (\S+)$/.exec(from ?? '')?.[1];
}

/** The pod an event is about, or the node for node-level events. */
function eventTarget(message: string, reason: string, node: string, assigned: RegExpExecArray | undefined): EventTarget {
  if (/^(Starting|NodeReady|NodeNotReady|NodeHasSufficient\w*|RegisteredNode|CIDRNotAvailable|Rebooted)$/.test(reason)) return { kind: 'Node', name: node };
  if (assigned) return { kind: 'Pod', namespace: assigned[1], name: assigned[2]! };
  const structured = /pod="([\w-]+)\/([\w.-]+)"/.exec(message);
  if (structured) return { kind: 'Pod', namespace: structured[1], name: structured[2]! };
  const dockershim = /pod \\?"([\w.-]+)_([\w-]+)\\?"/.exec(message);
  if (dockershim) return { kind: 'Pod', namespace: dockershim[2], name: dockershim[1]! };
  const named = /network for pod \\?"([\w.-]+)\\?"/.exec(message);
  if (named) return { kind: 'Pod', namespace: namespaceFor(named[1]!), name: named[1]! };
  return { kind: 'Pod', ...genericPod };
}

/** The state a pod is in while it gets such an event. */
function podForEvent(target: EventTarget, reason: string, node: string): V1Pod {
  const namespace = target.namespace ?? 'default';
  if (reason === 'FailedCreatePodSandBox') return makePod(namespace, target.name, { node, phase: 'Pending', waiting: 'ContainerCreating' });
  if (reason === 'Unhealthy') return makePod(namespace, target.name, { node, phase: 'Running', ready: false });
  return makePod(namespace, target.name, { node, noStatus: true });
}

function addCondition(node: V1Node, type: string, status: string, message: string): void {
  node.status?.conditions?.push({ type, status, message, reason: type === 'NetworkUnavailable' && status === 'True' ? 'NoRouteCreated' : undefined });
}
