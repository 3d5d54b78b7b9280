import type { CoreV1Event, V1DaemonSet, V1Node, V1Pod, V1PodSpec } from '@kubernetes/client-node';
import { clusterPodCidr, parseKubeadmNetworking, type ClusterPodCidr, type KubeadmNetworking } from './cluster-cidr.js';
import type { ClusterSnapshot } from '../snapshot/types.js';

/** kubeadm's defaults, used when kubeadm-config cannot be read. */
export const kubeadmDefaultServiceSubnet = '10.96.0.0/12';

/**
 * Names of the per-node agents of common CNI providers. Pods mounting the host's
 * /etc/cni/net.d or /opt/cni/bin count too, so unknown providers are found.
 */
const cniDaemonNamePattern =
  /^(kube-flannel|flannel|calico-node|canal|weave-net|cilium(?!-operator)|kindnet|kube-router|antrea-agent|kube-ovn-cni|ovnkube-node|aws-node|azure-cni|multus)([-.]|$)/;
const cniHostPaths = ['/etc/cni/net.d', '/opt/cni/bin', '/etc/cni'];

/** Read-only lookups over a snapshot, shared by all rules. */
export class ClusterView {
  private readonly podsByKey = new Map<string, V1Pod>();
  private readonly podsByNode = new Map<string, V1Pod[]>();
  private readonly nodesByName = new Map<string, V1Node>();
  private clusterPodCidrMemo: [ClusterPodCidr | undefined] | undefined;

  constructor(readonly snapshot: ClusterSnapshot) {
    for (const pod of snapshot.pods) {
      this.podsByKey.set(podKey(pod), pod);
      const node = pod.spec?.nodeName;
      if (!node) continue;
      // Appended in place: copying the node's list per pod made grouping quadratic (all pods on one node).
      const onNode = this.podsByNode.get(node);
      if (onNode) onNode.push(pod);
      else this.podsByNode.set(node, [pod]);
    }
    for (const node of snapshot.nodes) this.nodesByName.set(nodeName(node), node);
  }

  pod(namespace: string, name: string): V1Pod | undefined {
    return this.podsByKey.get(`${namespace}/${name}`);
  }

  node(name: string | undefined): V1Node | undefined {
    return name === undefined ? undefined : this.nodesByName.get(name);
  }

  podsOnNode(node: string): V1Pod[] {
    return this.podsByNode.get(node) ?? [];
  }

  /**
   * Whether the node's Ready condition is True now. Kubelet logs keep "network not
   * ready" lines from before the CNI was installed; a Ready node has moved on.
   */
  isNodeReadyNow(name: string | undefined): boolean {
    const node = this.node(name);
    return node !== undefined && readyCondition(node)?.status === 'True';
  }

  /**
   * An event about a pod that is gone (deleted, or replaced under the same
   * name) or that is Ready now: history, not the current state. Events live
   * an hour, so after a fix the old failures would otherwise still be read.
   * Only decidable when pods could be listed at all.
   */
  isPastPodEvent(event: CoreV1Event): boolean {
    const target = event.involvedObject;
    if (target.kind !== 'Pod' || this.snapshot.pods.length === 0) return false;
    const pod = this.pod(target.namespace ?? '', target.name ?? '');
    if (!pod) return true;
    if (target.uid && pod.metadata?.uid && target.uid !== pod.metadata.uid) return true;
    return isPodReady(pod);
  }

  cniDaemonPods(): V1Pod[] {
    return this.snapshot.pods.filter((p) => isCniDaemonPod(p));
  }

