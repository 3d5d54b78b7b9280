import type { V1Pod } from '@kubernetes/client-node';
import type { CauseCode } from '../cause-catalog.js';
import { isClusterDnsPod, isCniDaemonPod, isCniDaemonPodName, isIpv6RuleFailureOnIpv4Cluster, isPodReady, type ClusterView } from '../cluster-view.js';
import {
  cniAgentWord, cniConfigFile, isFailureLine, klogSourceFile, kubeletCniSourceFile, kubeProxySourceFile, netErrorIn, statedSeverity, type NetError,
} from '../failure-vocabulary.js';
import type { Observation } from '../observations.js';
import { cniAddFailed, cniConfigMissing } from './unexplained-failures.js';
import { causeTopicOf } from '../cause-topics.js';
import { maxEvidencePerFinding, type Finding } from '../types.js';
import { quoteEvidence, type Reading } from './sandbox-readings.js';

/**
 * When no catalogue wording matches a failure, the STRUCTURE of the evidence still points at a cause:
 * which component printed it (a CNI agent's pod, kube-proxy, the kubelet's CNI code, a workload), that it
 * is a failure (the logger's level, Go's error words), and what kind (Go's net errors and where they were
 * aimed). These readings are leads: they rank below every rule's finding (diagnose.ts caps them), and where
 * two readings fit the same text equally, both are returned so that netcheck says it cannot decide.
 */

/** Who printed a text, judged from where it was read and its header. */
export type Emitter = 'cni-daemon' | 'kube-proxy' | 'coredns' | 'kubelet-cni' | 'runtime-cni' | 'host-cni-agent' | 'workload' | 'node-network-condition';

/** Confidences of the readings: leads (low), and diagnose.ts caps them below every rule's finding. */
const agentFailing = 0.42;
const alternative = 0.38;
/** A failure line's subject (cause-topics.ts) outranks what its printer alone says. */
const topicLead = 0.44;

const isKubeProxyName = (name: string) => /^kube-proxy-/.test(name);

/** The component behind an observation, or undefined when the structure says nothing about the network. */
export function emitterOf(o: Observation, view: ClusterView): Emitter | undefined {
  const text = o.evidence.text;
  // Sandbox failures and "no usable CNI config" are failure symptoms, read in unexplained-failures.ts.
  if (o.reason === 'FailedCreatePodSandBox' || cniAddFailed.test(text)) return undefined;
  if (cniConfigMissing.test(text) && !cniConfigFile.test(text)) return undefined;
  if (o.source === 'nodeCondition') return /NetworkUnavailable/.test(o.evidence.field) ? 'node-network-condition' : undefined;
  // The Go file in a klog header names the code that logged, whichever log it is in (k3s and rke2 run
  // kube-proxy, the kubelet and the CNI agent in one process, one journal and one container log).
  const file = o.source === 'event' ? undefined : klogSourceFile(text);
  if (file && kubeProxySourceFile.test(file)) return 'kube-proxy';
  if (o.source === 'podLog' || (o.source === 'event' && o.pod)) {
    const name = o.pod?.name ?? '';
    const pod = o.pod ? view.pod(o.pod.namespace, name) : undefined;
    if (pod ? isCniDaemonPod(pod) : isCniDaemonPodName(name)) return 'cni-daemon';
    if (isKubeProxyName(name)) return 'kube-proxy';
    if (isClusterDnsPod(pod, name)) return 'coredns';
    return 'workload';
  }
  if (o.source !== 'kubeletLog' && o.source !== 'runtimeLog') return undefined;
  if (file && kubeletCniSourceFile.test(file)) return 'kubelet-cni';
  if (o.source === 'runtimeLog' && /\bcni\b/i.test(text)) return 'runtime-cni';
  // A host service's own line naming an agent (k3s, rke2: logrus); the kubelet's lines about agent pods are read by rules.
  if (!file && cniAgentWord.test(text)) return 'host-cni-agent';
  // A line of the kubelet's or the runtime's own (klog header, journal prefix, logrus level: their ExecSync or
  // image-pull timeouts) is their business; a line with no such header was printed by a workload next to it.
  return file || statedSeverity(text) !== undefined || /\bkubelet(?:\[\d+\])?: /.test(text) ? undefined : 'workload';
}

