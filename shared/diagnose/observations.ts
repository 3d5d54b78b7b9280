import type { CoreV1Event, V1Node } from '@kubernetes/client-node';
import { splitPodLogKey, type NodeFacts } from '../snapshot/types.js';
import { isPodReady, networkNotReadyPattern, type ClusterView } from './cluster-view.js';
import { loadCniConfigDir } from './cni-config.js';
import { parseLogTime } from './log-time.js';
import { cniAddFailed, cniConfigMissing } from './rules/unexplained-failures.js';
import type { Evidence } from './types.js';

export type ObservationSource = 'event' | 'nodeCondition' | 'kubeletLog' | 'runtimeLog' | 'kernelLog' | 'podLog';

/** One piece of text the rules can match: an event message, a condition message or a log line. */
export interface Observation {
  source: ObservationSource;
  evidence: Evidence;
  /** The node it happened on, when known. */
  node?: string;
  /** The pod it is about, when known. */
  pod?: { namespace: string; name: string };
  /** Event reason, e.g. FailedCreatePodSandBox. */
  reason?: string;
  /**
   * Set when the text is history rather than the current state, saying why: a node log
   * line older than the node's last Ready transition, or one about a pod that is Ready
   * now or gone. Rules do not read past observations; the report lists them as history.
   */
  past?: string;
}

/** A pod's log line (or event) whose pod is listed and Ready now: what it warned about did not stop it. */
export function isLineOfReadyPod(o: Observation, view: ClusterView): boolean {
  const pod = o.pod && view.pod(o.pod.namespace, o.pod.name);
  return pod !== undefined && isPodReady(pod);
}

/** Every text in the snapshot; a log line repeated with new timestamps counts once (its newest occurrence). */
export function collectObservations(view: ClusterView): Observation[] {
  const { snapshot } = view;
  return [
    ...snapshot.nodes.flatMap(conditionObservations),
    ...snapshot.events.filter((e) => (e.message ?? '') !== '' && !view.isPastPodEvent(e)).map((e) => eventObservation(view, e)),
    ...Object.entries(snapshot.nodeFacts).flatMap(([node, facts]) => nodeLogObservations(view, node, facts)),
    ...Object.entries(snapshot.podLogs).flatMap(([key, log]) => {
      const { namespace, pod, container } = splitPodLogKey(key);
      const node = view.pod(namespace, pod)?.spec?.nodeName;
      return logLines(log).map((text): Observation => ({
        source: 'podLog', node, pod: { namespace, name: pod },
        evidence: { object: `Pod ${namespace}/${pod}`, field: `logs[${container}]`, text },
      }));
    }),
  ];
}

function conditionObservations(node: V1Node): Observation[] {
  const name = node.metadata?.name ?? '';
  return (node.status?.conditions ?? [])
    .filter((c) => (c.message ?? '') !== '' && isAbnormal(c))
    .map((c) => ({
      source: 'nodeCondition', node: name, reason: c.reason,
      evidence: { object: `Node ${name}`, field: `status.conditions[${c.type}].message`, text: c.message ?? '' },
    }));
}

function eventObservation(view: ClusterView, event: CoreV1Event): Observation {
  const target = event.involvedObject;
  const name = target.namespace ? `${target.namespace}/${target.name ?? ''}` : target.name ?? '';
  const isPod = target.kind === 'Pod';
  const pod = isPod ? view.pod(target.namespace ?? '', target.name ?? '') : undefined;
  return {
    source: 'event',
    reason: event.reason,
    node: pod?.spec?.nodeName ?? event.source?.host ?? (target.kind === 'Node' ? target.name : undefined),
    pod: isPod ? { namespace: target.namespace ?? '', name: target.name ?? '' } : undefined,
    evidence: { object: `${target.kind ?? 'Object'} ${name}`, field: `events[${event.reason ?? ''}].message`, text: event.message ?? '' },
  };
}

function nodeLogObservations(view: ClusterView, node: string, facts: NodeFacts): Observation[] {
  const readySince = view.readySince(node);
  const now = view.snapshotTime();
  const lines = (source: 'kubeletLog' | 'runtimeLog' | 'kernelLog', field: string, text: string | undefined) =>
    logLines(text).map((line): Observation => {
      const observation: Observation = { source, node, evidence: { object: `Node ${node}`, field, text: line } };
      const past = pastLogLine(view, line, node, facts, readySince, now) ?? (source === 'kernelLog' ? staleKernelEvent(line, readySince, now) : undefined);
      return past === undefined ? observation : { ...observation, past };
    });
  return [
    ...lines('kubeletLog', 'kubelet.log', facts.kubeletLog), ...lines('runtimeLog', 'runtime.log', facts.runtimeLog),
    ...lines('kernelLog', 'kernel.log', facts.kernelLog),
  ];
}

/**
 * The kernel logs events (a conntrack table that was full, a neighbour table that overflowed), not state: one older
 * than this before the snapshot says nothing about now. A line without a wall-clock time and zone (raw dmesg, a syslog
 * kern.log in local time) counts. The snapshot's time is its newest node heartbeat, which may lag by a few minutes.
 */
const kernelEventWindowMs = 3_600_000;

/** A time with its zone (journalctl -o short-iso, dmesg --time-format iso): a syslog kern.log time is local and cannot be aged. */
const zonedTime = /^\S*\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})\b/;

