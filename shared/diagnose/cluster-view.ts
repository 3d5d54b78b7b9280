import type { V1Node, V1Pod } from '@kubernetes/client-node';
import yaml from 'js-yaml';
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

  constructor(readonly snapshot: ClusterSnapshot) {
    for (const pod of snapshot.pods) this.podsByKey.set(podKey(pod), pod);
  }

  pod(namespace: string, name: string): V1Pod | undefined {
    return this.podsByKey.get(`${namespace}/${name}`);
  }

  podsOnNode(node: string): V1Pod[] {
    return this.snapshot.pods.filter((p) => p.spec?.nodeName === node);
  }

  cniDaemonPods(): V1Pod[] {
    return this.snapshot.pods.filter((p) => isCniDaemonPod(p));
  }

  /** Service CIDR from kubeadm-config, else kubeadm's default. */
  serviceSubnet(): string {
    return this.kubeadmNetworking().serviceSubnet ?? kubeadmDefaultServiceSubnet;
  }

  /** `networking` of kubeadm's ClusterConfiguration, when kubeadm-config was readable. */
  kubeadmNetworking(): { podSubnet?: string; serviceSubnet?: string } {
    const config = this.configMap('kube-system', 'kubeadm-config')?.data?.['ClusterConfiguration'];
    if (config === undefined) return {};
    try {
      const parsed = yaml.load(config) as { networking?: { podSubnet?: string; serviceSubnet?: string } } | undefined;
      return parsed?.networking ?? {};
    } catch {
      return {};
    }
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
  if (isCniDaemonPodName(pod.metadata?.name ?? '')) return true;
  const mountsCniDirs = (pod.spec?.volumes ?? []).some((v) => cniHostPaths.includes(v.hostPath?.path ?? ''));
  return mountsCniDirs && pod.metadata?.name?.startsWith('kube-proxy') !== true;
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
