import type { V1Pod } from '@kubernetes/client-node';
import yaml from 'js-yaml';

export interface KubeadmNetworking {
  podSubnet?: string;
  serviceSubnet?: string;
}

/** `networking` of kubeadm's ClusterConfiguration (the kubeadm-config ConfigMap); {} when absent or unparsable. */
export function parseKubeadmNetworking(clusterConfiguration: string | undefined): KubeadmNetworking {
  if (clusterConfiguration === undefined) return {};
  try {
    const parsed = yaml.load(clusterConfiguration) as { networking?: KubeadmNetworking } | undefined;
    return parsed?.networking ?? {};
  } catch {
    return {};
  }
}

/** Value of a `--flag=value` or `--flag value` argument in any container of the pod. */
export function podFlagValue(pod: V1Pod, flag: string): string | undefined {
  for (const container of pod.spec?.containers ?? []) {
    const argv = [...(container.command ?? []), ...(container.args ?? [])];
    for (let i = 0; i < argv.length; i++) {
      if (argv[i]!.startsWith(`${flag}=`)) return argv[i]!.slice(flag.length + 1);
      if (argv[i] === flag && i + 1 < argv.length) return argv[i + 1];
    }
  }
  return undefined;
}

export function isControllerManagerPod(pod: V1Pod): boolean {
  return pod.metadata?.namespace === 'kube-system'
    && (pod.metadata?.labels?.['component'] === 'kube-controller-manager' || (pod.metadata?.name ?? '').startsWith('kube-controller-manager'));
}

export function isApiServerPod(pod: V1Pod): boolean {
  return pod.metadata?.namespace === 'kube-system'
    && (pod.metadata?.labels?.['component'] === 'kube-apiserver' || (pod.metadata?.name ?? '').startsWith('kube-apiserver'));
}

export interface ClusterPodCidr {
  cidr: string;
  /** Where it was read, for the operator to check: a guess says so. */
  source: 'kubeadm-config networking.podSubnet' | 'kube-controller-manager --cluster-cidr' | 'guessed: /16 around a node podCIDR';
}

/**
 * The cluster's pod CIDR, from the most authoritative source available: kubeadm's
 * podSubnet, then the controller-manager's --cluster-cidr (it allocates node podCIDRs
 * from it), then kubeadm's usual layout of a node /24 inside a /16.
 */
export function clusterPodCidr(sources: { kubeadmClusterConfiguration?: string; pods?: V1Pod[]; nodePodCidr?: string }): ClusterPodCidr | undefined {
  const podSubnet = parseKubeadmNetworking(sources.kubeadmClusterConfiguration).podSubnet?.trim();
  if (podSubnet) return { cidr: podSubnet, source: 'kubeadm-config networking.podSubnet' };
  for (const pod of (sources.pods ?? []).filter(isControllerManagerPod)) {
    const clusterCidr = podFlagValue(pod, '--cluster-cidr')?.trim();
    if (clusterCidr) return { cidr: clusterCidr, source: 'kube-controller-manager --cluster-cidr' };
  }
  const m = /^(\d+)\.(\d+)\.\d+\.\d+\/\d+$/.exec(sources.nodePodCidr ?? '');
  return m ? { cidr: `${m[1]}.${m[2]}.0.0/16`, source: 'guessed: /16 around a node podCIDR' } : undefined;
}
