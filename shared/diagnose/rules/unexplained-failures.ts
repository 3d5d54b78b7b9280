import type { V1Pod } from '@kubernetes/client-node';
import { brokenContainerState, containerProblems, hasSandboxNow, isClusterDnsPod, isCniDaemonPod, isCniDaemonPodName, isPodReady, networkNotReadyPattern, type ClusterView } from '../cluster-view.js';
import type { Observation } from '../observations.js';
import { isPodSettling } from './stuck-sandboxes.js';
import { maxEvidencePerFinding, type Evidence, type Finding, type Step } from '../types.js';
import { quoteEvidence, readSandboxFailure, type Reading } from './sandbox-readings.js';

/**
 * The invariant behind "no false all-clear": evidence of a container-network
 * failure makes the verdict NG whether or not any rule can name its cause. These
 * symptoms are read from the shape of the evidence (an event reason, a pod's state,
 * the generic wrapper every runtime puts around a CNI error), never from the wording
 * of a particular cause, so they hold whatever text rules exist.
 */
export interface FailureSymptom {
  step: Step;
  evidence: Evidence;
  kind: 'sandbox' | 'runtime-network' | 'cni-daemon' | 'coredns';
  node?: string;
  pod?: { namespace: string; name: string };
}

/**
 * The wrappers kubelet, containerd, cri-o and dockershim put around a failed CNI ADD
 * (or CHECK), whatever the plugin said inside. Teardown (DEL) failures are left out:
 * they concern pods being removed.
 */
export const cniAddFailed =
  /failed to (?:set ?up|setup) (?:network for sandbox|sandbox container .{0,160}network)|NetworkPlugin cni failed to set up|failed to create pod network sandbox|plugin type=\\?"[^"\\]+\\?"(?: name=\\?"[^"\\]+\\?")? failed \((?:add|check)\)|Failed to setup network for pod|error adding (?:container|pod) .{0,120}to (?:CNI )?network|failed to find plugin \\?"/i;

/** The runtime has no usable CNI config: the kubelet's and the runtimes' wordings of it. */
export const cniConfigMissing =
  /no network config found in|no networks found in|cni config (?:load failed|uninitiali[sz]ed)|failed to load cni (?:config|during init)|no valid networks found in|network plugin is not ready|NetworkPluginNotReady|cni plugin not initialized/i;

/** Runtime texts that say a conf dir holds no config file at all (go-cni, dockershim, libcni), and the dir named. */
export const noConfigFilesIn = /no (?:networks|network config|net configurations) found in:? ?(?:\\*")?([^\s"\\:;,]+)?/i;

/**
 * "No networks found in /etc/cni/multus/net.d": the words runtimes use for an empty conf dir, said by a plugin that ran
 * (multus and other meta plugins keep the configs they delegate to in a dir of their own), inside a failed ADD. The
 * runtimes' conf dir is a cni/net.d (/etc/cni/net.d, k3s' /var/lib/rancher/k3s/agent/etc/cni/net.d); any other dir
 * named inside the ADD wrapper is a plugin's.
 */
export function namesPluginConfigDir(text: string): boolean {
  // A plugin ran: libcni names it (plugin type="..."), or a meta plugin speaks about what it delegates to.
  if (!cniAddFailed.test(text) || !/plugin type=|\bdelegate|\bMultus\b/i.test(text)) return false;
  const dir = noConfigFilesIn.exec(text)?.[1];
  return dir !== undefined && !/\/cni\/net\.d(?:\/|$)/.test(dir);
}


/** Event reasons saying a pod's own containers cannot start or keep failing checks. */
const podFailureReasons = new Set(['Unhealthy', 'BackOff', 'Failed', 'FailedMount', 'FailedCreatePodSandBox', 'FailedSync', 'ProbeWarning']);


