import type { CatalogEntry } from './catalog-entry.js';

/** projectcalico/calico: the calico CNI plugin and IPAM (cni-plugin, libcalico-go) and calico/node (node). */
const repo = 'projectcalico/calico';
const pluginFile = 'cni-plugin/pkg/plugin/plugin.go';
const ipamFile = 'libcalico-go/lib/ipam/ipam.go';
const nodeHealth = 'node/pkg/health/health.go';
const calicoNodeCommands = ['kubectl -n kube-system logs -l k8s-app=calico-node -c calico-node --tail=50', 'kubectl get nodes -o wide   # compare INTERNAL-IP with the BGP peer addresses', 'kubectl -n kube-system set env ds/calico-node IP_AUTODETECTION_METHOD=interface=<nic>'];
const ipamCommands = ['calicoctl ipam show --show-blocks', 'kubectl get ippools.crd.projectcalico.org -o yaml', 'kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l'];
const calicoNodeLog = 'kube-system/calico-node-x7k2p/calico-node';

export const calicoEntries: readonly CatalogEntry[] = [
  {
    id: 'calico-node-not-running',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: pluginFile, format: '%s: check that the calico/node container is running and has mounted /var/lib/calico/' },
    examples: [['stat /var/lib/calico/nodename: no such file or directory']],
    explanation: 'The calico CNI plugin on {node} finds no /var/lib/calico/nodename, which calico-node writes when it starts: calico-node is not running (yet) on that node.',
    nextCommands: ['kubectl -n kube-system get pods -o wide -l k8s-app=calico-node --field-selector spec.nodeName={node}', 'kubectl -n kube-system describe pod -l k8s-app=calico-node', 'kubectl -n kube-system logs -l k8s-app=calico-node -c calico-node --tail=50'],
  },
  {
    id: 'calico-connection-unauthorized',
    code: 'CNI_CREDENTIALS_REJECTED', confidence: 0.86, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: 'libcalico-go/lib/errors/errors.go', format: 'connection is unauthorized: %v' },
    examples: [['Unauthorized'], ['the server has asked for the client to provide credentials']],
    explanation: 'The calico CNI plugin on {node} reached the API server but its credentials (the token in /etc/cni/net.d/calico-kubeconfig) were rejected: expired or from before the cluster was re-created. The network itself is fine.',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d/calico-kubeconfig   # the token\'s age', 'kubectl -n kube-system rollout restart ds/calico-node   # the daemon rewrites the plugin\'s kubeconfig with a fresh token'],
  },
  {
    id: 'calico-cluster-information',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.6, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: pluginFile, format: 'error getting ClusterInformation: %v' },
    groups: ['error'],
    pattern: /error getting ClusterInformation: (?<error>.{1,300})/,
    examples: [['resource does not exist: ClusterInformation(default) with error: clusterinformations.crd.projectcalico.org "default" not found']],
    explanation: 'The calico CNI plugin on {node} cannot read ClusterInformation from the API server ({error}); calico-node creates it at start-up, so it is missing until calico-node has run once, or the plugin cannot reach the API.',
    nextCommands: ['kubectl get clusterinformations.crd.projectcalico.org default -o yaml', 'kubectl -n kube-system get pods -o wide -l k8s-app=calico-node'],
  },
  {
    id: 'calico-route-conflict',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.8, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: 'cni-plugin/pkg/dataplane/linux/dataplane_linux.go', format: 'route (Ifindex: %d, Dst: %s, Scope: %v) already exists for an interface other than \'%s\': %s' },
    groups: [undefined, 'dst', undefined, 'iface'],
    examples: [['35', '10.244.1.5/32', '253', 'cali1a2b3c4d5e6', 'route (Ifindex: 31, Dst: 10.244.1.5/32, Scope: 253, Iface: cali9f8e7d6c5b4)'], ['35', 'fd00:10:244:1::5/128', '253', 'cali1a2b3c4d5e6', 'route (Ifindex: 31, Dst: fd00:10:244:1::5/128, Scope: 253, Iface: cali9f8e7d6c5b4)']],
    explanation: 'Calico IPAM gave the pod on {node} address {dst}, but a route to it already points at another interface: a pod that is gone still holds the route (a leaked IPAM allocation), or two pods got the same address.',
    nextCommands: ['ssh {node} ip route | grep -w "{dst}"', 'kubectl get pods -A -o wide | grep -w "$(echo {dst} | cut -d/ -f1)"', 'calicoctl ipam check   # finds leaked allocations; calicoctl ipam release --ip=<ip> frees one'],
  },
  {
    id: 'calico-ipam-partial',
    code: 'IPAM_EXHAUSTED', confidence: 0.85, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: ipamFile, format: 'Assigned %d out of %d requested IPv%d addresses' },
    examples: [['0', '1', '4'], ['0', '1', '6']],
    explanation: 'Calico IPAM could not give the pod on {node} an address: its IP pools (or this node\'s blocks) are used up.',
    nextCommands: ipamCommands,
  },
  {
    id: 'calico-ipam-no-free-affine-blocks',
    code: 'IPAM_EXHAUSTED', confidence: 0.92, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: ipamFile, format: 'No more free affine blocks and strict affinity enabled' },
    pattern: /[Nn]o more free affine blocks/,
    examples: [[]],
    explanation: 'Calico IPAM has no free block left for {node} and strict affinity forbids borrowing from other nodes\' blocks: the pool is too small for the number of nodes.',
    nextCommands: ipamCommands,
  },
  {
    id: 'calico-ipam-block-limit',
    code: 'IPAM_EXHAUSTED', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: ipamFile, format: 'Need to allocate an IPAM block but could not - limit of %d blocks reached for this node' },
    examples: [['20']],
    explanation: 'Calico IPAM reached the per-node block limit on {node}, so no new pod there gets an address.',
    nextCommands: ipamCommands,
  },
  {
    id: 'calico-ipam-pools-exhausted',
    code: 'IPAM_EXHAUSTED', confidence: 0.92, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: ipamFile, format: 'No IPs available in pools: %v' },
    groups: ['pools'],
    pattern: /No IPs available in pools: (?<pools>\[[^\]]*\])/,
    examples: [['[10.244.0.0/16]'], ['[fd00:10:244::/64]']],
    explanation: 'Every address in the Calico IP pools {pools} is in use, so pods on {node} get none.',
    nextCommands: ipamCommands,
  },
  {
    id: 'calico-ipam-no-pool',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.8, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: ipamFile, format: 'no configured Calico pools for node %s' },
    groups: ['nodeName'],
    examples: [['node-2']],
    explanation: 'No enabled Calico IP pool applies to node {nodeName} (pool nodeSelector, or the pool disabled), so its pods get no address.',
    nextCommands: ['kubectl get ippools.crd.projectcalico.org -o yaml | grep -E "cidr|nodeSelector|disabled"', 'kubectl get node {nodeName} --show-labels'],
  },
  {
    id: 'calico-ipam-no-qualified-pool',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.75, emitter: 'cni-plugin', pluginType: 'calico',
    source: { repo, file: ipamFile, format: 'cannot find a qualified ippool' },
    examples: [[]],
    explanation: 'No Calico IP pool qualifies for the pod on {node} (the pool\'s nodeSelector, allowedUses or the pod\'s ipv4pools annotation exclude them all).',
    nextCommands: ['kubectl get ippools.crd.projectcalico.org -o yaml | grep -E "cidr|nodeSelector|allowedUses|disabled"', 'kubectl describe pod -n {namespace} {podName} | grep -i ippool'],
  },
  ...([
    ['calico-node-bird-not-ready', 'calico/node is not ready: BIRD is not ready: %+v', 'BGP not established with 10.0.0.12,10.0.0.13'],
    ['calico-node-felix-not-ready', 'calico/node is not ready: felix is not ready: %+v', 'Get "http://localhost:9099/readiness": dial tcp [::1]:9099: connect: connection refused'],
    ['calico-node-felix-not-live', 'calico/node is not ready: Felix is not live: %+v', 'Get "http://localhost:9099/liveness": dial tcp [::1]:9099: connect: connection refused'],
    ['calico-node-bird-not-live', 'calico/node is not ready: bird is not live: %+v', 'exit status 1'],
  ] as const).map(([id, format, example]): CatalogEntry => ({
    id,
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'daemon', daemonLog: calicoNodeLog, probeOutput: true,
    source: { repo, file: nodeHealth, format },
    examples: [[example]],
    explanation: 'calico-node on {node} reports itself not ready (BGP sessions or Felix not up), so routes to pods on other nodes are missing; a wrong autodetected node IP (IP_AUTODETECTION_METHOD) is the usual reason.',
    nextCommands: calicoNodeCommands,
  })),
  {
    id: 'calico-bird-socket-unreachable',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'daemon', daemonLog: calicoNodeLog, probeOutput: true,
    source: { repo, file: 'node/pkg/health/bird/bird.go', format: 'error querying BIRD: unable to connect to BIRDv%s socket: %v' },
    ignoreCase: true, // "Error querying BIRD: ..." in node/pkg/status/populators/bird_conn.go
    examples: [['4', 'dial unix /var/run/calico/bird.ctl: connect: connection refused'], ['6', 'dial unix /var/run/calico/bird6.ctl: connect: no such file or directory']],
    explanation: 'BIRD, calico-node\'s BGP daemon, is not running on {node} (no control socket), so no routes to pods on other nodes are announced or learned; usually calico-node is still starting or its BGP config (node IP, AS number) is rejected.',
    nextCommands: calicoNodeCommands,
  },
  {
    id: 'calico-node-ip-in-use',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'daemon', daemonLog: calicoNodeLog,
    source: { repo, file: 'node/pkg/lifecycle/startup/startup.go', format: 'Calico node \'%s\' is already using the IPv4 address %s.' },
    groups: ['otherNode', 'address'],
    examples: [['node-3', '172.18.0.1']],
    explanation: 'calico-node on {node} autodetected {address}, which node {otherNode} already uses (a docker bridge or a VIP address found on several hosts), so it terminates: set IP_AUTODETECTION_METHOD to the real NIC.',
    nextCommands: ['kubectl -n kube-system set env ds/calico-node IP_AUTODETECTION_METHOD=interface=<nic>   # or can-reach=<address>', 'ssh {node} ip -br addr'],
  },
  {
    id: 'calico-bgp-not-established',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'daemon', daemonLog: calicoNodeLog, probeOutput: true,
    source: { repo, file: nodeHealth, format: 'BGP not established with %+v' },
    groups: ['peers'],
    examples: [['10.0.0.12,10.0.0.13'], ['fd00::12,fd00::13']],
    explanation: 'calico-node on {node} has no BGP session with {peers}, so routes to pods on those nodes are missing; a wrong autodetected node IP (IP_AUTODETECTION_METHOD) or blocked TCP 179 is the usual reason.',
    nextCommands: calicoNodeCommands,
  },
];
