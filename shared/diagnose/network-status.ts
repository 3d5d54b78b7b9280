import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { causeCatalog } from './cause-catalog.js';
import { isNodeNetworkNotReady, networkNotReadyPattern, nodeName, readyCondition, type ClusterView } from './cluster-view.js';
import type { Observation } from './observations.js';
import { probeFailures } from './rules/probe-failures.js';
import { podsStuckCreating } from './rules/stuck-sandboxes.js';
import { stepOfSymptoms, type FailureSymptom } from './rules/unexplained-failures.js';
import type { Diagnosis, Finding, Step } from './types.js';

/** Findings below this are leads, not enough to call the container network NG on their own. */
export const minConfidenceForStatus = 0.35;

const controlPlaneComponents = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler'];

/** Host network: nodes registered, kubelets posting status, control-plane pods running. */
export function assessHostNetwork(view: ClusterView): Diagnosis['hostNetwork'] {
  const reasons: string[] = [];
  const { nodes, pods } = view.snapshot;
  if (nodes.length === 0) reasons.push('no nodes are registered');
  for (const node of nodes) {
    const unknownState = unknownNodeState(node);
    if (unknownState) {
      reasons.push(unknownState);
      continue;
    }
    const ready = readyCondition(node);
    if (ready?.status === 'Unknown') reasons.push(`the kubelet on ${nodeName(node)} stopped posting node status (${ready.message || ready.reason || 'Ready=Unknown'})`);
    else if (ready?.status === 'False' && !networkNotReadyPattern.test(ready.message ?? '')) reasons.push(`${nodeName(node)} is NotReady: ${ready.message || ready.reason || 'no reason given'}`);
  }
  for (const pod of pods.filter(isControlPlanePod)) {
    if (pod.status?.phase !== 'Running') reasons.push(`${pod.metadata?.namespace}/${pod.metadata?.name} is ${pod.status?.phase ?? 'not running'}`);
  }
  return { status: reasons.length === 0 ? 'OK' : 'NG', reasons };
}

/**
 * A node whose state cannot be read is not a healthy node: no conditions at all, no
 * Ready condition, a status other than True/False/Unknown, or Ready conditions that
 * contradict each other.
 */
function unknownNodeState(node: V1Node): string | undefined {
  const conditions = node.status?.conditions ?? [];
  const name = nodeName(node);
  if (conditions.length === 0) return `${name} reports no conditions: its state is unknown`;
  const readies = conditions.filter((c) => c.type === 'Ready');
  if (readies.length === 0) return `${name} has no Ready condition: its state is unknown`;
  const statuses = [...new Set(readies.map((c) => c.status))];
  if (statuses.length > 1) return `${name} has contradicting Ready conditions (${statuses.join(' and ')}): its state is unknown`;
  if (!['True', 'False', 'Unknown'].includes(statuses[0] ?? '')) return `${name} reports Ready=${statuses[0] || '(empty)'}, which is not a state the kubelet writes: its state is unknown`;
  return undefined;
}

/** kubeadm's static pods: labelled tier=control-plane, named <component>-<node>. */
function isControlPlanePod(pod: V1Pod): boolean {
  if (pod.metadata?.namespace !== 'kube-system') return false;
  const labels = pod.metadata.labels ?? {};
  return labels['tier'] === 'control-plane' || controlPlaneComponents.includes(labels['component'] ?? '') ||
    controlPlaneComponents.some((c) => pod.metadata?.name === `${c}-${pod.spec?.nodeName ?? ''}`);
}

/**
 * The step comes from what is observed (nodes waiting for a CNI config, sandboxes
 * failing, probes timing out), earliest step first; without such symptoms, from
 * the stage of the most likely container-network cause; then from failing CNI
 * daemon or CoreDNS pods. Failure symptoms decide even when no rule names a cause.
 */
export function assessContainerNetwork(
  view: ClusterView, observations: readonly Observation[], findings: readonly Finding[], hostNetwork: Diagnosis['hostNetwork'],
  symptoms: readonly FailureSymptom[],
): Diagnosis['containerNetwork'] {
  // With the host network down, "nothing seen" does not mean the container network works.
  const fallback: Step = view.snapshot.nodes.length > 0 && hostNetwork.status === 'OK' ? 'ready' : 'unknown';
  const step = observedStep(view, observations, symptoms) ?? stageOfTopFinding(findings) ??
    stepOfSymptoms(symptoms, ['cni-daemon', 'coredns']) ?? fallback;
  return { status: step === 'ready' ? 'OK' : 'NG', step };
}

function observedStep(view: ClusterView, observations: readonly Observation[], symptoms: readonly FailureSymptom[]): Step | undefined {
  if (view.snapshot.nodes.some(isNodeNetworkNotReady)) return 'waiting-for-cni';
  const fromEvidence = stepOfSymptoms(symptoms, ['runtime-network', 'sandbox']);
  if (fromEvidence) return fromEvidence;
  if (podsStuckCreating(view).length > 0) return 'case-a';
  const timeouts = probeFailures(observations).filter((p) => p.outcome === 'timeout');
  if (timeouts.some((p) => !p.pod || view.pod(p.pod.namespace, p.pod.name)?.spec?.hostNetwork !== true)) return 'case-b';
  return undefined;
}

function stageOfTopFinding(findings: readonly Finding[]): Step | undefined {
  for (const finding of findings) {
    const stage = causeCatalog[finding.code].stage;
    if (stage && finding.confidence >= minConfidenceForStatus) return stage;
  }
  return undefined;
}
