import { isNodeNetworkNotReady, nodeName, type ClusterView } from '../cluster-view.js';
import type { Finding } from '../types.js';

/**
 * The API alone shows it: other nodes got a pod CIDR from the controller-manager,
 * this one has none, and its network is not ready. CNIs that take the node's
 * podCIDR (flannel, bridge/host-local, calico with usePodCidr) cannot start there.
 */
export function diagnoseMissingPodCidr(view: ClusterView): Finding[] {
  const { nodes } = view.snapshot;
  const hasCidr = (n: (typeof nodes)[number]) => Boolean(n.spec?.podCIDR || n.spec?.podCIDRs?.length);
  if (!nodes.some(hasCidr)) return [];
  return nodes.filter((n) => !hasCidr(n) && isNodeNetworkNotReady(n)).map((n) => ({
    code: 'POD_CIDR_NOT_ASSIGNED' as const,
    confidence: 0.78,
    evidence: [{ object: `Node ${nodeName(n)}`, field: 'spec.podCIDR', text: '(empty; other nodes have one)' }],
    explanation: `${nodeName(n)} has no pod CIDR while the other nodes have one, and its pod network is not ready: a CNI that uses the node's podCIDR cannot configure it. The controller-manager allocates CIDRs only with --allocate-node-cidrs and a --cluster-cidr with room left.`,
    nextCommands: [
      `kubectl get node ${nodeName(n)} -o jsonpath='{.spec.podCIDR}'`,
      'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"',
      `kubectl -n kube-system logs -l component=kube-controller-manager --tail=100 | grep -i cidr`,
    ],
  }));
}
