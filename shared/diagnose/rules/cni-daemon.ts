import type { V1Pod } from '@kubernetes/client-node';
import { brokenContainerState, containerProblems, isCniDaemonPod, isCniDaemonPodName, isCniDaemonSet, isPodReady, type ClusterView } from '../cluster-view.js';
import type { Evidence, Finding } from '../types.js';

/** Event reasons on a daemon pod that say it cannot start; probe failures are read by probe-failures.ts. */
const failureEventReasons = ['Failed', 'BackOff', 'FailedMount', 'FailedCreatePodSandBox', 'FailedSync'];

/**
 * The CNI provider's per-node agent (flanneld, calico-node, weave, cilium-agent,
 * kindnet ...) is what writes the CNI config and answers the plugin: while it does
 * not run on a node, pods there get no network.
 */
export function diagnoseCniDaemons(view: ClusterView): Finding[] {
  const findings = [...failingDaemonPods(view), ...daemonPodsWithFailureEvents(view)];
  for (const daemonSet of view.snapshot.daemonSets.filter(isCniDaemonSet)) {
    const desired = daemonSet.status?.desiredNumberScheduled ?? 0;
    const ready = daemonSet.status?.numberReady ?? 0;
    if (ready >= desired) continue;
    const name = `${daemonSet.metadata?.namespace}/${daemonSet.metadata?.name}`;
    findings.push(daemonFinding(0.6, { object: `DaemonSet ${name}`, field: 'status.numberReady', text: `${ready} of ${desired} desired pods ready` },
      `Only ${ready} of ${desired} pods of the CNI DaemonSet ${name} are Ready; nodes without a Ready agent cannot network pods.`,
      daemonSet.metadata?.namespace ?? 'kube-system', daemonSet.metadata?.name ?? 'DS'));
  }
  return findings;
}

function failingDaemonPods(view: ClusterView): Finding[] {
  // A pod without status says nothing about its state (hand-made input); real API objects always have one.
  return view.cniDaemonPods().filter((pod) => pod.status?.phase !== undefined && !isPodReady(pod)).map((pod) => {
    const problems = containerProblems(pod);
    const broken = problems.find((p) => brokenContainerState.test(p.reason));
    const shown = broken ?? problems[0];
    const evidence: Evidence = shown
      ? { object: podObject(pod), field: shown.field, text: shown.reason }
      : { object: podObject(pod), field: 'status.phase', text: pod.status?.phase ?? 'Unknown' };
    return daemonFinding(broken ? 0.72 : 0.6, evidence,
      `The CNI daemon pod ${podName(pod)} on ${pod.spec?.nodeName ?? 'its node'} is not Ready (${evidence.text}); until it runs, that node's pods get no network.`,
      pod.metadata?.namespace ?? 'kube-system', pod.metadata?.name ?? 'POD');
  });
}

function daemonPodsWithFailureEvents(view: ClusterView): Finding[] {
  return view.snapshot.events
    .filter((e) => e.type === 'Warning' && e.involvedObject.kind === 'Pod' && failureEventReasons.includes(e.reason ?? ''))
    .filter((e) => {
      const pod = view.pod(e.involvedObject.namespace ?? '', e.involvedObject.name ?? '');
      return pod ? isCniDaemonPod(pod) : isCniDaemonPodName(e.involvedObject.name ?? '');
    })
    .map((e) => {
      const { namespace = 'kube-system', name = 'POD' } = e.involvedObject;
      return daemonFinding(0.74, { object: `Pod ${namespace}/${name}`, field: `events[${e.reason}].message`, text: e.message ?? '' },
        `The CNI daemon pod ${namespace}/${name} cannot start its containers (${e.reason}); until it runs, the node's pods get no network.`,
        namespace, name);
    });
}

function daemonFinding(confidence: number, evidence: Evidence, explanation: string, namespace: string, name: string): Finding {
  return {
    code: 'CNI_DAEMON_NOT_READY', confidence, evidence: [evidence], explanation,
    nextCommands: [`kubectl describe -n ${namespace} pod/${name}`, `kubectl logs -n ${namespace} ${name} --all-containers --previous --tail=50`],
  };
}

const podName = (pod: V1Pod) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const podObject = (pod: V1Pod) => `Pod ${podName(pod)}`;
