import type { TextRule } from '../text-rules.js';

/**
 * What kubelet / containerd / cri-o / dockershim report when a pod sandbox's
 * network cannot be set up (event FailedCreatePodSandBox, kubelet and runtime
 * logs). The phrases come from the CNI plugins themselves, so they read the same
 * whichever runtime wraps them.
 */

const sandboxTexts = ['event', 'kubeletLog', 'runtimeLog'] as const;

/** Generic "setting up the pod network failed" wrappers of each runtime. */
export const sandboxNetworkFailure =
  /failed to (?:set ?up|setup) (?:network for sandbox|sandbox container .{0,120}network)|NetworkPlugin cni failed to set up|failed to create pod network sandbox|plugin type=\\?"[^"\\]+\\?"(?: name=\\?"[^"\\]+\\?")? failed \(add\)|Failed to setup network for pod/i;

export const sandboxErrorRules: readonly TextRule[] = [
  {
    id: 'cni-binary-not-in-path',
    code: 'CNI_PLUGIN_BINARY_MISSING',
    confidence: 0.92,
    // Quotes arrive escaped (\") inside structured log fields.
    pattern: /failed to find plugin \\?"(?<plugin>[^"\\]+)\\?" in path \[(?<path>[^\]\s]*)[^\]]*\]/,
    explanation: 'The CNI config names plugin type "{plugin}", but there is no executable of that name in {path} on {node}, so every pod sandbox fails to get a network.',
    nextCommands: ['ssh {node} ls -l {path}', 'ssh {node} grep -h \'"type"\' /etc/cni/net.d/*', 'copy the "{plugin}" binary into {path} (reference plugins: github.com/containernetworking/plugins/releases; flannel: github.com/flannel-io/cni-plugin/releases)'],
  },
  {
    id: 'flannel-subnet-env-missing',
    code: 'FLANNEL_SUBNET_ENV_MISSING',
    confidence: 0.92,
    pattern: /(?:open |stat )?(?<file>\S*flannel\/subnet\.env): no such file or directory/,
    explanation: 'The flannel CNI plugin reads {file}, which flanneld writes once it has leased the node\'s subnet; it does not exist on {node}, so flanneld is not running or has not registered there.',
    nextCommands: ['kubectl get pods -A -o wide -l app=flannel --field-selector spec.nodeName={node}', 'kubectl logs -n kube-flannel -l app=flannel --tail=50   # or -n kube-system on older manifests', 'ssh {node} cat /run/flannel/subnet.env'],
  },
  {
    id: 'bridge-has-other-address',
    code: 'BRIDGE_ADDRESS_CONFLICT',
    confidence: 0.92,
    pattern: /(?<bridge>[\w.-]+)\\?"? already has an IP address different from (?<address>[\d.]+\/\d+)/,
    explanation: 'The bridge {bridge} on {node} still carries an address from an earlier pod CIDR or CNI, so the bridge plugin refuses to set {address} and every sandbox on that node fails.',
    nextCommands: ['ssh {node} ip -d addr show {bridge}', 'kubectl get node {node} -o jsonpath=\'{.spec.podCIDR}\'', 'ssh {node} "ip link set {bridge} down && ip link delete {bridge}"   # the plugin recreates it with the right address'],
  },
  {
    id: 'overlay-device-has-other-address',
    code: 'BRIDGE_ADDRESS_CONFLICT',
    confidence: 0.86,
    pattern: /failed to ensure address of interface (?<bridge>\S+?): link has incompatible addresses/,
    explanation: '{bridge} on {node} keeps an address from an earlier flannel network, so flanneld refuses to configure it and the node gets no pod network.',
    nextCommands: ['ssh {node} ip -d addr show {bridge}', 'ssh {node} ip link delete {bridge}   # flanneld recreates it', 'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName={node}'],
  },
  {
    id: 'ipam-range-exhausted',
    code: 'IPAM_EXHAUSTED',
    confidence: 0.92,
    pattern: /no IP addresses available in (?:range set|network)|no more free (?:affine blocks|addresses)|pools are (?:likely )?exhausted|unable to auto-?assign an address/i,
    explanation: 'The IPAM plugin on {node} has no free pod address left; with host-local this is usually reservations leaked by pods that are gone, not real demand.',
    nextCommands: ['ssh {node} ls /var/lib/cni/networks/*/ | wc -l', 'kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l', 'ssh {node} "rm /var/lib/cni/networks/<network>/<ip-of-a-pod-that-no-longer-exists>"   # or drain, clear the folder and restart the runtime'],
  },
  {
    id: 'agent-ipam-range-full',
    code: 'IPAM_EXHAUSTED',
    confidence: 0.9,
    pattern: /postIpamFailure\s+range is full|range is full|failed to assign an IP address to container/,
    explanation: 'The CNI agent\'s IP pool for {node} is used up (cilium: the node\'s pod CIDR; aws-vpc-cni: the ENI address limit), so new pods there get no address.',
    nextCommands: ['kubectl -n kube-system exec ds/cilium -- cilium status --verbose | grep -A3 IPAM   # cilium', 'kubectl get pods -A -o wide --field-selector spec.nodeName={node} | wc -l', 'kubectl get node {node} -o jsonpath=\'{.spec.podCIDR}\''],
  },
  {
    id: 'node-has-no-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED',
    confidence: 0.92,
    pattern: /pod cidr not assigned|no podCidr for node|pod ?CIDR (?:is )?(?:empty|not (?:set|assigned))|CIDRNotAvailable|no remaining CIDRs left to allocate|mask size of cluster CIDR must be less than|Failed to get pod CIDR from node spec/i,
    explanation: 'The node has no spec.podCIDR, so the CNI cannot pick a subnet for it; the controller-manager only allocates node CIDRs when kubeadm was given a pod network CIDR (--pod-network-cidr / networking.podSubnet) large enough for every node.',
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get cm kubeadm-config -o yaml | grep -A3 networking', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"'],
  },
  {
    id: 'cni-config-rejected',
    code: 'CNI_CONFIG_INVALID',
    confidence: 0.9,
    pattern: /error parsing configuration(?: list)?|no 'type'; perhaps this is a \.conflist|does not support config version|incompatible CNI versions?|unsupported CNI (?:result )?version|invalid cni config|Error (?:loading|validating) CNI config|missing 'type'|no 'plugins' key|No valid networks found in|the version is empty|CNI config list .{0,80}has no networks/i,
    explanation: 'A file in /etc/cni/net.d exists but the runtime cannot load it (bad JSON, .conf vs .conflist, or an unsupported cniVersion), so the node behaves as if no CNI were installed.',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d', 'ssh {node} "for f in /etc/cni/net.d/*; do echo == $f; python3 -m json.tool $f; done"', 'kubectl netcheck --dump DIR   # with node facts it names the file and the problem'],
  },
  {
    id: 'cni-agent-socket-missing',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.86,
    pattern: /dial unix \S*(?<agent>cilium|calico|weave|antrea|kube-ovn|flannel|ovn)\S*\.sock: connect: (?:no such file or directory|connection refused)|dial tcp (?:127\.0\.0\.1|localhost):(?<port>\d+): connect: connection refused|failed to create (?<agent2>cilium) agent client|stat \/var\/lib\/calico\/nodename: no such file or directory/i,
    when: (_m, observation) => sandboxNetworkFailure.test(observation.evidence.text) || /\bcni\b|unable to allocate IP/i.test(observation.evidence.text),
    explanation: 'The CNI plugin on {node} could not reach its node agent (local socket or port), so the provider\'s daemon pod on that node is not running yet or keeps restarting.',
    nextCommands: ['kubectl get pods -A -o wide --field-selector spec.nodeName={node} | grep -Ei "cilium|calico|weave|antrea|flannel|ovn"', 'kubectl describe pod -n <ns> <cni-daemon-pod-on-{node}>', 'kubectl logs -n <ns> <cni-daemon-pod-on-{node}> --all-containers --tail=50'],
  },
  {
    id: 'cni-apiserver-credentials-rejected',
    code: 'CNI_CREDENTIALS_REJECTED',
    confidence: 0.86,
    pattern: /connection is unauthorized|\bUnauthorized\b|the server has asked for the client to provide credentials|x509: certificate (?:has expired|signed by unknown authority)/,
    when: (_m, observation) => sandboxNetworkFailure.test(observation.evidence.text),
    explanation: 'The CNI plugin reached the API server but the credentials in its kubeconfig were rejected (an expired or revoked token, or a CA from before the cluster was re-created); the network itself is fine.',
    nextCommands: ['ssh {node} ls -l /etc/cni/net.d/   # e.g. calico-kubeconfig: check the token\'s age', 'kubectl -n kube-system rollout restart ds/calico-node   # the daemon rewrites the plugin\'s kubeconfig with a fresh token'],
  },
  {
    id: 'sandbox-network-failure',
    code: 'CNI_PLUGIN_ERROR',
    confidence: 0.45,
    sources: sandboxTexts,
    pattern: sandboxNetworkFailure,
    explanation: 'The CNI plugin failed while setting up the pod network on {node} with an error netcheck does not recognise; the plugin\'s own message is the lead.',
    nextCommands: ['kubectl describe pod -n {namespace} {podName}', 'ssh {node} journalctl -u kubelet -u containerd --since -10min | grep -i cni'],
  },
];