  /** Pod address ranges known from nodes' podCIDRs and the cluster pod CIDR read from the cluster. */
  podSubnets(): string[] {
    const fromNodes = this.snapshot.nodes.flatMap((n) => n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []));
    const fromCluster = this.knownClusterPodCidr()?.split(',') ?? [];
    return [...new Set([...fromCluster, ...fromNodes].map((c) => c.trim()).filter((c) => c !== ''))];
  }

  /** Service CIDR from kubeadm-config, else kubeadm's default. */
  serviceSubnet(): string {
    return this.kubeadmNetworking().serviceSubnet ?? kubeadmDefaultServiceSubnet;
  }

  /** `networking` of kubeadm's ClusterConfiguration, when kubeadm-config was readable. */
  kubeadmNetworking(): KubeadmNetworking {
    return parseKubeadmNetworking(this.kubeadmClusterConfiguration());
  }

  /** The cluster-wide pod CIDR: kubeadm-config, else the controller-manager's flag, else a guess from a node. */
  clusterPodCidr(): ClusterPodCidr | undefined {
    // Rules ask per observation; the answer needs a YAML parse and a pass over every pod, so once.
    this.clusterPodCidrMemo ??= [clusterPodCidr({
      kubeadmClusterConfiguration: this.kubeadmClusterConfiguration(),
      pods: this.snapshot.pods,
      nodePodCidr: this.snapshot.nodes.map((n) => n.spec?.podCIDR).find((c) => c),
    })];
    return this.clusterPodCidrMemo[0];
  }

  /** The cluster pod CIDR only when read from the cluster: a guess could call working rules broken. */
  knownClusterPodCidr(): string | undefined {
    const known = this.clusterPodCidr();
    return known && !known.source.startsWith('guessed') ? known.cidr : undefined;
  }

  private kubeadmClusterConfiguration(): string | undefined {
    return this.configMap('kube-system', 'kubeadm-config')?.data?.['ClusterConfiguration'];
  }

  configMap(namespace: string, name: string) {
    return this.snapshot.configMaps.find((c) => c.metadata?.namespace === namespace && c.metadata?.name === name);
  }
}

export function podKey(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

export function isCniDaemonPodName(name: string): boolean {
  return cniDaemonNamePattern.test(name);
}

export function isCniDaemonPod(pod: V1Pod): boolean {
  return isCniAgent(pod.metadata?.name ?? '', pod.spec);
}

export function isCniDaemonSet(daemonSet: V1DaemonSet): boolean {
  return isCniAgent(daemonSet.metadata?.name ?? '', daemonSet.spec?.template.spec);
}

function isCniAgent(name: string, spec: V1PodSpec | undefined): boolean {
  if (isCniDaemonPodName(name)) return true;
  const mountsCniDirs = (spec?.volumes ?? []).some((v) => cniHostPaths.includes(v.hostPath?.path ?? ''));
  return mountsCniDirs && !name.startsWith('kube-proxy');
}

export function isPodReady(pod: V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waiting / terminated reasons of the pod's containers, e.g. CrashLoopBackOff, ContainerCreating. */
export function containerProblems(pod: V1Pod): { container: string; reason: string; field: string }[] {
  const problems: { container: string; reason: string; field: string }[] = [];
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const field = `status.containerStatuses[${status.name}].state`;
    const waiting = status.state?.waiting?.reason;
    const terminated = status.state?.terminated;
    if (waiting) problems.push({ container: status.name, reason: waiting, field: `${field}.waiting.reason` });
    else if (terminated && terminated.exitCode !== 0) problems.push({ container: status.name, reason: terminated.reason ?? 'Error', field: `${field}.terminated.reason` });
  }
  return problems;
}

export function readyCondition(node: V1Node) {
  return node.status?.conditions?.find((c) => c.type === 'Ready');
}

/** The phrases a kubelet puts in Ready's message while the runtime has no loadable CNI config. */
export const networkNotReadyPattern =
  /NetworkPluginNotReady|network plugin is not ready|cni plugin not initialized|cni config uninitialized/i;

export function isNodeNetworkNotReady(node: V1Node): boolean {
  const ready = readyCondition(node);
  return ready?.status !== 'True' && networkNotReadyPattern.test(ready?.message ?? '');
}

export function nodeName(node: V1Node): string {
  return node.metadata?.name ?? '';
}
