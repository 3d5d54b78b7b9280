import type { V1Pod } from '@kubernetes/client-node';
import { isCniDaemonPod, isCniDaemonPodName, isPodReady, type ClusterView } from '../cluster-view.js';
import type { Observation } from '../observations.js';
import type { CauseCode } from '../cause-catalog.js';
import { hostPortPattern, ipInRanges } from '../../net/cidr.js';
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
/** Go's timeout and unreachable errors (golang/go src/net/net.go, src/context/context.go, src/syscall ETIMEDOUT / EHOSTUNREACH / ENETUNREACH). */
const networkTimeout = /i\/o timeout|context deadline exceeded|Client\.Timeout exceeded|connect: connection timed out|no route to host|network is unreachable/;

/** Probes of 127.0.0.1 / localhost run in the node's own network namespace: no pod network involved. */
const nodeLocalTarget = /dial tcp (?:127\.0\.0\.1|\[::1\]|localhost):|https?:\/\/(?:localhost|127\.0\.0\.1)[:/]/;

export function classifyProbeOutput(text: string): ProbeOutcome {
  if (nodeLocalTarget.test(text)) return 'other';
  if (networkTimeout.test(text)) return 'timeout';
  if (/connect: connection refused/.test(text)) return 'refused';
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

    const isDaemon = pod ? isCniDaemonPod(pod) : isCniDaemonPodName(podName);
    if (isDaemon && outcome !== 'refused') {
      return finding('CNI_DAEMON_NOT_READY', 0.7, `The CNI daemon ${name} fails its own health check, so the node's pod networking is not (fully) up.`, [describe, logs]);
    }
    const pathWorks = otherProbedPodReady(view, node, ref?.name);
    switch (outcome) {
      case 'timeout':
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

/** Any component timing out on a pod IP (apiserver → metrics-server, webhooks ...): the pod network drops it. */
export const podIpTimeoutRules: readonly TextRule[] = [
  {
    // Go's net package wording ("dial tcp %s: i/o timeout"), whoever wraps it.
    id: 'pod-ip-timeout',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.6,
    pattern: new RegExp(`dial tcp ${hostPortPattern}: (?<error>i/o timeout|connect: no route to host)`),
    // Probe failures are judged above, knowing whether other pods on the node answer.
    when: (match, observation, view) => observation.reason !== 'Unhealthy' && !probeFailed.test(observation.evidence.text) &&
      ipInRanges(match.groups?.['ip'] ?? '', view.podRanges()),
    explanation: 'Connections to the pod IP {ip}:{port} time out on {node} ({error}): traffic into the pod network is dropped or misrouted between nodes.',
    nextCommands: ['kubectl get pods -A -o wide | grep {ip}', 'ssh {node} ip route get {ip}', 'ssh {node} "iptables-save | grep -E \'FORWARD|POSTROUTING\'"'],
  },
];