/** What the structure of one current, unexplained text says, most likely first; empty when it is no failure. */
export function readObservation(o: Observation, view: ClusterView, emitter = emitterOf(o, view)): Reading[] {
  const readings = readByEmitter(o, view, emitter);
  // Only a printer that is failing lends its line a subject: a Ready kube-proxy's warnings (0.3) are history.
  const topic = topicReading(o, emitter, readings.some((r) => r.confidence >= agentFailing));
  return topic ? [topic, ...readings.filter((r) => r.code !== topic.code)] : readings;
}

/** Printers whose failure lines are read for what they are about (cause-topics.ts); a workload's own log is its business. */
const topicEmitters = new Set<Emitter | undefined>(['cni-daemon', 'host-cni-agent', 'kube-proxy', 'kubelet-cni', 'runtime-cni']);

/**
 * The cause a failure line names by its subject (a sysctl key, iptables, the MTU, a CNI file ...), ranked just
 * above what its printer alone says. A bare failure line in a node's log (no logger header) counts too: its subject
 * is all there is to go on.
 */
function topicReading(o: Observation, emitter: Emitter | undefined, printerFailing: boolean): Reading | undefined {
  if (o.source === 'event' || o.source === 'nodeCondition') return undefined;
  const text = o.evidence.text;
  // A line its logger marked as a warning or info is not the failure: a subject read from it would outrank the real one.
  const severity = statedSeverity(text);
  if (severity === 'warning' || severity === 'info') return undefined;
  const hostLog = o.source === 'kubeletLog' || o.source === 'runtimeLog';
  // A host log's line without a header (emitter 'workload', pasted output next to the kubelet's) counts by its subject.
  // The kubelet's and the runtime's own lines do not: they name pods, config maps and files of every component while
  // the cluster is healthy ("Failed killing the pod \"kube-proxy-7hzxd\"" after a restart).
  const hostLogError = hostLog && emitter === 'workload' && !cniAddFailed.test(text) && !cniConfigMissing.test(text) && isFailureLine(text);
  if (!(printerFailing && topicEmitters.has(emitter)) && !hostLogError) return undefined;
  const topic = causeTopicOf(text);
  return topic && { code: topic.code, confidence: topicLead, why: `the failing line ${topic.why.replace(/^it /, '')}` };
}

function readByEmitter(o: Observation, view: ClusterView, emitter: Emitter | undefined): Reading[] {
  if (!emitter) return [];
  const text = o.evidence.text;
  if (emitter === 'node-network-condition') {
    // CNI agents (calico, cilium, weave) set NetworkUnavailable False when they come up on a node; the route
    // controller's own reason is read by a rule (NoRouteCreated).
    return [{ code: 'CNI_DAEMON_NOT_READY', confidence: agentFailing, why: 'the node\'s NetworkUnavailable condition is True, which the CNI agent clears once it has set the node up' }];
  }
  // Events carry no level; the pod's state decides below.
  if (o.source !== 'event' && !isFailureLine(text)) return [];
  const net = netErrorIn(text, view);
  const pod = o.pod ? view.pod(o.pod.namespace, o.pod.name) : undefined;
  switch (emitter) {
    case 'cni-daemon':
      // A Ready agent logging an error has recovered or is retrying: not a finding on its own.
      if (pod && isPodReady(pod)) return [];
      if (o.source === 'event' && !/^(?:Failed|BackOff|FailedMount|FailedSync|Unhealthy)$/.test(o.reason ?? '')) return [];
      // An agent whose connection gets no answer is down for a network reason: the connection's own readings
      // fit as well (what the daemon-consequence rules do for wordings they know).
      return [
        { code: 'CNI_DAEMON_NOT_READY', confidence: agentFailing, why: 'the CNI agent itself reports a failure, and pods on its node get no network while it is not up' },
        ...(o.source === 'event' ? [] : connectionReadings(net)),
      ];
    case 'host-cni-agent': {
      const severity = statedSeverity(text);
      if (severity !== 'error' && severity !== 'fatal') return [];
      return [{ code: 'CNI_DAEMON_NOT_READY', confidence: agentFailing, why: 'a host service log names the CNI agent in an error line (k3s and rke2 run the agent inside their own process)' }];
    }
    case 'kube-proxy':
      if (o.source === 'event') return [];
      return [{ code: 'SERVICE_PROXY_BROKEN', confidence: pod && isPodReady(pod) ? 0.3 : agentFailing, why: 'kube-proxy reports a failure, so service IPs may not be translated on its node' }];
    case 'kubelet-cni':
    case 'runtime-cni':
      if (statedSeverity(text) === 'info' || isIpv6RuleFailureOnIpv4Cluster(text, view)) return [];
      return cniConfigFile.test(text) || /\bconfig(?:uration)?\b/i.test(text)
        ? [{ code: 'CNI_CONFIG_INVALID', confidence: agentFailing, why: 'the runtime\'s CNI code reports a failure about a CNI config file: it exists but is rejected' }]
        : [{ code: 'CNI_PLUGIN_ERROR', confidence: alternative, why: 'the runtime\'s CNI code reports a failure' }];
    case 'coredns':
    case 'workload':
      // A pod that is Ready now passes its own checks: errors in its log are history (dumps carry every pod's log).
      return o.source === 'event' || (pod && isPodReady(pod)) ? [] : connectionReadings(net);
  }
}

