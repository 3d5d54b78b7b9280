import type { CatalogEntry } from './catalog-entry.js';

/** cilium/cilium: the cilium-cni plugin and the agent's API client and IPAM. */
const repo = 'cilium/cilium';
const agentCommands = ['kubectl -n kube-system get pods -o wide -l k8s-app=cilium --field-selector spec.nodeName={node}', 'kubectl -n kube-system logs -l k8s-app=cilium --tail=50', 'kubectl -n kube-system exec ds/cilium -- cilium status'];

export const ciliumEntries: readonly CatalogEntry[] = [
  {
    // The agent's start-up (daemon/cmd/daemon_main.go: log.WithError(err).Fatal("Error while creating daemon"), subsys=daemon;
    // "Error while initializing daemon" is the Error logged just before it): the agent exits and the kubelet restarts it.
    id: 'cilium-agent-start-failed',
    // A wrapper: below every rule that names what failed inside it (the error after it), above a bare structural lead.
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.55, emitter: 'daemon', daemonLog: 'kube-system/cilium-7xkqp/cilium-agent',
    source: { repo, file: 'daemon/cmd/daemon_main.go', format: 'Error while creating daemon' },
    pattern: /\bError while (?:creating|initializing) daemon\b/,
    examples: [[]],
    explanation: 'The cilium agent on {node} fails during start-up and exits, so pods there get no network until it starts; the error after it in the same line says what failed.',
    nextCommands: [...agentCommands, 'kubectl -n kube-system logs -l k8s-app=cilium --previous --tail=30 | grep -E "level=(error|fatal)"'],
  },
  {
    id: 'cilium-cni-agent-unreachable',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    source: { repo, file: 'plugins/cilium-cni/cmd/cmd.go', format: 'unable to connect to Cilium agent: %w' },
    // Older releases: "unable to connect to Cilium daemon: %s".
    pattern: /unable to connect to Cilium (?:agent|daemon): /,
    examples: [['failed to create cilium agent client after 30.000000 seconds timeout: Get "http://localhost/v1/config": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory\nIs the agent running?']],
    explanation: 'The cilium CNI plugin on {node} cannot reach the cilium agent\'s socket: the cilium pod on that node is not running (yet) or keeps restarting.',
    nextCommands: agentCommands,
  },
  {
    id: 'cilium-agent-client-timeout',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    source: { repo, file: 'pkg/client/client.go', format: 'failed to create cilium agent client after %f seconds timeout: %w' },
    examples: [['30.000000', 'Get "http:///var/run/cilium/cilium.sock/v1/config": dial unix /var/run/cilium/cilium.sock: connect: connection refused']],
    explanation: 'The cilium CNI plugin on {node} waited for the cilium agent and gave up: the cilium pod on that node is not running (yet) or keeps restarting.',
    nextCommands: agentCommands,
  },
  {
    id: 'cilium-ipam-range-full',
    code: 'IPAM_EXHAUSTED', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    source: { repo, file: 'pkg/ipam/service/ipallocator/allocator.go', format: 'range is full' },
    examples: [[]],
    explanation: 'The cilium agent\'s IP pool for {node} (the node\'s pod CIDR) is used up, so new pods there get no address.',
    nextCommands: ['kubectl -n kube-system exec ds/cilium -- cilium status --verbose | grep -A3 IPAM', 'kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l', 'kubectl get node {node} -o jsonpath=\'{.spec.podCIDR}\''],
  },
  {
    id: 'cilium-ipam-allocation-failure',
    code: 'IPAM_EXHAUSTED', confidence: 0.75, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    // The agent API's 502 answer to POST /ipam, documented there as "Allocation failure".
    source: { repo, file: 'api/v1/client/ipam/post_ipam_responses.go', format: '[POST /ipam][%d] postIpamFailure  %+v' },
    pattern: /\[POST \/ipam\]\[502\] postIpamFailure/,
    examples: [['502', ''], ['502', 'pool default: unable to allocate IPv6 address: range is full']],
    explanation: 'The cilium agent on {node} failed to allocate an address for the pod (its API answers "Allocation failure"): usually the node\'s pod CIDR or the cloud IPAM pool (ENI / Azure) is used up.',
    nextCommands: ['kubectl -n kube-system exec ds/cilium -- cilium status --verbose | grep -A5 IPAM', 'kubectl -n kube-system logs -l k8s-app=cilium --tail=100 | grep -i ipam', 'kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l'],
  },
  {
    id: 'cilium-cni-ipam-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.55, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    source: { repo, file: 'plugins/cilium-cni/cmd/cmd.go', format: 'unable to allocate IP via local cilium agent: %w' },
    groups: ['error'],
    pattern: /unable to allocate IP via local cilium agent: (?<error>.{1,300})/,
    examples: [['[POST /ipam][403] postIpamForbidden ']],
    explanation: 'The cilium agent on {node} refused the pod an address: {error}',
    nextCommands: agentCommands,
  },
  {
    id: 'cilium-agent-kernel-too-old',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.88, emitter: 'daemon', daemonLog: 'kube-system/cilium-q7lwn/cilium-agent',
    source: { repo, file: 'pkg/datapath/linux/requirements.go', format: 'kernel version: NOT OK: minimal supported kernel version is %s; kernel version that is running is: %s' },
    groups: ['required', 'running'],
    examples: [['>= 4.19.57', '4.15.0'], ['>= 4.8.0', '4.4.0']],
    explanation: 'The cilium agent on {node} exits at start-up: the node runs Linux {running} and this cilium release needs {required}. Until the kernel is upgraded (or an older cilium is used), pods there get no network.',
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,KERNEL:.status.nodeInfo.kernelVersion', 'kubectl -n kube-system logs -l k8s-app=cilium --previous --tail=20'],
  },
  {
    id: 'cilium-agent-k8s-unreachable',
    // Below the service-IP rules (rules/kube-proxy.ts): when the error names a timed-out or rejected service IP, that says more.
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.62, emitter: 'daemon', daemonLog: 'kube-system/cilium-q7lwn/cilium-agent',
    source: { repo, file: 'pkg/k8s/client/cell.go', format: 'Unable to contact k8s api-server' },
    examples: [[]],
    explanation: 'The cilium agent on {node} cannot reach the API server, so it does not start and pods there get no network. Without kube-proxy (kube-proxy replacement) the agent must be given the API server\'s real address (k8sServiceHost / k8sServicePort): the kubernetes service IP only works once cilium itself is running.',
    nextCommands: ['kubectl -n kube-system logs -l k8s-app=cilium --previous --tail=30 | grep -E "api-server|dial tcp"', 'kubectl -n kube-system get cm cilium-config -o yaml | grep -E "k8s-service-host|k8s-service-port|kube-proxy-replacement"', 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy'],
  },
  ...(['IPv4', 'IPv6'] as const).map((family): CatalogEntry => ({
    id: `cilium-agent-no-${family.toLowerCase()}-pod-cidr`,
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.88, emitter: 'daemon', daemonLog: 'kube-system/cilium-q7lwn/cilium-agent',
    // The agent waits on this ("Waiting for k8s node information") with ipam=kubernetes until the node has a podCIDR.
    source: { repo, file: 'pkg/k8s/init.go', format: `required ${family} PodCIDR not available` },
    examples: [[]],
    explanation: `The cilium agent on {node} waits for the node's ${family} pod CIDR, which it does not have: with ipam=kubernetes the controller-manager must allocate node CIDRs (--allocate-node-cidrs, --cluster-cidr); with cluster-pool the cilium-operator assigns them in the CiliumNode. Pods there get no network until then.`,
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDRS:.spec.podCIDRs', 'kubectl get ciliumnodes -o custom-columns=NAME:.metadata.name,CIDRS:.spec.ipam.podCIDRs', 'kubectl -n kube-system get cm cilium-config -o yaml | grep -E "^  ipam"'],
  })),
  {
    id: 'cilium-health-nodes-unreachable',
    code: 'POD_NETWORK_UNREACHABLE', confidence: 0.72, emitter: 'daemon', daemonLog: 'kube-system/cilium-q7lwn/cilium-agent',
    // `cilium status` (and cilium-health status) through a tabwriter: the tabs arrive as spaces, or as \t when quoted.
    source: { repo, file: 'pkg/health/client/client.go', format: 'Cluster health:\t%d/%d reachable\t(%s)' },
    groups: ['healthy', 'total'],
    pattern: /Cluster health:(?:\s|\\t)+(?<healthy>\d+)\/(?<total>\d+) reachable/,
    when: (match) => Number(match.groups?.['healthy']) < Number(match.groups?.['total']),
    examples: [['1', '3', '2026-11-26T05:00:00Z']],
    explanation: 'cilium\'s health checks on {node} reach only {healthy} of {total} nodes: node-to-node or pod-to-pod traffic between them is dropped (the tunnel port 8472/6081 or the health port 4240 blocked, or routes missing).',
    nextCommands: ['kubectl -n kube-system exec ds/cilium -- cilium-health status --verbose', 'ssh {node} "nc -zvu <other node IP> 8472; nc -zv <other node IP> 4240"'],
  },
  {
    id: 'cilium-ipam-pod-cidrs-exhausted',
    code: 'IPAM_EXHAUSTED', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    source: { repo, file: 'pkg/ipam/clusterpool.go', format: 'all pod CIDR ranges are exhausted' },
    examples: [[]],
    explanation: 'The cilium agent on {node} has used every address of the pod CIDRs the operator gave the node (cluster-pool IPAM): leaked endpoints, or more pods than the per-node mask allows.',
    nextCommands: ['kubectl -n kube-system exec ds/cilium -- cilium status --verbose | grep -A5 IPAM', 'kubectl get ciliumnode {node} -o jsonpath=\'{.spec.ipam.podCIDRs}\'', 'kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l'],
  },
  {
    id: 'cilium-cni-config-unparsable',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'cni-plugin', pluginType: 'cilium-cni',
    source: { repo, file: 'plugins/cilium-cni/cmd/cmd.go', format: 'unable to parse CNI configuration %q: %w' },
    // The %q is the whole config (JSON, its quotes escaped once more in logs): only the wording is matched.
    pattern: /unable to parse CNI configuration \\*"/,
    examples: [['{"cniVersion":"0.3.1","name":"cilium","type":"cilium-cni","mtu":"1450"}', 'json: cannot unmarshal string into Go struct field NetConf.mtu of type int']],
    explanation: 'cilium-cni on {node} cannot parse its CNI config (a field of the wrong type, or a file another installer wrote into /etc/cni/net.d).',
    nextCommands: ['ssh {node} cat /etc/cni/net.d/05-cilium.conflist', 'kubectl -n kube-system logs -l k8s-app=cilium -c install-cni-binaries --tail=20'],
  },
];
