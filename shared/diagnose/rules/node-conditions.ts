import type { V1Node } from '@kubernetes/client-node';
import {
  isNodeNetworkNotReady,
  networkNotReadyPattern,
  isPodReady,
  nodeName,
  readyCondition,
  type ClusterView,
} from '../cluster-view.js';
import type { Observation } from '../observations.js';
import { noConfigFilesIn } from './unexplained-failures.js';
import type { TextRule } from '../text-rules.js';
import type { Evidence, Finding } from '../types.js';

/**
 * Nodes whose runtime has no loadable CNI config ("NetworkPluginNotReady ... cni plugin
 * not initialized / cni config uninitialized"), seen in the Ready condition or, when
 * the condition is not available, in a current kubelet / runtime log line or event:
 * the same state leads to the same cause wherever it was read. The state alone cannot
 * tell "nothing installed" from "installed but broken": the rest of the cluster decides.
 */
export function diagnoseNodeConditions(view: ClusterView, observations: readonly Observation[] = []): Finding[] {
  const nodes = view.snapshot.nodes;
  const waiting = new Map<string, Evidence>(nodes.filter(isNodeNetworkNotReady).map((n) => [nodeName(n), conditionEvidence(n)]));
  for (const o of observations) {
    const fromNodeText = o.source === 'kubeletLog' || o.source === 'runtimeLog' || o.source === 'event';
    if (!fromNodeText || o.past !== undefined || !o.node || waiting.has(o.node) || !networkNotReadyPattern.test(o.evidence.text)) continue;
    // An event carries no log time: only a node that is not Ready now still says it.
    if (o.source === 'event' && view.isNodeReadyNow(o.node)) continue;
    waiting.set(o.node, o.evidence);
  }
  if (waiting.size === 0) return [];
  const networkReadyNodes = nodes.filter((n) => readyCondition(n)?.status === 'True' && !waiting.has(nodeName(n))).map(nodeName);
  return [...waiting].flatMap(([name, evidenceHere]): Finding[] => {
    const evidence = [evidenceHere];
    const daemonHere = view.cniDaemonPodOn(name);
    if (daemonHere && isPodReady(daemonHere)) {
      return [{
        code: 'CNI_CONFIG_INVALID', confidence: 0.6, evidence,
        explanation: `The CNI daemon ${daemonHere.metadata?.name} is Ready on ${name}, yet the runtime still finds no loadable CNI config there: the file it wrote is most likely rejected.`,
        nextCommands: [`ssh ${name} ls -l /etc/cni/net.d`, `ssh ${name} journalctl -u containerd -u crio -u kubelet --since -10min | grep -i "cni config"`],
      }];
    }
    if (daemonHere || networkReadyNodes.length > 0) {
      const where = daemonHere
        ? `its pod ${daemonHere.metadata?.namespace}/${daemonHere.metadata?.name} on ${name} is not Ready`
        : `nodes ${networkReadyNodes.join(', ')} have a working CNI config but ${name} does not`;
      return [{
        code: 'CNI_DAEMON_NOT_READY', confidence: daemonHere ? 0.75 : 0.6, evidence,
        explanation: `A CNI is installed, but ${where}: the provider's node agent has not written its config on ${name} (or, if configs are copied by hand, it was not copied there).`,
        nextCommands: [`kubectl get pods -A -o wide --field-selector spec.nodeName=${name}`, `kubectl get ds -A   # the CNI DaemonSet: DESIRED vs READY`, `ssh ${name} ls -l /etc/cni/net.d /opt/cni/bin`],
      }];
    }
    const notInstalled: Finding = {
      code: 'CNI_NOT_INSTALLED', confidence: 0.7, evidence,
      explanation: `The runtime on ${name} has no CNI config, and no node has a working one: no pod network add-on has been installed yet (copy the CNI plugin and config, or apply the provider's manifest).`,
      nextCommands: [`ssh ${name} ls -l /etc/cni/net.d /opt/cni/bin`, 'kubectl get ds -A', 'kubectl apply -f <your CNI provider\'s manifest>   # e.g. flannel, calico, cilium'],
    };
    const rejected = rejectedConfigLead(view, observations, name, evidence);
    return rejected ? [notInstalled, rejected] : [notInstalled];
  });
}

