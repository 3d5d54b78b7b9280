import type { V1Pod } from '@kubernetes/client-node';
import { isCniDaemonPod, isPodReady } from '../../shared/diagnose/cluster-view.js';

/** Log tails of at most this many CNI daemon pods (not-ready ones first). */
const maxCniLogPods = 6;

/**
 * Whose logs the diagnosis reads: CNI daemon pods (not-ready first, bounded) and CoreDNS pods that
 * have started containers. Given to the gatherer, so shared/kube needs nothing from shared/diagnose.
 */
export function podsWorthLogs(pods: readonly V1Pod[]): V1Pod[] {
  const started = (p: V1Pod) => (p.status?.containerStatuses ?? []).some((c) => c.state?.running || c.state?.terminated || c.lastState?.terminated);
  const cni = pods.filter((p) => isCniDaemonPod(p) && started(p))
    .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)))
    .slice(0, maxCniLogPods);
  const dns = pods.filter((p) => p.metadata?.labels?.['k8s-app'] === 'kube-dns' && started(p)).slice(0, 4);
  return [...cni, ...dns];
}
