import type { V1Pod } from '@kubernetes/client-node';
import { containerProblems } from '../cluster-view.js';
import type { ClusterView } from '../cluster-view.js';
import type { Finding } from '../types.js';

const isCoreDns = (pod: V1Pod) =>
  pod.metadata?.labels?.['k8s-app'] === 'kube-dns' || /^coredns-/.test(pod.metadata?.name ?? '');

/**
 * CoreDNS in CrashLoopBackOff with nothing else to go on: on kubeadm clusters the
 * documented usual cause is its loop plugin stopping it (the node's resolv.conf
 * points back at a local stub resolver). A weak lead, shown until logs say more.
 */
export function diagnoseCoreDnsCrashLoop(view: ClusterView): Finding[] {
  const crashing = view.snapshot.pods.filter(isCoreDns).flatMap((pod) => containerProblems(pod)
    .filter((p) => p.reason === 'CrashLoopBackOff')
    .map((p) => ({ object: `Pod ${pod.metadata?.namespace}/${pod.metadata?.name}`, field: p.field, text: p.reason })));
  if (crashing.length === 0) return [];
  const haveLogs = Object.keys(view.snapshot.podLogs).some((key) => key.includes('/coredns-'));
  return [{
    code: 'DNS_FORWARDING_LOOP',
    confidence: haveLogs ? 0.25 : 0.35,
    evidence: crashing,
    explanation: 'CoreDNS keeps crashing. The usual reason on kubeadm clusters is a forwarding loop (the node\'s /etc/resolv.conf names a local stub such as 127.0.0.53 or 127.0.1.1); its log says so with "plugin/loop: Loop ... detected".',
    nextCommands: ['kubectl -n kube-system logs -l k8s-app=kube-dns --previous --tail=20', 'ssh <node> cat /etc/resolv.conf'],
  }];
}
