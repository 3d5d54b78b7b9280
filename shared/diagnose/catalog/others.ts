import type { CatalogEntry } from './catalog-entry.js';

/**
 * weaveworks/weave, cloudnativelabs/kube-router, kindnet (aojea/kindnet, kind's CNI) and antrea
 * (antrea-io/antrea; its CNI binary's "agent socket missing" is Go's dial error, see rules/sandbox-errors.ts).
 */
export const otherAgentEntries: readonly CatalogEntry[] = [
  {
    id: 'weave-range-overlaps-host-route',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'daemon', daemonLog: 'kube-system/weave-net-4xk8d/weave',
    source: { repo: 'weaveworks/weave', file: 'net/route.go', format: 'Network %s overlaps with existing route %s on host' },
    groups: ['range', 'route'],
    examples: [['10.32.0.0/12', '10.32.0.0/16'], ['fd00:10:32::/48', 'fd00:10:32::/64']],
    explanation: 'The weave daemon refuses to start because its pod address range {range} overlaps the host route {route}; pods get no network until the range is changed.',
    nextCommands: ['ssh {node} ip route', 'kubectl -n kube-system set env ds/weave-net -c weave IPALLOC_RANGE=<a free range, e.g. 10.32.0.0/16>'],
  },
  {
    id: 'weave-cannot-get-peers',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.6, emitter: 'daemon', daemonLog: 'kube-system/weave-net-4xk8d/weave',
    source: { repo: 'weaveworks/weave', file: 'prog/kube-utils/main.go', format: '[kube-peers] Could not get peers: %v' },
    groups: ['error'],
    pattern: /\[kube-peers\] Could not get peers: (?<error>.{1,200})/,
    examples: [['Get https://10.96.0.1:443/api/v1/nodes: Unauthorized']],
    explanation: 'weave on {node} cannot list the cluster\'s nodes to find its peers ({error}), so it exits and pods there get no network.',
    nextCommands: ['kubectl -n kube-system logs -l name=weave-net -c weave --tail=50 --previous', 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy'],
  },
  {
    id: 'weave-cni-allocate-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.55, emitter: 'cni-plugin', pluginType: 'weave-net',
    source: { repo: 'weaveworks/weave', file: 'plugin/net/cni.go', format: 'unable to allocate IP address: %s' },
    groups: ['error'],
    pattern: /unable to allocate IP address: (?<error>.{1,300})/,
    examples: [['502 Bad Gateway: the weave router has no IP range yet']],
    explanation: 'The weave CNI plugin on {node} got no address from the weave router: {error}',
    nextCommands: ['kubectl -n kube-system logs -l name=weave-net -c weave --tail=50', 'kubectl -n kube-system exec ds/weave-net -c weave -- /home/weave/weave --local status ipam'],
  },
  {
    id: 'kube-router-pod-cidr-not-set',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.9, emitter: 'daemon', daemonLog: 'kube-system/kube-router-9zq4c/kube-router',
    source: { repo: 'cloudnativelabs/kube-router', file: 'pkg/utils/pod_cidr.go', format: 'node.Spec.PodCIDR not set for node: %v' },
    groups: ['nodeName'],
    examples: [['node-2']],
    explanation: 'Node {nodeName} has no spec.podCIDR, so kube-router cannot configure its pod subnet; the controller-manager only allocates node CIDRs with --allocate-node-cidrs and a --cluster-cidr (kubeadm: --pod-network-cidr).',
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"'],
  },
  {
    id: 'kube-router-routing-controller-failed',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.7, emitter: 'daemon', daemonLog: 'kube-system/kube-router-9zq4c/kube-router',
    source: { repo: 'cloudnativelabs/kube-router', file: 'pkg/cmd/kube-router.go', format: 'failed to create network routing controller: %w' },
    examples: [['failed to get node IP address: host IP unknown']],
    explanation: 'kube-router on {node} cannot start its routing controller and exits, so pods there get no network and no routes to other nodes.',
    nextCommands: ['kubectl -n kube-system logs -l k8s-app=kube-router --tail=50 --previous', 'kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR'],
  },
  {
    id: 'kube-router-ip-forwarding',
    code: 'HOST_NETFILTER_SETTINGS', confidence: 0.8, emitter: 'daemon', daemonLog: 'kube-system/kube-router-9zq4c/kube-router',
    source: { repo: 'cloudnativelabs/kube-router', file: 'pkg/controllers/routing/network_routes_controller.go', format: 'Failed to enable IP forwarding of traffic from pods: %s' },
    examples: [['open /proc/sys/net/ipv4/ip_forward: read-only file system']],
    explanation: 'kube-router cannot turn on IP forwarding on {node}, so pod traffic does not leave the node.',
    nextCommands: ['ssh {node} "sysctl net.ipv4.ip_forward net.ipv6.conf.all.forwarding"', 'ssh {node} "sysctl -w net.ipv4.ip_forward=1"   # and persist it in /etc/sysctl.d'],
  },
  {
    id: 'kindnet-node-has-no-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.85, emitter: 'daemon', daemonLog: 'kube-system/kindnet-5xq2w/kindnet-cni',
    source: { repo: 'aojea/kindnet', file: 'pkg/node/nodes.go', format: 'Node %s has no CIDR, ignoring\n' },
    groups: ['nodeName'],
    pattern: /Node (?<nodeName>\S+) has no CIDR, ignoring/,
    examples: [['node-2']],
    explanation: 'Node {nodeName} has no spec.podCIDR, so kindnet installs no route to it and its pods are unreachable; the controller-manager allocates node CIDRs only with --allocate-node-cidrs and a --cluster-cidr.',
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"'],
  },
  {
    id: 'antrea-cni-api-version-skew',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.75, emitter: 'cni-plugin', pluginType: 'antrea',
    source: { repo: 'antrea-io/antrea', file: 'pkg/cni/client.go', format: 'incompatible CNI API version between client (antrea-cni) and server (antrea-agent), client is using version %s' },
    examples: [['1.0.0']],
    explanation: 'The antrea-cni binary on {node} and the antrea-agent there speak different CNI API versions: /opt/cni/bin/antrea is left from another Antrea release than the running agent.',
    nextCommands: ['kubectl -n kube-system get ds antrea-agent -o jsonpath=\'{..image}\'', 'kubectl -n kube-system rollout restart ds/antrea-agent   # its install-cni init container copies the matching binary'],
  },
];
