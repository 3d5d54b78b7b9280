import type { V1Pod } from '@kubernetes/client-node';
import { containerProblems, isClusterDnsPod, isLegacyKubeDns, isPodReady, networkNotReadyPattern, readyCondition, type ClusterView } from '../cluster-view.js';
import { staleKernelEvent } from '../observations.js';
import type { Evidence, Finding } from '../types.js';

/**
 * The cluster DNS in CrashLoopBackOff with nothing else to go on.
 * - CoreDNS: on kubeadm clusters the documented usual cause is its loop plugin stopping it (the node's resolv.conf
 *   points back at a local stub resolver). A weak lead, shown until logs say more.
 * - kube-dns (before CoreDNS): no loop plugin; its kubedns container gives up and exits when it cannot reach the
 *   API server through the kubernetes service, so the path from pods to a service IP and off the node is what
 *   fails: kube-proxy's translation, forwarding and bridge-netfilter settings, or the pod network itself. The
 *   crash alone cannot tell which: netcheck says it cannot decide.
 */
export function diagnoseCoreDnsCrashLoop(view: ClusterView): Finding[] {
  const crashLooping = (pod: V1Pod): Evidence[] => containerProblems(pod)
    .filter((p) => p.reason === 'CrashLoopBackOff')
    .map((p) => ({ object: `Pod ${pod.metadata?.namespace}/${pod.metadata?.name}`, field: p.field, text: p.reason }));
  const dnsPods = view.snapshot.pods.filter((pod) => isClusterDnsPod(pod));
  const coreDns: Evidence[] = [...dnsPods.filter((pod) => !isLegacyKubeDns(pod)).flatMap(crashLooping), ...coreDnsCrashLogLines(view)];
  const kubeDns: Evidence[] = dnsPods.filter((pod) => isLegacyKubeDns(pod)).flatMap(crashLooping);
  const findings: Finding[] = [];
  if (coreDns.length > 0) {
    const haveLogs = Object.keys(view.snapshot.podLogs).some((key) => key.includes('/coredns-'));
    findings.push({
      code: 'DNS_FORWARDING_LOOP',
      confidence: haveLogs ? 0.25 : 0.35,
      evidence: coreDns,
      explanation: 'CoreDNS keeps crashing. The usual reason on kubeadm clusters is a forwarding loop (the node\'s /etc/resolv.conf names a local stub such as 127.0.0.53 or 127.0.1.1); its log says so with "plugin/loop: Loop ... detected".',
      nextCommands: ['kubectl -n kube-system logs -l k8s-app=kube-dns --previous --tail=20', 'ssh <node> cat /etc/resolv.conf'],
    });
  }
  if (kubeDns.length > 0) {
    const why = 'kube-dns keeps crashing: its kubedns container exits when it cannot reach the API server through the kubernetes service IP';
    const logs = 'kubectl -n kube-system logs -l k8s-app=kube-dns -c kubedns --previous --tail=20   # "Waiting for services and endpoints" / "i/o timeout"';
    findings.push(
      { code: 'HOST_NETFILTER_SETTINGS', confidence: 0.35, basis: 'structure', evidence: kubeDns, explanation: `${why}; with net.ipv4.ip_forward = 0 or without br_netfilter, pod traffic never leaves the node or never meets kube-proxy's rules.`, nextCommands: [logs, 'ssh <node> "sysctl net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables; lsmod | grep br_netfilter"'] },
      { code: 'SERVICE_PROXY_BROKEN', confidence: 0.35, basis: 'structure', evidence: kubeDns, explanation: `${why}; that IP works only once kube-proxy has programmed the node.`, nextCommands: [logs, 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy'] },
      { code: 'POD_NETWORK_UNREACHABLE', confidence: 0.35, basis: 'structure', evidence: kubeDns, explanation: `${why}; the API server is reached over the pod network's way off the node.`, nextCommands: [logs, 'kubectl get pods -A -o wide   # where kube-dns runs, and the CNI agent there'] },
    );
  }
  return findings;
}

/**
 * The same crash loop seen from the node: the kubelet's "Back-off restarting failed container" for a CoreDNS
 * pod, or the kernel OOM-killing coredns (a forwarding loop before the loop plugin existed grew CoreDNS's
 * memory until it was killed): the kubelet's log, and the kernel's (where a journal keeps the OOM kill there too).
 */
const coreDnsCrashLine = /CrashLoopBackOff[^\n]*?\bcoredns-[\w-]+|\bcoredns-[\w-]+[^\n]*?CrashLoopBackOff|\bcoredns invoked oom-killer|Killed process \d+ \(coredns\)/;

function coreDnsCrashLogLines(view: ClusterView): Evidence[] {
  // A CoreDNS pod that is Ready now serves: crashes in the logs are behind it.
  if (view.snapshot.pods.some((pod) => isClusterDnsPod(pod) && isPodReady(pod))) return [];
  return Object.entries(view.snapshot.nodeFacts).flatMap(([node, facts]) => [
    ...linesOf(facts.kubeletLog, node, 'kubelet.log'),
    ...linesOf(facts.kernelLog, node, 'kernel.log').filter((e) => staleKernelEvent(e.text, view.readySince(node), view.snapshotTime()) === undefined),
  ]);
}

function linesOf(log: string | undefined, node: string, field: string): Evidence[] {
  return (log ?? '').split('\n').filter((line) => coreDnsCrashLine.test(line)).slice(0, 2)
    .map((line) => ({ object: `Node ${node}`, field, text: line.trim() }));
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