/** Every failure the current evidence shows, named or not; past observations are not passed in. */
export function failureSymptoms(view: ClusterView, observations: readonly Observation[]): FailureSymptom[] {
  const symptoms: FailureSymptom[] = [];
  for (const o of observations) {
    if (o.past) continue;
    const text = o.evidence.text;
    if (o.source === 'event') {
      const pod = o.pod ? view.pod(o.pod.namespace, o.pod.name) : undefined;
      // A pod that could be listed and is Ready has moved on (its events are filtered as past already).
      if (((cniConfigMissing.test(text) && !namesPluginConfigDir(text)) || networkNotReadyPattern.test(text)) && !view.isNodeReadyNow(o.node)) {
        // e.g. NetworkNotReady on a pod: events carry no log time, the node's state says whether it still holds.
        symptoms.push({ step: 'waiting-for-cni', evidence: o.evidence, kind: 'runtime-network', node: o.node, pod: o.pod });
      } else if (o.reason === 'FailedCreatePodSandBox' || cniAddFailed.test(text)) {
        if (!pod || !hasSandboxNow(pod)) symptoms.push({ step: 'case-a', evidence: o.evidence, kind: 'sandbox', node: o.node, pod: o.pod });
      } else if (o.pod && podFailureReasons.has(o.reason ?? '') && (!pod || !isPodReady(pod))) {
        const name = o.pod.name;
        if (pod ? isCniDaemonPod(pod) : isCniDaemonPodName(name)) symptoms.push({ step: 'waiting-for-cni', evidence: o.evidence, kind: 'cni-daemon', node: o.node, pod: o.pod });
        else if (isClusterDnsPod(pod, name)) symptoms.push({ step: o.reason === 'FailedMount' ? 'case-a' : 'case-b', evidence: o.evidence, kind: 'coredns', node: o.node, pod: o.pod });
      }
    } else if (o.source === 'kubeletLog' || o.source === 'runtimeLog') {
      if (cniAddFailed.test(text)) symptoms.push({ step: 'case-a', evidence: o.evidence, kind: 'sandbox', node: o.node });
      else if (cniConfigMissing.test(text) || networkNotReadyPattern.test(text)) symptoms.push({ step: 'waiting-for-cni', evidence: o.evidence, kind: 'runtime-network', node: o.node });
    }
  }
  for (const pod of view.snapshot.pods) {
    const name = pod.metadata?.name ?? '';
    const daemon = isCniDaemonPod(pod);
    if ((!daemon && !isClusterDnsPod(pod, name)) || pod.status?.phase === undefined || isPodReady(pod) || pod.status.phase === 'Succeeded') continue;
    const problems = containerProblems(pod);
    const problem = problems.find((p) => brokenContainerState.test(p.reason)) ?? problems[0];
    if ((!problem || !brokenContainerState.test(problem.reason)) && isPodSettling(view, pod)) continue;
    const evidence: Evidence = problem
      ? { object: `Pod ${pod.metadata?.namespace}/${name}`, field: problem.field, text: problem.reason }
      : { object: `Pod ${pod.metadata?.namespace}/${name}`, field: 'status.conditions[Ready]', text: `${pod.status.phase}, not Ready` };
    const creating = pod.status.phase === 'Pending' && (problem === undefined || problem.reason === 'ContainerCreating');
    symptoms.push({
      step: daemon ? 'waiting-for-cni' : creating ? 'case-a' : 'case-b',
      evidence, kind: daemon ? 'cni-daemon' : 'coredns', node: pod.spec?.nodeName,
      pod: { namespace: pod.metadata?.namespace ?? '', name },
    });
  }
  return symptoms;
}

/** The step the symptoms put the container network in, earliest step first. */
export function stepOfSymptoms(symptoms: readonly FailureSymptom[], kinds: readonly FailureSymptom['kind'][]): Step | undefined {
  const order: Step[] = ['waiting-for-cni', 'case-a', 'case-b'];
  const steps = new Set(symptoms.filter((s) => kinds.includes(s.kind)).map((s) => s.step));
  return order.find((step) => steps.has(step));
}

