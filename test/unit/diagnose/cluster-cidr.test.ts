import type { V1Pod } from '@kubernetes/client-node';
import { clusterPodCidr, parseKubeadmNetworking, podFlagValue } from '../../../shared/diagnose/cluster-cidr.js';

// ClusterConfiguration as `kubeadm init --pod-network-cidr=10.244.0.0/16` (v1.20) stores it in kubeadm-config.
const kubeadmClusterConfiguration = `apiServer:
  extraArgs:
    authorization-mode: Node,RBAC
  timeoutForControlPlane: 4m0s
apiVersion: kubeadm.k8s.io/v1beta2
certificatesDir: /etc/kubernetes/pki
clusterName: kubernetes
controllerManager: {}
dns:
  type: CoreDNS
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: k8s.gcr.io
kind: ClusterConfiguration
kubernetesVersion: v1.20.2
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
scheduler: {}
`;

/** The static pod kubeadm writes, as the API shows its mirror pod. */
function controllerManager(command: string[]): V1Pod {
  return {
    metadata: { namespace: 'kube-system', name: 'kube-controller-manager-kube-master', labels: { component: 'kube-controller-manager', tier: 'control-plane' } },
    spec: { containers: [{ name: 'kube-controller-manager', command }] },
  };
}
const kubeadmCommand = ['kube-controller-manager', '--allocate-node-cidrs=true', '--authentication-kubeconfig=/etc/kubernetes/controller-manager.conf',
  '--cluster-cidr=192.168.0.0/16', '--cluster-name=kubernetes', '--node-cidr-mask-size=24', '--use-service-account-credentials=true'];

describe('the cluster pod CIDR', () => {
  it('is kubeadm-config\'s podSubnet first', () => {
    expect(clusterPodCidr({ kubeadmClusterConfiguration, pods: [controllerManager(kubeadmCommand)], nodePodCidr: '10.9.3.0/24' }))
      .toEqual({ cidr: '10.244.0.0/16', source: 'kubeadm-config networking.podSubnet' });
  });

  it('is the controller-manager\'s --cluster-cidr without kubeadm-config', () => {
    expect(clusterPodCidr({ pods: [controllerManager(kubeadmCommand)], nodePodCidr: '10.9.3.0/24' }))
      .toEqual({ cidr: '192.168.0.0/16', source: 'kube-controller-manager --cluster-cidr' });
  });

  it('reads the flag in its two-argument form and from args', () => {
    const pod = controllerManager(['kube-controller-manager']);
    pod.spec!.containers[0]!.args = ['--cluster-cidr', '172.16.0.0/12'];
    expect(podFlagValue(pod, '--cluster-cidr')).toBe('172.16.0.0/12');
    expect(podFlagValue(pod, '--cluster-name')).toBeUndefined();
  });

  it('skips a kubeadm-config without podSubnet and pods that are not the controller-manager', () => {
    const noPodSubnet = kubeadmClusterConfiguration.replace('  podSubnet: 10.244.0.0/16\n', '');
    const impostor = controllerManager(kubeadmCommand);
    impostor.metadata = { namespace: 'default', name: 'my-app' };
    expect(clusterPodCidr({ kubeadmClusterConfiguration: noPodSubnet, pods: [impostor], nodePodCidr: '10.9.3.0/24' }))
      .toEqual({ cidr: '10.9.0.0/16', source: 'guessed: /16 around a node podCIDR' });
  });

  it('is unknown with nothing to read', () => {
    expect(clusterPodCidr({})).toBeUndefined();
  });

  it('survives a kubeadm-config that is not YAML', () => {
    expect(parseKubeadmNetworking('networking: [podSubnet: {')).toEqual({});
    expect(parseKubeadmNetworking(kubeadmClusterConfiguration)).toEqual({ dnsDomain: 'cluster.local', podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/12' });
  });
});