/**
 * A connection that times out or finds no route, by where it was aimed: a pod IP means the pod network;
 * a service IP is translated by kube-proxy (and bridged traffic only passes iptables with br_netfilter);
 * an address netcheck cannot place fits all three. "Connection refused" reached something: no reading.
 */
export function connectionReadings(net: NetError | undefined): Reading[] {
  if (!net || (net.kind !== 'timeout' && net.kind !== 'unreachable') || net.targetKind === 'loopback') return [];
  const to = net.target ? ` to ${net.target}` : '';
  const unreachable: Reading = { code: 'POD_NETWORK_UNREACHABLE', confidence: alternative, why: `a connection${to} gets no answer (${net.kind})` };
  if (net.targetKind === 'pod') return [{ ...unreachable, confidence: agentFailing, why: `a connection to the pod IP ${net.target} gets no answer (${net.kind})` }];
  // kube-proxy translates only service IPs: an address outside them is routed by the pod network (and its egress).
  if (net.targetKind === 'other') return [{ ...unreachable, why: `a connection${to}, an address outside the service range, gets no answer (${net.kind}): traffic leaving pods is dropped or misrouted` }];
  // EHOSTUNREACH is an answer ("host unreachable", a REJECT rule or a missing route); an untranslated service IP would go unanswered instead.
  if (net.targetKind === 'service' && net.kind === 'unreachable') return [{ ...unreachable, why: `a connection to the service IP ${net.target} is answered with "no route to host": a firewall REJECT rule or a missing route on the way` }];
  const proxy: Reading = { code: 'SERVICE_PROXY_BROKEN', confidence: alternative, why: `a connection${to} gets no answer, and service IPs are only reachable once kube-proxy has translated them` };
  const netfilter: Reading = { code: 'HOST_NETFILTER_SETTINGS', confidence: alternative, why: `a connection${to} gets no answer, and service traffic between pods on one bridge only passes kube-proxy's rules with br_netfilter loaded` };
  if (net.targetKind === 'service') return [proxy, netfilter];
  return [unreachable, proxy, netfilter];
}

/** Where a text was read, for the explanation: "the log of CNI daemon pod kube-system/calico-node-x on node-1". */
export function whereSeen(o: Observation, emitter: Emitter | undefined): string {
  const on = o.node ? ` on ${o.node}` : '';
  const pod = o.pod ? `${o.pod.namespace}/${o.pod.name}` : '';
  const role = emitter === 'cni-daemon' ? 'CNI daemon pod ' : emitter === 'kube-proxy' ? 'kube-proxy pod ' : emitter === 'coredns' ? 'CoreDNS pod ' : 'pod ';
  switch (o.source) {
    case 'event': return `event ${o.reason ?? ''} on ${role}${pod}${on}`;
    case 'podLog': return `the log of ${role}${pod} (${o.evidence.field})${on}`;
    case 'kubeletLog': return `the kubelet log${on}`;
    case 'runtimeLog': return `the container runtime log${on}`;
    case 'kernelLog': return `the kernel log${on}`;
    case 'nodeCondition': return `${o.evidence.field} of ${o.evidence.object}`;
  }
}

