import type { ClusterSnapshot } from '../snapshot/types.js';
import { splitPodLogKey } from '../snapshot/types.js';
import type { Evidence } from './types.js';

export type ObservationSource = 'event' | 'nodeCondition' | 'kubeletLog' | 'runtimeLog' | 'podLog';

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
}

/** Every text in the snapshot, with identical log lines collapsed to their last occurrence. */
export function collectObservations(snapshot: ClusterSnapshot): Observation[] {
  return [
    ...snapshot.nodes.flatMap((node) => (node.status?.conditions ?? [])
      .filter((c) => (c.message ?? '') !== '' && isAbnormal(c))
      .map((c): Observation => ({
        source: 'nodeCondition',
        node: node.metadata?.name,
        reason: c.reason,
        evidence: { object: `Node ${node.metadata?.name ?? ''}`, field: `status.conditions[${c.type}].message`, text: c.message ?? '' },
      }))),
    ...snapshot.events.filter((e) => (e.message ?? '') !== '').map((e): Observation => {
      const target = e.involvedObject;
      const name = target.namespace ? `${target.namespace}/${target.name ?? ''}` : target.name ?? '';
      const pod = target.kind === 'Pod' ? snapshot.pods.find((p) => p.metadata?.namespace === target.namespace && p.metadata?.name === target.name) : undefined;
      return {
        source: 'event',
        reason: e.reason,
        node: pod?.spec?.nodeName ?? e.source?.host ?? (target.kind === 'Node' ? target.name : undefined),
        pod: target.kind === 'Pod' ? { namespace: target.namespace ?? '', name: target.name ?? '' } : undefined,
        evidence: { object: `${target.kind ?? 'Object'} ${name}`, field: `events[${e.reason ?? ''}].message`, text: e.message ?? '' },
      };
    }),
    ...Object.entries(snapshot.nodeFacts).flatMap(([node, facts]) => [
      ...logLines(facts.kubeletLog).map((text): Observation => ({ source: 'kubeletLog', node, evidence: { object: `Node ${node}`, field: 'kubelet.log', text } })),
      ...logLines(facts.runtimeLog).map((text): Observation => ({ source: 'runtimeLog', node, evidence: { object: `Node ${node}`, field: 'runtime.log', text } })),
    ]),
    ...Object.entries(snapshot.podLogs).flatMap(([key, log]) => {
      const { namespace, pod, container } = splitPodLogKey(key);
      const node = snapshot.pods.find((p) => p.metadata?.namespace === namespace && p.metadata?.name === pod)?.spec?.nodeName;
      return logLines(log).map((text): Observation => ({
        source: 'podLog', node, pod: { namespace, name: pod },
        evidence: { object: `Pod ${namespace}/${pod}`, field: `logs[${container}]`, text },
      }));
    }),
  ];
}

/** Ready that is not True, or a pressure / NetworkUnavailable condition that is True. */
function isAbnormal(condition: { type: string; status: string }): boolean {
  return condition.type === 'Ready' ? condition.status !== 'True' : condition.status === 'True';
}

/** Non-empty lines, each kept once (its last occurrence: the newest is the one that matters). */
export function logLines(text: string | undefined): string[] {
  if (text === undefined) return [];
  const lines = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return [...new Set(lines.reverse())].reverse();
}