/**
 * A finding for each failure no other finding rests on, read from its structure and quoting it: sandbox
 * failures by what failed inside the runtime's wrapper (sandbox-readings.ts; CNI_PLUGIN_ERROR when nothing
 * more is said), failing CNI agents, CoreDNS by its state, UNKNOWN (naming what fails) for the rest.
 * Confidences stay at or below `cap`, under every rule's finding.
 */
export function diagnoseUnexplainedFailures(view: ClusterView, symptoms: readonly FailureSymptom[], findings: readonly Finding[], cap = 1): Finding[] {
  const explainedTexts = new Set(findings.flatMap((f) => f.evidence.map((e) => e.text)));
  const explainedObjects = new Set(findings.filter((f) => f.code !== 'UNKNOWN').flatMap((f) => f.evidence.map((e) => e.object)));
  const unexplained = symptoms.filter((s) => !explainedTexts.has(s.evidence.text) &&
    (s.kind === 'sandbox' || s.kind === 'runtime-network' || !explainedObjects.has(s.evidence.object)));
  const findingsOut: Finding[] = [];
  // Sandbox failures, grouped by what the structure of each message says failed inside the runtime's wrapper.
  const sandboxByCode = new Map<string, { reading: Reading; symptoms: FailureSymptom[] }>();
  for (const symptom of unexplained.filter((s) => s.kind === 'sandbox')) {
    const reading = readSandboxFailure(symptom.evidence.text, view);
    const group = sandboxByCode.get(reading.code);
    if (group) group.symptoms.push(symptom);
    else sandboxByCode.set(reading.code, { reading, symptoms: [symptom] });
  }
  for (const { reading, symptoms: sandbox } of sandboxByCode.values()) {
    const first = sandbox[0]!;
    const where = first.node ? ` on ${first.node}` : '';
    findingsOut.push({
      code: reading.code, confidence: Math.min(reading.confidence, cap), evidence: sandbox.slice(0, maxEvidencePerFinding).map((s) => s.evidence),
      explanation: `Setting up the pod network failed${where} and no known wording matches; ${reading.why}. Seen in ${first.evidence.field} of ${first.evidence.object}: ${quoteEvidence(first.evidence.text)}`,
      nextCommands: [
        first.pod ? `kubectl describe pod -n ${first.pod.namespace} ${first.pod.name}` : 'kubectl get events -A --field-selector reason=FailedCreatePodSandBox',
        `ssh ${first.node ?? '<node>'} "journalctl -u kubelet -u containerd -u crio --since -15min | grep -i cni"`,
        `ssh ${first.node ?? '<node>'} ls -l /etc/cni/net.d /opt/cni/bin`,
      ],
    });
  }
  const runtime = unexplained.filter((s) => s.kind === 'runtime-network');
  if (runtime.length > 0) {
    const node = runtime[0]!.node ?? '<node>';
    findingsOut.push({
      code: 'UNKNOWN', confidence: Math.min(0.4, cap), evidence: runtime.map((s) => s.evidence),
      explanation: `The kubelet or runtime on ${node} says the pod network is not ready (no usable CNI config) in a log line newer than the node's last Ready transition; no rule tells why.`,
      nextCommands: [`ssh ${node} ls -l /etc/cni/net.d /opt/cni/bin`, 'kubectl get ds -A   # the CNI DaemonSet: DESIRED vs READY', `ssh ${node} "journalctl -u kubelet -u containerd -u crio --since -15min | grep -i cni"`],
    });
  }
  const pods = unexplained.filter((s) => s.kind === 'cni-daemon' || s.kind === 'coredns');
  // CoreDNS waiting for its sandbox while the pod list (kube-proxy and all) shows no CNI agent anywhere:
  // the usual state right after install, before a pod network add-on was applied.
  const creating = pods.filter((s) => s.kind === 'coredns' && s.step === 'case-a');
  if (creating.length > 0 && creating.length === pods.length && view.cniDaemonPods().length === 0 && view.snapshot.pods.some((p) => p.metadata?.namespace === 'kube-system' && p.metadata.name?.startsWith('kube-proxy'))) {
    findingsOut.push({
      code: 'CNI_NOT_INSTALLED', confidence: Math.min(0.45, cap), evidence: creating.map((s) => s.evidence),
      explanation: 'CoreDNS waits for its pod sandbox and no CNI agent pod runs anywhere in the cluster: most likely no pod network add-on has been installed (or its files were copied by hand and are incomplete).',
      nextCommands: ['kubectl get ds -A', `kubectl describe pod -n ${creating[0]!.pod?.namespace} ${creating[0]!.pod?.name}`, 'ssh <node> ls -l /etc/cni/net.d /opt/cni/bin'],
    });
    return findingsOut.map((f) => ({ ...f, evidence: f.evidence.slice(0, maxEvidencePerFinding), basis: 'structure' }));
  }
  // CoreDNS Running but not Ready: its ready plugin (coredns plugin/ready) waits for the kubernetes plugin, which
  // reaches the API server through the kubernetes service IP from the pod network; or the kubelet cannot reach
  // the pod to probe it. Either reading fits as well as the other.
  const runningNotReady = (s: FailureSymptom) => {
    const pod = s.pod && view.pod(s.pod.namespace, s.pod.name);
    return pod?.status?.phase === 'Running' && containerProblems(pod).length === 0;
  };
  const waitingDns = pods.filter((s) => s.kind === 'coredns' && runningNotReady(s));
  if (waitingDns.length > 0 && waitingDns.length === pods.length) {
    const first = waitingDns[0]!;
    const name = `${first.pod?.namespace}/${first.pod?.name}`;
    const evidence = waitingDns.map((s) => s.evidence);
    const nextCommands = [`kubectl logs -n ${first.pod?.namespace} ${first.pod?.name} --tail=50   # which address does it time out on?`, 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', `kubectl describe pod -n ${first.pod?.namespace} ${first.pod?.name}`];
    findingsOut.push(
      { code: 'SERVICE_PROXY_BROKEN', confidence: Math.min(0.38, cap), evidence, nextCommands,
        explanation: `CoreDNS ${name} runs but is not Ready, and no rule names why: CoreDNS turns Ready once it has reached the API server through the kubernetes service IP, which kube-proxy translates.` },
      { code: 'POD_NETWORK_UNREACHABLE', confidence: Math.min(0.38, cap), evidence, nextCommands,
        explanation: `CoreDNS ${name} runs but is not Ready, and no rule names why: its traffic to the API server, or the kubelet's probe of it, may not get through the pod network.` },
    );
    return findingsOut.map((f) => ({ ...f, evidence: f.evidence.slice(0, maxEvidencePerFinding), basis: 'structure' }));
  }
  if (pods.length > 0) {
    const first = pods[0]!;
    const who = first.kind === 'cni-daemon' ? 'The CNI daemon pod' : 'The CoreDNS pod';
    findingsOut.push({
      code: first.kind === 'cni-daemon' ? 'CNI_DAEMON_NOT_READY' : 'UNKNOWN', confidence: Math.min(first.kind === 'cni-daemon' ? 0.5 : 0.3, cap),
      evidence: pods.map((s) => s.evidence),
      explanation: `${who} ${first.pod?.namespace}/${first.pod?.name} is failing (${first.evidence.text}); no rule names the cause, but pods depend on it, so the container network is not working.`,
      nextCommands: first.pod
        ? [`kubectl describe pod -n ${first.pod.namespace} ${first.pod.name}`, `kubectl logs -n ${first.pod.namespace} ${first.pod.name} --all-containers --tail=50`]
        : ['kubectl get pods -A -o wide | grep -Ev "Running|Completed"'],
    });
  }
  // Each symptom kind gives one finding: group evidence, at most a few shown.
  return findingsOut.map((f) => ({ ...f, evidence: f.evidence.slice(0, maxEvidencePerFinding), basis: 'structure' }));
}