/** What to run next, by who printed the text. */
export function nextCommandsFor(o: Observation, emitter: Emitter | undefined): string[] {
  const node = o.node ?? '<node>';
  const ns = o.pod?.namespace ?? 'kube-system';
  const name = o.pod?.name;
  const journal = `ssh ${node} "journalctl -u kubelet -u containerd -u crio -u k3s --since -15min | grep -iE 'cni|network|error'"`;
  switch (emitter) {
    case 'cni-daemon':
      return name ? [`kubectl describe -n ${ns} pod/${name}`, `kubectl logs -n ${ns} ${name} --all-containers --previous --tail=50`, `kubectl get pods -A -o wide --field-selector spec.nodeName=${node}`]
        : ['kubectl get ds -A   # the CNI DaemonSet: DESIRED vs READY', journal];
    case 'host-cni-agent':
      return [journal, 'kubectl get nodes -o wide'];
    case 'kube-proxy':
      return ['kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50', `ssh ${node} "iptables-save | grep -c KUBE-"`];
    case 'kubelet-cni':
    case 'runtime-cni':
      return [`ssh ${node} ls -l /etc/cni/net.d /opt/cni/bin`, `ssh ${node} "cat /etc/cni/net.d/*"`, journal];
    case 'node-network-condition':
      return [`kubectl describe node ${node}`, `kubectl get pods -A -o wide --field-selector spec.nodeName=${node}`];
    case undefined:
      // A text whose printer says nothing about the network: look where it was read.
      if (o.source === 'kubeletLog' || o.source === 'runtimeLog') return [journal, `kubectl describe node ${node}`];
      if (o.source === 'kernelLog') return [`ssh ${node} "journalctl -k --since -1h --no-pager | tail -50"`, `kubectl describe node ${node}`];
      if (o.source === 'nodeCondition') return [`kubectl describe node ${node}`, journal];
      return name ? [`kubectl describe pod -n ${ns} ${name}`, `kubectl get events -n ${ns} --field-selector involvedObject.name=${name}`] : ['kubectl get events -A --field-selector type=Warning'];
    default:
      return [
        ...(name ? [`kubectl logs -n ${ns} ${name} --tail=50`] : []),
        'kubectl get pods -A -o wide   # where do the failing pod and its target run?',
        `ssh ${node} "lsmod | grep br_netfilter; sysctl net.bridge.bridge-nf-call-iptables net.ipv4.ip_forward"`,
        'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy',
      ];
  }
}

/**
 * Findings from the structure of every current text that no rule explained: one per cause and emitter,
 * evidence pooled (at most maxEvidencePerFinding), confidence at most `cap`. One pass over the texts.
 */
export function diagnoseByStructure(view: ClusterView, observations: readonly Observation[], explainedTexts: ReadonlySet<string>, cap: number): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const o of observations) {
    if (o.past !== undefined || explainedTexts.has(o.evidence.text)) continue;
    const emitter = emitterOf(o, view);
    const readings = readObservation(o, view, emitter);
    if (readings.length === 0) continue;
    for (const reading of readings) {
      const key = `${reading.code}\0${emitter}`;
      const existing = byKey.get(key);
      if (existing) {
        if (existing.evidence.length < maxEvidencePerFinding) existing.evidence.push(o.evidence);
        continue;
      }
      byKey.set(key, {
        code: reading.code,
        confidence: Math.min(reading.confidence, cap),
        evidence: [o.evidence],
        explanation: `No known wording matches, but ${reading.why}. Seen in ${whereSeen(o, emitter)}: ${quoteEvidence(o.evidence.text)}`,
        nextCommands: nextCommandsFor(o, emitter),
        basis: 'structure',
      });
    }
  }
  return [...byKey.values()];
}
