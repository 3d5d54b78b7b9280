import type { V1Pod } from '@kubernetes/client-node';
import { isCniDaemonPod, isCniDaemonPodName, isPodReady, type ClusterView } from '../cluster-view.js';
import type { Observation } from '../observations.js';
import type { CauseCode } from '../cause-catalog.js';
import { hostPortPattern, ipInRanges, parseCidrList, type Cidr } from '../../net/cidr.js';
import { connectOp } from '../failure-vocabulary.js';
import { hostFirewallCommands } from '../next-commands.js';
import type { TextRule } from '../text-rules.js';
import type { Finding } from '../types.js';

/** How a probe failed, read from the kubelet's probe output. */
export type ProbeOutcome = 'timeout' | 'refused' | 'http-status' | 'other';

export interface ProbeFailure {
  observation: Observation;
  outcome: ProbeOutcome;
  pod?: { namespace: string; name: string };
}

const probeFailed = /(?:Readiness|Liveness|Startup) probe (?:for "[^"]*" )?failed|"Probe failed"/;
/** Pod named in kubelet prober lines, old (`"name_ns(uid):container"`) and structured (`pod="ns/name"`) styles. */
const proberLinePod = /probe for "(?<name>[^_"]+)_(?<namespace>[^("]+)\(|pod="(?<namespace2>[^/"]+)\/(?<name2>[^"]+)"/;
/**
 * Go's wordings for "nothing came back" (golang/go src/net/net.go i/o timeout, src/context/context.go, syscall ETIMEDOUT /
 * EHOSTUNREACH / ENETUNREACH; net/http's client timeouts, old and new), as the kubelet's TCP and HTTP probes print them.
 */
const networkTimeout = /i\/o timeout|context deadline exceeded|Client\.Timeout exceeded|request canceled|timeout awaiting response headers|connection timed out|no route to host|network is unreachable/;

/** Probes of 127.0.0.1 / localhost run in the node's own network namespace: no pod network involved. */
const nodeLocalTarget = /dial tcp (?:127\.0\.0\.1|\[::1\]|localhost):|https?:\/\/(?:localhost|127\.0\.0\.1)[:/]/;

/**
 * The node-local health ports of the CNI agents' own probes (the providers' manifests): calico-node's Felix (9099),
 * the cilium agent (9879), weave (6784), kube-router (20244). A probe of one of them is the agent's probe, even when
 * the pod it belongs to is not in the snapshot.
 */
const agentHealthProbe = /(?:dial tcp |https?:\/\/)(?:127\.0\.0\.1|\[::1\]|localhost):(?:9099|9879|6784|20244)\b/;

/** The probe reached the pod and nothing listened (ECONNREFUSED). */
const probeRefused = new RegExp(`${connectOp}: connection refused`);

export function classifyProbeOutput(text: string): ProbeOutcome {
  if (nodeLocalTarget.test(text)) return 'other';
  if (networkTimeout.test(text)) return 'timeout';
  if (probeRefused.test(text)) return 'refused';
  if (/HTTP probe failed with statuscode: \d+/.test(text)) return 'http-status';
  return 'other';
}

/** Probe failures from Unhealthy events and kubelet prober log lines. */
export function probeFailures(observations: readonly Observation[]): ProbeFailure[] {
  return observations.flatMap((observation): ProbeFailure[] => {
    const { text } = observation.evidence;
    const fromEvent = observation.source === 'event' && observation.reason === 'Unhealthy';
    const fromKubelet = observation.source === 'kubeletLog' && probeFailed.test(text);
    if (!fromEvent && !fromKubelet) return [];
    const groups = fromKubelet ? proberLinePod.exec(text)?.groups : undefined;
    const pod = groups
      ? { namespace: groups['namespace'] ?? groups['namespace2'] ?? '', name: groups['name'] ?? groups['name2'] ?? '' }
      : observation.pod;
    return [{ observation, outcome: classifyProbeOutput(text), pod }];
  });
}

/**
 * A probe that times out on a pod IP means the kubelet cannot reach the pod
 * (case B); "connection refused" means it reached the pod and nothing listened.
 */
export function diagnoseProbeFailures(observations: readonly Observation[], view: ClusterView): Finding[] {
  return probeFailures(observations).map(({ observation, outcome, pod: ref }) => {
    const pod = ref ? view.pod(ref.namespace, ref.name) : undefined;
    const namespace = ref?.namespace ?? 'NS';
    const podName = ref?.name ?? 'POD';
    const name = ref ? `${namespace}/${podName}` : 'the pod';
    const node = pod?.spec?.nodeName ?? observation.node ?? 'NODE';
    const describe = `kubectl describe pod -n ${namespace} ${podName}`;
    const logs = `kubectl logs -n ${namespace} ${podName} --all-containers --tail=50`;
    const finding = (code: CauseCode, confidence: number, explanation: string, nextCommands: string[]): Finding =>
      ({ code, confidence, evidence: [observation.evidence], explanation, nextCommands });

    const probedText = observation.evidence.text;
    const isDaemon = (pod ? isCniDaemonPod(pod) : isCniDaemonPodName(podName)) || agentHealthProbe.test(probedText);
    if (isDaemon && outcome !== 'refused') {
      return finding('CNI_DAEMON_NOT_READY', 0.7, `The CNI daemon ${name} fails its own health check, so the node's pod networking is not (fully) up.`, [describe, logs]);
    }
    const pathWorks = otherProbedPodReady(view, node, ref?.name);
    // The node's own CNI agent is there and not Ready (it has a status saying so): the pod network on that node is
    // not set up, which explains the timeout better than a fault somewhere on the path.
    const agent = view.cniDaemonPodOn(node);
    const agentDown = agent !== undefined && agent.status?.phase !== undefined && !isPodReady(agent);
    switch (outcome) {
      case 'timeout':
        if (agentDown && !pathWorks) {
          const agentName = `${agent.metadata?.namespace}/${agent.metadata?.name}`;
          return finding('CNI_DAEMON_NOT_READY', 0.7, `The kubelet on ${node} gets no answer from ${name} at its pod IP, and the CNI daemon ${agentName} on ${node} is not Ready: the node's pod network is not (fully) set up.`,
            [`kubectl describe -n ${agent.metadata?.namespace} pod/${agent.metadata?.name}`, `kubectl logs -n ${agent.metadata?.namespace} ${agent.metadata?.name} --all-containers --previous --tail=50`]);
        }
        return pathWorks
          ? finding('NOT_A_NETWORK_FAULT', 0.45, `The probe of ${name} times out, but another probed pod on ${node} is Ready, so node-to-pod traffic works there: the application answers too slowly.`, [describe, logs])
          : finding('POD_NETWORK_UNREACHABLE', 0.7, `The kubelet on ${node} gets no answer from ${name} at its pod IP: packets from the node to the pod network are dropped or misrouted (case B).`,
            [`kubectl get pods -A -o wide --field-selector spec.nodeName=${node}`, `ssh ${node} ip route   # is there a route to the pod CIDR via cni0 / the overlay?`, `ssh ${node} "iptables-save | grep -E 'FORWARD|POSTROUTING'"`]);
      case 'refused':
        return finding('PROBE_TARGET_NOT_LISTENING', pathWorks ? 0.75 : 0.55,
          `The probe reached ${name} and was refused: the network path works${pathWorks ? ' (other probed pods on the node are Ready)' : ''}, but nothing listens on the probed port yet.`,
          [describe, `${logs}   # did the app start and bind the probed port?`]);
      case 'http-status':
        // CoreDNS answers /ready with 503 until its kubernetes plugin has reached the API through the service IP.
        return isCoreDns(podName) && /statuscode: 503/.test(observation.evidence.text)
          ? finding('SERVICE_PROXY_BROKEN', 0.5, `CoreDNS ${name} is not ready (503): its kubernetes plugin has not reached the API server through the service IP; its log names the address it times out on.`,
            [logs, 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy'])
          : finding('NOT_A_NETWORK_FAULT', 0.5, `${name} answered its probe with an error status: the network works, the application reports itself unhealthy.`, [describe]);
      default:
        return finding('NOT_A_NETWORK_FAULT', 0.4, `${name} fails its own health check; nothing in it points at the pod network.`, [describe]);
    }
  });
}

const isCoreDns = (name: string | undefined) => /^coredns-/.test(name ?? '');

/** Another pod on the node with an HTTP/TCP probe is Ready: node → pod traffic demonstrably works. */
function otherProbedPodReady(view: ClusterView, node: string, exceptPod: string | undefined): boolean {
  return view.otherProbedPodReady(node, exceptPod);
}

/** Where a pod IP lives, how the node routes to it, and what forwards or masquerades its traffic. */
const podIpCommands = ['kubectl get pods -A -o wide | grep {ip}', 'ssh {node} ip route get {ip}', 'ssh {node} "iptables-save | grep -E \'FORWARD|POSTROUTING\'"'];

/** Any component timing out on a pod IP (apiserver → metrics-server, webhooks ...): the pod network drops it. */
export const podIpTimeoutRules: readonly TextRule[] = [
  {
    // Go's net/http client timeouts (src/net/http/client.go, transport.go) on a URL whose host is a pod IP.
    id: 'pod-ip-http-timeout',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.6,
    pattern: new RegExp(`https?://${hostPortPattern}[^\\s"]*\\\\?"?: (?<error>context deadline exceeded|net/http: request canceled|net/http: timeout awaiting response headers)`),
    when: (match, observation, view) => observation.reason !== 'Unhealthy' && !probeFailed.test(observation.evidence.text) &&
      isPodAddress(view, match.groups?.['ip'] ?? ''),
    explanation: 'Requests to the pod IP {ip}:{port} time out on {node} ({error}): traffic into the pod network is dropped or misrouted between nodes.',
    nextCommands: podIpCommands,
  },
  {
    // Go's net package wording ("dial tcp %s: i/o timeout"), whoever wraps it.
    id: 'pod-ip-timeout',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.6,
    pattern: new RegExp(`dial tcp ${hostPortPattern}: (?<error>i/o timeout|${connectOp}: (?:no route to host|connection timed out|network is unreachable))`),
    // Probe failures are judged above, knowing whether other pods on the node answer.
    when: (match, observation, view) => observation.reason !== 'Unhealthy' && !probeFailed.test(observation.evidence.text) &&
      isPodAddress(view, match.groups?.['ip'] ?? ''),
    explanation: 'Connections to the pod IP {ip}:{port} time out on {node} ({error}): traffic into the pod network is dropped or misrouted between nodes.',
    nextCommands: podIpCommands,
  },
];

/**
 * What the usual command-line clients print when they get no answer from an address: curl (lib/connect.c: "Failed to
 * connect to %s port %u[ after %d ms]: %s"), BusyBox wget and nc ("can't connect to remote host (%s): %s"), OpenBSD nc
 * ("connect to %s port %s (%s) failed: %s"), each with the C library's strerror text.
 */
const clientNoAnswer = new RegExp(String.raw`(?:Failed to connect to |can't connect to remote host \(|\bconnect to )(?<ip>\d{1,3}(?:\.\d{1,3}){3}|[\da-fA-F]*:[\da-fA-F:.]+)\)?(?: port (?<port>\d+)(?: after \d+ ms| \(\w+\) failed)?)?: (?<error>No route to host|Connection timed out|Network is unreachable|Operation timed out)`);

/** The same for service IPs: a timeout is a service IP that is not translated; EHOSTUNREACH a firewall rejecting it. */
export const commandLineClientRules: readonly TextRule[] = [
  {
    id: 'client-pod-ip-no-answer',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.6,
    pattern: clientNoAnswer,
    when: (match, _observation, view) => !ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()) && isPodAddress(view, match.groups?.['ip'] ?? ''),
    explanation: 'A client on {node} gets no answer from the pod IP {ip} ({error}): traffic into the pod network is dropped or misrouted between nodes.',
    nextCommands: podIpCommands,
  },
  {
    id: 'client-service-ip-timeout',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.7,
    pattern: clientNoAnswer,
    when: (match, _observation, view) => /timed out/.test(match.groups?.['error'] ?? '') && ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()),
    explanation: 'A client on {node} gets no answer from the service IP {ip}: service IPs only work once kube-proxy (or its replacement) has programmed the node.',
    nextCommands: ['kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50', 'ssh {node} "iptables-save -t nat | grep -E \'KUBE-SERVICES|default/kubernetes\'"'],
  },
  {
    // EHOSTUNREACH is an answer: a REJECT rule (firewalld's default answers icmp-host-prohibited) or a missing route on the
    // way. For an address netcheck cannot place (the cluster's ranges unknown), the pod network's path is the lead.
    id: 'client-unplaced-ip-rejected',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.5,
    pattern: clientNoAnswer,
    when: (match, _observation, view) => match.groups?.['error'] === 'No route to host' && !ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()) &&
      !isPodAddress(view, match.groups?.['ip'] ?? '') && !isNodeAddress(view, match.groups?.['ip'] ?? ''),
    explanation: 'A client on {node} is answered "no route to host" by {ip}: a host firewall (firewalld, an iptables REJECT rule) or a missing route rejects the traffic on its way; when {ip} is a pod, traffic between pods is blocked there.',
    nextCommands: ['kubectl get pods -A -o wide | grep {ip}', ...hostFirewallCommands],
  },
  {
    id: 'client-service-ip-rejected',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.62,
    pattern: clientNoAnswer,
    when: (match, _observation, view) => match.groups?.['error'] === 'No route to host' && ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()),
    explanation: 'Connections from {node} to the service IP {ip} are answered with "no route to host": a host firewall (firewalld, an iptables REJECT rule) rejects traffic to or from the pod and service networks there.',
    nextCommands: hostFirewallCommands,
  },
];

/**
 * Pod ranges the providers use by default, for when the cluster's are not known (no podCIDR, no kubeadm-config):
 * flannel's and kubeadm's docs' 10.244.0.0/16, k3s / rke2's 10.42.0.0/16, weave's 10.32.0.0/12, microk8s's 10.1.0.0/16.
 * Ranges people also use for their LANs (calico's 192.168.0.0/16, cilium's 10.0.0.0/8) are left out.
 */
const usualPodRanges = parseCidrList('10.244.0.0/16,10.42.0.0/16,10.32.0.0/12,10.1.0.0/16');

function podRangesOrUsual(view: ClusterView): Cidr[] {
  const known = view.podRanges();
  return known.length > 0 ? known : usualPodRanges;
}

/** In the pod ranges (the cluster's, else the usual ones) and not a node's own address (a LAN in 10.1.0.0/16 ...). */
export function isPodAddress(view: ClusterView, ip: string): boolean {
  if (!ipInRanges(ip, podRangesOrUsual(view))) return false;
  return !isNodeAddress(view, ip);
}

function isNodeAddress(view: ClusterView, ip: string): boolean {
  return view.snapshot.nodes.some((n) => (n.status?.addresses ?? []).some((a) => a.address === ip));
}