export function staleKernelEvent(line: string, readySince: number | undefined, now: number | undefined): string | undefined {
  if (now === undefined || !zonedTime.test(line)) return undefined;
  const time = parseLogTime(line, readySince ?? now, now);
  return time !== undefined && time < now - kernelEventWindowMs ? `a kernel event more than an hour before the snapshot (${new Date(time).toISOString()})` : undefined;
}

/** Pod named in kubelet / runtime lines: structured `pod="ns/name"`, `"name_ns(uid)"`, cri-o's `k8s_..._name_ns_`. */
const podInLogLine = /\bpods?=\\?"(?<ns>[\w.-]+)\/(?<name>[\w.-]+)\\?"|"(?<name2>[\w.-]+)_(?<ns2>[\w-]+)\((?:[0-9a-f-]{36})\)|\bk8s_[\w.-]+?_(?<name3>[\w.-]+)_(?<ns3>[\w-]+)_[0-9a-f-]{36}_\d+/;

/**
 * How long a kubelet may still report Ready after its runtime lost the CNI config: it polls the
 * runtime's status every 5 s, so a Ready reported 6 s or more after a line was computed after it.
 */
const runtimeStatusLagMs = 6_000;

/**
 * Why a node log line is history, or undefined when it counts. A line without a
 * time counts: nothing says it is old.
 */
function pastLogLine(view: ClusterView, line: string, node: string, facts: NodeFacts, readySince: number | undefined, now: number | undefined): string | undefined {
  const reference = readySince ?? now;
  const time = reference === undefined ? undefined : parseLogTime(line, reference, now);
  if (time !== undefined && readySince !== undefined && time < readySince) return `older than ${node} becoming Ready at ${new Date(readySince).toISOString()}`;
  // "No usable CNI config" followed by the kubelet reporting the node Ready: the config was back by then
  // (an agent or a person rewriting it leaves such a line; containerd reloads on every file event).
  const reportedReady = time === undefined ? undefined : view.readyReportedAt(node);
  if (time !== undefined && reportedReady !== undefined && time + runtimeStatusLagMs <= reportedReady && (cniConfigMissing.test(line) || networkNotReadyPattern.test(line))) {
    return `${node} reported Ready after it, at ${new Date(reportedReady).toISOString()}`;
  }
  const reloadedSince = configLoadableSince(line, facts);
  if (reloadedSince !== undefined) return reloadedSince;
  // A failed CNI ADD followed by a pod on the same node getting its network: overcome since.
  const success = time === undefined ? undefined : view.lastPodNetworkSuccess(node);
  if (time !== undefined && success !== undefined && time < success && cniAddFailed.test(line)) {
    return `a pod on ${node} got its network later, at ${new Date(success).toISOString()}`;
  }
  if (view.snapshot.pods.length === 0) return undefined;
  const g = podInLogLine.exec(line)?.groups;
  if (!g) return undefined;
  const namespace = g['ns'] ?? g['ns2'] ?? g['ns3'] ?? '';
  const name = g['name'] ?? g['name2'] ?? g['name3'] ?? '';
  const pod = view.pod(namespace, name);
  if (!pod) return `about pod ${namespace}/${name}, which is gone`;
  return isPodReady(pod) ? `about pod ${namespace}/${name}, which is Ready now` : undefined;
}

/**
 * containerd reloads the CNI config on every file event in its config dir, so a rewrite (a temporary
 * file, then a rename) logs "no network config found" for the moment between. When the node's
 * /etc/cni/net.d, read after the line, holds a config that loads, a later event has loaded it:
 * the line is history. Only for that dir, the one the node facts read, and only for an event on a file in it: an event
 * on the dir itself (removed or renamed) ends containerd's watch, and nothing written since is loaded.
 */
const reloadWithoutConfig = /fs change event\([^)]*\/etc\/cni\/net\.d\/[^"\\/)\s]+[\s\S]*no network config found in "?\/etc\/cni\/net\.d\/?"?(?=[:\s"]|$)/i;

function configLoadableSince(line: string, facts: NodeFacts): string | undefined {
  if (facts.cniNetD === undefined || !reloadWithoutConfig.test(line)) return undefined;
  const active = loadCniConfigDir(facts.cniNetD).active;
  return active === undefined ? undefined : `/etc/cni/net.d holds a config that loads (${active.file}), read after it`;
}

/** Ready that is not True, or a pressure / NetworkUnavailable condition that is True. */
function isAbnormal(condition: { type: string; status: string }): boolean {
  return condition.type === 'Ready' ? condition.status !== 'True' : condition.status === 'True';
}

/**
 * Non-empty lines; lines that differ only in timestamps, PIDs or sandbox IDs are
 * kept once, as their newest occurrence.
 */
export function logLines(text: string | undefined): string[] {
  if (text === undefined) return [];
  const newestFirst = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '').reverse();
  const byKey = new Map<string, string>();
  for (const line of newestFirst) {
    const key = repetitionKey(line);
    if (!byKey.has(key)) byKey.set(key, line);
  }
  return [...byKey.values()].reverse();
}

/** The part of a log line that stays the same when it repeats. */
function repetitionKey(line: string): string {
  return line
    .replace(/^\w{3} +\d+ [\d:]+ \S+ [\w.-]+(\[\d+\])?: /, '') // journald prefix
    .replace(/^\d{4}-\d{2}-\d{2}T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})? \S+ [\w.-]+(\[\d+\])?: /, '') // journald -o short-iso prefix
    .replace(/^[IWEF]\d{4} [\d:.]+\s+\d+ /, '') // klog header
    .replace(/time="[^"]*"/, '')
    .replace(/\b[0-9a-f]{64}\b/g, '<id>');
}