/**
 * "Not ready" cannot tell an empty /etc/cni/net.d from a file the runtime rejects: containerd (go-cni)
 * resets its networks on a failed load, cri-o (ocicni) and dockershim skip unloadable files and files
 * naming a missing plugin binary, and all of them then report the same condition. Only a text saying
 * there are no files at all, or the directory listing in node facts, decides; without either the
 * rejected file stays a lead, as close as "nothing installed" when not even the pods could be read.
 */
function rejectedConfigLead(view: ClusterView, observations: readonly Observation[], node: string, evidence: Evidence[]): Finding | undefined {
  if (view.snapshot.nodeFacts[node]?.cniNetD !== undefined) return undefined;
  if (observations.some((o) => o.node === node && o.past === undefined && noConfigFilesIn.test(o.evidence.text))) return undefined;
  const podsUnknown = view.snapshot.pods.length === 0;
  // With the pods read and no CNI agent among them, an empty /etc/cni/net.d (which reads the same) is the better answer.
  if (podsUnknown && validatesConfigListsSince116(view, node) && evidence.some((e) => /cni config uninitiali[sz]ed/i.test(e.text))) {
    return {
      code: 'CNI_CONFIG_INVALID', confidence: 0.72, evidence,
      explanation: `The kubelet on ${node} is 1.16, which first checks every CNI config list against its plugins before using it (kubernetes/kubernetes#80482): a list without "cniVersion" (flannel's manifests before v0.11.0, configs from 1.15 and older) is rejected and the kubelet reports "cni config uninitialized" although the file is there. The kubeadm upgrade guide for 1.15 -> 1.16 names this: add "cniVersion" to the .conflist.`,
      nextCommands: [`ssh ${node} grep -L cniVersion /etc/cni/net.d/*.conflist`, `ssh ${node} journalctl -u kubelet --since -10min | grep -E "Error validating CNI config|no valid networks"`, 'add "cniVersion": "0.3.1" to the list (or re-apply a current manifest of the CNI provider)'],
    };
  }
  return {
    code: 'CNI_CONFIG_INVALID', confidence: podsUnknown ? 0.62 : 0.4, evidence,
    explanation: `Or a config file is in /etc/cni/net.d on ${node} but the runtime rejects it (bad JSON, a .conflist saved as .conf, an empty or unsupported cniVersion, a plugin binary it names missing): the runtime reports exactly the same state, and nothing read here shows whether the directory is empty.`,
    nextCommands: [`ssh ${node} ls -l /etc/cni/net.d /opt/cni/bin`, `ssh ${node} journalctl -u containerd -u crio -u kubelet --since -10min | grep -iE "cni config|CNI config (list )?file|valid networks"`],
  };
}

/**
 * kubelet 1.16 added ValidateNetworkList to dockershim's CNI loading (pkg/kubelet/dockershim/network/cni/cni.go,
 * kubernetes/kubernetes#80482): lists a 1.15 kubelet loaded are now rejected when they carry no cniVersion. Later
 * kubelets validate the same way, but by then the providers' manifests carried the field: the upgrade to 1.16 is
 * where the old files broke.
 */
function validatesConfigListsSince116(view: ClusterView, node: string): boolean {
  const kubelet = view.snapshot.nodes.find((n) => nodeName(n) === node)?.status?.nodeInfo?.kubeletVersion ?? '';
  return /^v?1\.16\./.test(kubelet);
}


function conditionEvidence(node: V1Node): Evidence {
  return { object: `Node ${nodeName(node)}`, field: 'status.conditions[Ready].message', text: readyCondition(node)?.message ?? '' };
}

/**
 * Cloud route conditions. (What the kubelet and runtimes log about the runtime network is in the
 * source catalogue: catalog/kubernetes.ts, catalog/runtimes.ts.)
 */
export const runtimeNetworkLogRules: readonly TextRule[] = [
  {
    // The NetworkUnavailable condition reason / route controller event of kube-controller-manager, as seen on cloud clusters.
    id: 'cloud-routes-missing',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.7,
    sources: ['nodeCondition', 'event'],
    pattern: /RouteController failed to create a route|NoRouteCreated/,
    explanation: 'The cloud route controller has not created the route to {node}\'s pod CIDR, so pods on other nodes cannot reach pods there.',
    nextCommands: ['kubectl describe node {node} | grep -A3 NetworkUnavailable', 'kubectl -n kube-system logs -l component=cloud-controller-manager --tail=50 | grep -i route'],
  },
];
