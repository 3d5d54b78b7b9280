import type { V1Pod } from '@kubernetes/client-node';
import { emptySnapshot, podLogKey, type ClusterSnapshot, type NodeFacts } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod, type EventTarget } from './snapshot-builders.js';

/**
 * Turns a corpus case's evidence into the snapshot a cluster in that state would
 * give. Every placement decision is made from the shape of the text (a sysctl
 * line, `ip addr` output, a kubelet journal line, a CoreDNS log line ...) and
 * from the case's cni/runtime/k8s_version fields. It never reads root_cause or fix.
 */
export interface CorpusEvidence {
  node_conditions: string[];
  events: { type: string | null; reason: string; from: string | null; message: string }[];
  pod_status: string[];
  logs: string[];
}

export interface CorpusCaseInput {
  id: string;
  cni: string | null;
  runtime: string | null;
  k8s_version: string | null;
  evidence: CorpusEvidence;
}

type LogPlace = 'sysctl' | 'ipAddr' | 'coredns' | 'kubelet' | 'runtime' | 'sandboxEvent' | 'daemon';

/** Where a log line would have been found on a real cluster, by its shape. */
export function placeLogLine(line: string): LogPlace {
  if (/^\s*[a-z0-9_]+(\.[\w-]+)+\s*=\s*\S+\s*$/.test(line)) return 'sysctl';
  if (/^\d+:\s+\S+:\s+<[^>]*>\s+mtu\s+\d+/.test(line) || /^\s+(inet6? |link\/)/.test(line)) return 'ipAddr';
  if (/^\[(INFO|WARNING|ERROR|FATAL)\] plugin\//.test(line)) return 'coredns';
  if (/^Failed (to )?create pod sandbox:/.test(line)) return 'sandboxEvent';
  if (/level=(info|warning|error)|^time="/.test(line)) return 'runtime';
  const klog = /^[IWEF]\d{4} [\d:.]+\s+(\d+) /.exec(line.replace(/^.*?(kubelet(\[\d+\])?: )/, ''));
  if (/\bkubelet(\[\d+\])?: /.test(line) || (klog && klog[1] !== '1')) return 'kubelet';
  if (/^(cni|kubelet|kuberuntime_\w+|remote_runtime|pod_workers|prober|docker_\w+)\.go:\d+\]/.test(line)) return 'kubelet';
  // dockershim / kubelet phrasing of CNI errors.
  if (/NetworkPlugin cni failed|Failed to setup network for pod|NetworkReady=false|failed to find plugin|network plugins? \\?"cni/.test(line)) return 'kubelet';
  return 'daemon';
}

const daemonByCni: [RegExp, { name: string; container: string }][] = [
  [/flannel/i, { name: 'kube-flannel-ds-7rxss', container: 'kube-flannel' }],
  [/calico/i, { name: 'calico-node-5x2vq', container: 'calico-node' }],
  [/weave/i, { name: 'weave-net-8kz4d', container: 'weave' }],
  [/cilium/i, { name: 'cilium-q7lwn', container: 'cilium-agent' }],
  [/kindnet/i, { name: 'kindnet-c6hjm', container: 'kindnet-cni' }],
];

const systemPodPrefix = /^(coredns|kube-|etcd|weave-net|calico|cilium|kindnet|canal|flannel)/;

export function corpusCaseToSnapshot(input: CorpusCaseInput): ClusterSnapshot {
  const snapshot = emptySnapshot();
  const { evidence } = input;
  const pods = new Map<string, V1Pod>();
  const addPod = (pod: V1Pod) => { const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`; if (!pods.has(key)) pods.set(key, pod); return pods.get(key)!; };

  // Nodes: a `kubectl get nodes` table, kubelet journal hosts, event sources, pod assignments.
  const nodeTable = parseNodeTable(evidence.pod_status);
  const nodeNames = new Set<string>(nodeTable.keys());
  for (const e of evidence.events) {
    const host = /^kubelet, (\S+)$/.exec(e.from ?? '')?.[1] ?? /Successfully assigned \S+ to (\S+)/.exec(e.message)?.[1];
    if (host) nodeNames.add(host);
  }
  for (const line of evidence.logs) {
    const host = /^\w{3} \d+ [\d:]+ (\S+) kubelet/.exec(line)?.[1];
    if (host) nodeNames.add(host);
  }
  if (nodeNames.size === 0) nodeNames.add('node-1');
  const firstNode = [...nodeNames][0]!;
  const conditionMessages = evidence.node_conditions.map(conditionMessage);
  for (const name of nodeNames) {
    const tableStatus = nodeTable.get(name);
    const notReady = conditionMessages.length > 0 && (tableStatus === undefined || tableStatus === 'NotReady');
    snapshot.nodes.push(makeNode(name, notReady ? { ready: 'False', message: conditionMessages.join('; ') } : { kubeletVersion: input.k8s_version ?? undefined }));
  }

  // Pods: `kubectl get pods` rows and free-text status lines.
  for (const line of evidence.pod_status) {
    const parsed = parsePodStatusLine(line);
    if (parsed) addPod(makePod(parsed.namespace, parsed.name, { node: firstNode, waiting: parsed.waiting, phase: parsed.waiting === 'ContainerCreating' ? 'Pending' : 'Running', ready: parsed.waiting ? false : undefined }));
  }

  // Events: each points at the pod it names (Scheduled event, message) or at the node.
  const assigned = evidence.events.map((e) => /Successfully assigned ([\w-]+)\/([\w.-]+) to (\S+)/.exec(e.message)).find(Boolean);
  for (const e of evidence.events) {
    const host = /^kubelet, (\S+)$/.exec(e.from ?? '')?.[1] ?? assigned?.[3] ?? firstNode;
    const target = eventTarget(e.message, assigned ?? null, e.reason, host);
    if (target.kind === 'Pod') addPod(podForEvent(target, e.reason, host));
    snapshot.events.push(makeEvent(target, e.reason, e.message, { type: e.type ?? undefined, component: e.from?.split(',')[0] ?? 'kubelet', host }));
  }

  // Logs, placed by shape.
  const facts: NodeFacts = {};
  const append = (key: 'kubeletLog' | 'runtimeLog' | 'sysctl' | 'ipAddr', line: string) => { facts[key] = `${facts[key] ?? ''}${line}\n`; };
  const daemon = daemonByCni.find(([pattern]) => pattern.test(input.cni ?? ''))?.[1];
  for (const line of evidence.logs) {
    const place = placeLogLine(line);
    if (place === 'sysctl') append('sysctl', line);
    else if (place === 'ipAddr') append('ipAddr', line);
    else if (place === 'kubelet' || (place === 'daemon' && !daemon)) append('kubeletLog', line);
    else if (place === 'runtime') append('runtimeLog', line);
    else if (place === 'sandboxEvent') {
      const target = eventTarget(line, null, 'FailedCreatePodSandBox', firstNode);
      if (target.kind === 'Pod') addPod(podForEvent(target, 'FailedCreatePodSandBox', firstNode));
      snapshot.events.push(makeEvent(target, 'FailedCreatePodSandBox', line, { host: firstNode }));
    } else {
      const pod = place === 'coredns'
        ? addPod(makePod('kube-system', 'coredns-5d78c9869d-x2mzq', { node: firstNode, labels: { 'k8s-app': 'kube-dns' }, noStatus: true }))
        : existingDaemonPod(pods, daemon!.name) ?? addPod(makePod('kube-system', daemon!.name, { node: firstNode, container: daemon!.container, noStatus: true }));
      const key = podLogKey('kube-system', pod.metadata!.name!, pod.spec!.containers[0]!.name);
      snapshot.podLogs[key] = `${snapshot.podLogs[key] ?? ''}${line}\n`;
    }
  }
  if (Object.keys(facts).length > 0) snapshot.nodeFacts[firstNode] = facts;
  snapshot.pods = [...pods.values()].sort((a, b) => (a.metadata!.namespace! < b.metadata!.namespace! ? -1 : 1));
  return snapshot;
}

/** "Ready False ... KubeletNotReady <message>" or just the message → the message. */
function conditionMessage(text: string): string {
  return /KubeletNotReady\s+(.*)$/.exec(text)?.[1]?.trim() ?? text.trim();
}

function parseNodeTable(lines: string[]): Map<string, string> {
  const nodes = new Map<string, string>();
  if (!lines.some((l) => /^NAME\s+STATUS\s+(ROLES|AGE)/.test(l))) return nodes;
  for (const line of lines) {
    const [name, status] = line.trim().split(/\s+/);
    if (name && status && name !== 'NAME') nodes.set(name, status);
  }
  return nodes;
}

/** `kubectl get pods` rows or prose such as "weave-net pod CrashLoopBackOff", "all my pods are stuck creating". */
function parsePodStatusLine(line: string): { namespace: string; name: string; waiting?: string } | undefined {
  if (/^(NAMESPACE\s+)?NAME\s+(READY|STATUS)/.test(line) || /^NAME\s+STATUS\s+(ROLES|AGE)/.test(line)) return undefined;
  const row = /^(?:(\S+)\s+)?(?:pod\/)?([a-z0-9][a-z0-9.-]*)\s+(\d+)\/(\d+)\s+(\S+)\s+\d+/.exec(line.trim());
  if (row) {
    const status = row[5] ?? '';
    return { namespace: row[1] ?? 'default', name: row[2] ?? '', waiting: status === 'Running' ? undefined : status };
  }
  const waiting = /CrashLoopBackOff|crashloop/i.test(line) ? 'CrashLoopBackOff'
    : /ContainerCreating|stuck creating/i.test(line) ? 'ContainerCreating'
      : /erroring|\bError\b/i.test(line) ? 'Error' : undefined;
  if (!waiting) return undefined;
  const first = (line.trim().split(/\s+/)[0] ?? '').toLowerCase();
  if (/^[a-z][a-z0-9-]*$/.test(first) && !/^(all|my|the|pods?|newly)$/.test(first)) {
    const namespace = systemPodPrefix.test(first) ? 'kube-system' : 'default';
    return { namespace, name: `${first}-h4vlk`, waiting };
  }
  return { namespace: 'default', name: 'app-7c9f8d6b5-h4vlk', waiting };
}

/** The pod an event message is about, or the node for node-level events. */
function eventTarget(message: string, assigned: RegExpExecArray | null, reason: string, node: string): EventTarget {
  if (/^(Starting|NodeReady|NodeNotReady|NodeHasSufficient|RegisteredNode)/.test(reason)) return { kind: 'Node', name: node };
  if (assigned) return { kind: 'Pod', namespace: assigned[1], name: assigned[2]! };
  const podNs = /pod "([\w.-]+)_([\w-]+)"/.exec(message) ?? /pod="([\w-]+)\/([\w.-]+)"/.exec(message);
  if (podNs) return message.includes('pod="') ? { kind: 'Pod', namespace: podNs[1], name: podNs[2]! } : { kind: 'Pod', namespace: podNs[2], name: podNs[1]! };
  const podOnly = /network for pod "([\w.-]+)"/.exec(message);
  if (podOnly) return { kind: 'Pod', namespace: systemPodPrefix.test(podOnly[1]!) ? 'kube-system' : 'default', name: podOnly[1]! };
  return { kind: 'Pod', namespace: 'default', name: 'app-7c9f8d6b5-h4vlk' };
}

/** The state a pod is in while it gets such an event. */
function podForEvent(target: EventTarget, reason: string, node: string): V1Pod {
  const namespace = target.namespace ?? 'default';
  if (reason === 'FailedCreatePodSandBox') return makePod(namespace, target.name, { node, phase: 'Pending', waiting: 'ContainerCreating' });
  if (reason === 'Unhealthy') return makePod(namespace, target.name, { node, phase: 'Running', ready: false });
  return makePod(namespace, target.name, { node, noStatus: true });
}

function existingDaemonPod(pods: Map<string, V1Pod>, daemonName: string): V1Pod | undefined {
  const prefix = daemonName.replace(/-[a-z0-9]{5}$/, '');
  return [...pods.values()].find((p) => p.metadata?.name?.startsWith(prefix));
}
