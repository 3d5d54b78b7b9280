import type { V1Pod } from '@kubernetes/client-node';
import { containerProblems, networkNotReadyPattern, readyCondition, type ClusterView } from '../cluster-view.js';
import type { Evidence, Finding } from '../types.js';

const isCoreDns = (pod: V1Pod) =>
  pod.metadata?.labels?.['k8s-app'] === 'kube-dns' || /^coredns-/.test(pod.metadata?.name ?? '');

/**
 * CoreDNS in CrashLoopBackOff with nothing else to go on: on kubeadm clusters the
 * documented usual cause is its loop plugin stopping it (the node's resolv.conf
 * points back at a local stub resolver). A weak lead, shown until logs say more.
 */
export function diagnoseCoreDnsCrashLoop(view: ClusterView): Finding[] {
  const crashing: Evidence[] = [...view.snapshot.pods.filter(isCoreDns).flatMap((pod) => containerProblems(pod)
    .filter((p) => p.reason === 'CrashLoopBackOff')
    .map((p) => ({ object: `Pod ${pod.metadata?.namespace}/${pod.metadata?.name}`, field: p.field, text: p.reason }))), ...coreDnsCrashLogLines(view)];
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

/**
 * The same crash loop seen from the node: the kubelet's "Back-off restarting failed container" for a CoreDNS
 * pod, or the kernel OOM-killing coredns (a forwarding loop before the loop plugin existed grew CoreDNS's
 * memory until it was killed). Both live in the node journal netcheck reads with the kubelet's log.
 */
const coreDnsCrashLine = /CrashLoopBackOff[^\n]*?\bcoredns-[\w-]+|\bcoredns-[\w-]+[^\n]*?CrashLoopBackOff|\bcoredns invoked oom-killer|Killed process \d+ \(coredns\)/;

function coreDnsCrashLogLines(view: ClusterView): Evidence[] {
  return Object.entries(view.snapshot.nodeFacts).flatMap(([node, facts]) => (facts.kubeletLog ?? '').split('\n')
    .filter((line) => coreDnsCrashLine.test(line))
    .slice(0, 2)
    .map((line) => ({ object: `Node ${node}`, field: 'kubelet.log', text: line.trim() })));
}

const notReadyTaint = /taint \{node\.kubernetes\.io\/not-ready: ?\}/;

/**
 * CoreDNS unschedulable because every node carries the not-ready taint, with no
 * CNI agent anywhere and no node saying why it is NotReady: right after
 * `kubeadm init` this is the missing pod network add-on (kubeadm's own docs).
 */
export function diagnoseCoreDnsUnschedulable(view: ClusterView): Finding[] {
  const { nodes, events } = view.snapshot;
  const unschedulable = events.filter((e) => e.reason === 'FailedScheduling' && notReadyTaint.test(e.message ?? '') && /^coredns-/.test(e.involvedObject.name ?? ''));
  const someNodeReady = nodes.some((n) => readyCondition(n)?.status === 'True');
  const nodeSaysWhy = nodes.some((n) => (readyCondition(n)?.message ?? '') !== '' && !networkNotReadyPattern.test(readyCondition(n)?.message ?? ''));
  if (unschedulable.length === 0 || someNodeReady || nodeSaysWhy || view.cniDaemonPods().length > 0) return [];
  return [{
    code: 'CNI_NOT_INSTALLED',
    confidence: 0.45,
    evidence: unschedulable.slice(0, 2).map((e) => ({ object: `Pod ${e.involvedObject.namespace}/${e.involvedObject.name}`, field: 'events[FailedScheduling].message', text: e.message ?? '' })),
    explanation: 'CoreDNS cannot be scheduled because every node is NotReady, and no CNI agent runs anywhere: after kubeadm init the nodes stay NotReady until a pod network add-on is installed.',
    nextCommands: ['kubectl get nodes', 'kubectl describe nodes | grep -A2 "Ready "', 'kubectl apply -f <your CNI provider\'s manifest>'],
  }];
}
