import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterView } from '../cluster-view.js';
import type { Finding } from '../types.js';

/** Longer than a healthy sandbox takes to get its network: a rollout's transient pods stay below it. */
const stuckAfterMs = 60_000;

/**
 * The pod changed state (scheduled, or its Ready condition flipped) less than a
 * minute before the snapshot: starting or restarting, not yet a failure.
 */
export function isPodSettling(view: ClusterView, pod: V1Pod): boolean {
  const now = view.snapshotTime();
  if (now === undefined) return false;
  const changes = (pod.status?.conditions ?? []).filter((c) => c.type === 'PodScheduled' || c.type === 'Ready')
    .map((c) => Date.parse(String(c.lastTransitionTime ?? ''))).filter((t) => Number.isFinite(t));
  return changes.length > 0 && now - changes.reduce((a, b) => Math.max(a, b)) <= stuckAfterMs;
}

/** Scheduled, not on the host network, and still waiting in ContainerCreating for over a minute. */
export function podsStuckCreating(view: ClusterView): V1Pod[] {
  const now = view.snapshotTime();
  if (now === undefined) return [];
  return view.snapshot.pods.filter((pod) => {
    if (!pod.spec?.nodeName || pod.spec.hostNetwork || pod.status?.phase !== 'Pending') return false;
    const creating = (pod.status.containerStatuses ?? []).some((c) => c.state?.waiting?.reason === 'ContainerCreating');
    const scheduledAt = Date.parse(String(pod.status.conditions?.find((c) => c.type === 'PodScheduled')?.lastTransitionTime ?? pod.metadata?.creationTimestamp ?? ''));
    return creating && Number.isFinite(scheduledAt) && now - scheduledAt > stuckAfterMs;
  });
}

/**
 * Pods whose sandbox never gets made, seen from their status alone: case A
 * even when the events that would name the cause cannot be read.
 */
export function diagnoseStuckSandboxes(view: ClusterView): Finding[] {
  const stuck = podsStuckCreating(view);
  if (stuck.length === 0) return [];
  const nodes = [...new Set(stuck.map((p) => p.spec?.nodeName))].join(', ');
  const first = stuck[0]!;
  return [{
    code: 'UNKNOWN', confidence: 0.4,
    evidence: stuck.slice(0, 4).map((p) => ({
      object: `Pod ${p.metadata?.namespace}/${p.metadata?.name}`, field: 'status.containerStatuses[].state.waiting.reason', text: 'ContainerCreating',
    })),
    explanation: `${stuck.length} pod(s) on ${nodes} have waited over a minute in ContainerCreating: their sandboxes are not being created (case A). The kubelet's FailedCreatePodSandBox events, or the node's kubelet and runtime logs, name the cause.`,
    nextCommands: [`kubectl describe pod -n ${first.metadata?.namespace} ${first.metadata?.name}`, `kubectl get events -n ${first.metadata?.namespace} --field-selector involvedObject.name=${first.metadata?.name}`, 'kubectl netcheck --ssh   # reads the kubelet and runtime logs on the nodes'],
  }];
}
