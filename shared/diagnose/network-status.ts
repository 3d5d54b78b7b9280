import type { V1Pod } from '@kubernetes/client-node';
import { causeCatalog } from './cause-catalog.js';
import { isNodeNetworkNotReady, networkNotReadyPattern, nodeName, readyCondition, type ClusterView } from './cluster-view.js';
import type { Observation } from './observations.js';
import { probeFailures } from './rules/probe-failures.js';
import { sandboxNetworkFailure } from './rules/sandbox-errors.js';
import { podsStuckCreating } from './rules/stuck-sandboxes.js';
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
    const ready = readyCondition(node);
    if (ready?.status === 'Unknown') reasons.push(`the kubelet on ${nodeName(node)} stopped posting node status (${ready.message || ready.reason || 'Ready=Unknown'})`);
    else if (ready?.status === 'False' && !networkNotReadyPattern.test(ready.message ?? '')) reasons.push(`${nodeName(node)} is NotReady: ${ready.message || ready.reason || 'no reason given'}`);
  }
  for (const pod of pods.filter(isControlPlanePod)) {
    if (pod.status?.phase !== 'Running') reasons.push(`${pod.metadata?.namespace}/${pod.metadata?.name} is ${pod.status?.phase ?? 'not running'}`);
  }
  return { status: reasons.length === 0 ? 'OK' : 'NG', reasons };
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
 * the stage of the most likely container-network cause.
 */
export function assessContainerNetwork(
  view: ClusterView, observations: readonly Observation[], findings: readonly Finding[], hostNetwork: Diagnosis['hostNetwork'],
): Diagnosis['containerNetwork'] {
  // With the host network down, "nothing seen" does not mean the container network works.
  const fallback: Step = view.snapshot.nodes.length > 0 && hostNetwork.status === 'OK' ? 'ready' : 'unknown';
  const step = observedStep(view, observations) ?? stageOfTopFinding(findings) ?? fallback;
  return { status: step === 'ready' ? 'OK' : 'NG', step };
}

function observedStep(view: ClusterView, observations: readonly Observation[]): Step | undefined {
  const saysNetworkNotReady = (o: Observation) => (o.source === 'kubeletLog' || o.source === 'runtimeLog' || o.source === 'event') &&
    networkNotReadyPattern.test(o.evidence.text) && !view.isNodeReadyNow(o.node);
  if (view.snapshot.nodes.some(isNodeNetworkNotReady) || observations.some(saysNetworkNotReady)) return 'waiting-for-cni';
  const sandboxTexts = observations.filter((o) => o.source !== 'podLog' && o.source !== 'nodeCondition');
  if (sandboxTexts.some((o) => sandboxNetworkFailure.test(o.evidence.text) || /failed to find plugin/.test(o.evidence.text))) return 'case-a';
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
