import type { CatalogEntry } from './catalog-entry.js';

/** flannel-io/flannel (flanneld, the kube-flannel DaemonSet) and flannel-io/cni-plugin (the "flannel" CNI plugin). */
const flanneld = 'flannel-io/flannel';
const plugin = 'flannel-io/cni-plugin';
const daemonLog = 'kube-flannel/kube-flannel-ds-5lq8v/kube-flannel';
const podCidrCommands = ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get cm kubeadm-config -o yaml | grep -A3 networking', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"'];
const subnetEnvCommands = ['kubectl get pods -A -o wide -l app=flannel --field-selector spec.nodeName={node}', 'kubectl logs -n kube-flannel -l app=flannel --tail=50   # or -n kube-system on older manifests', 'ssh {node} cat /run/flannel/subnet.env'];

export const flannelEntries: readonly CatalogEntry[] = [
  {
    id: 'flannel-node-pod-cidr-not-assigned',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.92, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/subnet/kube/kube.go', format: 'node %q pod cidr not assigned' },
    groups: ['nodeName'],
    examples: [['node-2']],
    explanation: 'Node {nodeName} has no spec.podCIDR, so flanneld cannot lease its subnet; the controller-manager only allocates node CIDRs when kubeadm was given a pod network CIDR (--pod-network-cidr / networking.podSubnet) large enough for every node.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'flannel-network-does-not-contain-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.85, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/subnet/kube/kube.go', format: 'subnet %q specified in the flannel net config doesn\'t contain %q PodCIDR of the %q node' },
    groups: ['network', 'podCidr', 'nodeName'],
    examples: [['10.244.0.0/16', '10.200.1.0/24', 'node-2']],
    explanation: 'The podCIDR {podCidr} of node {nodeName} lies outside the Network {network} in flannel\'s net-conf.json: kubeadm\'s --pod-network-cidr (networking.podSubnet) and flannel\'s Network must be the same range.',
    nextCommands: ['kubectl -n kube-system get cm kubeadm-config -o yaml | grep podSubnet', 'kubectl -n kube-flannel get cm kube-flannel-cfg -o jsonpath=\'{.data.net-conf\\.json}\''],
  },
  {
    id: 'flannel-network-does-not-contain-ipv6-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.85, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/subnet/kube/kube.go', format: 'subnet %q specified in the flannel net config doesn\'t contain %q IPv6 PodCIDR of the %q node' },
    groups: ['network', 'podCidr', 'nodeName'],
    examples: [['fd00:10:244::/56', 'fd00:10:200:1::/64', 'node-2']],
    explanation: 'The IPv6 podCIDR {podCidr} of node {nodeName} lies outside the IPv6Network {network} in flannel\'s net-conf.json: the cluster\'s IPv6 pod CIDR and flannel\'s IPv6Network must be the same range.',
    nextCommands: ['kubectl get node {nodeName} -o jsonpath=\'{.spec.podCIDRs}\'', 'kubectl -n kube-flannel get cm kube-flannel-cfg -o jsonpath=\'{.data.net-conf\\.json}\''],
  },
  {
    id: 'flannel-cannot-register',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.7, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'main.go', format: 'Error registering network: %s' },
    examples: [['failed to acquire lease: the server could not find the requested resource']],
    explanation: 'flanneld on {node} exits before leasing a subnet, so it never writes /run/flannel/subnet.env and pods there get no network.',
    nextCommands: ['kubectl logs -n {namespace} {podName} --previous --tail=50', 'kubectl get node {node} -o jsonpath=\'{.spec.podCIDR}\''],
  },
  {
    id: 'flannel-no-subnet-manager',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.7, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'main.go', format: 'Failed to create SubnetManager: ' },
    examples: [[]],
    explanation: 'flanneld on {node} cannot start its subnet manager (it reads its own pod and net-conf.json through the API server), so pods there get no network.',
    nextCommands: ['kubectl logs -n {namespace} {podName} --previous --tail=50', 'kubectl -n kube-flannel get cm kube-flannel-cfg -o yaml'],
  },
  {
    id: 'flannel-no-interface',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.7, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'main.go', format: 'Failed to find any valid interface to use: ' },
    examples: [[]],
    explanation: 'flanneld on {node} finds no interface to carry overlay traffic (no default route, or --iface / --iface-regex match nothing), so it exits.',
    nextCommands: ['ssh {node} ip route show default', 'kubectl -n kube-flannel get ds kube-flannel-ds -o yaml | grep -A3 args'],
  },
  {
    id: 'flannel-no-ipv4-on-interface',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.75, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/ipmatch/match.go', format: 'failed to find IPv4 address for interface %s' },
    groups: ['iface'],
    examples: [['ens224']],
    explanation: 'flanneld on {node} was told to use interface {iface} (--iface, or k3s --flannel-iface), which has no IPv4 address (down, or not configured yet), so it exits and pods there get no network.',
    nextCommands: ['ssh {node} ip -br addr show {iface}', 'kubectl logs -n {namespace} {podName} --previous --tail=50'],
  },
  {
    id: 'flannel-no-default-interface',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.75, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/ipmatch/match.go', format: 'failed to get default interface: %w' },
    examples: [['unable to find default route'], ['Unable to find default route']],
    explanation: 'flanneld on {node} picks the interface of the default route, and the node has no default route: it exits and pods there get no network (give it --iface, or add a default route).',
    nextCommands: ['ssh {node} ip route show default', 'kubectl -n kube-flannel get ds kube-flannel-ds -o yaml | grep -A3 args   # add --iface=<nic>'],
  },
  {
    id: 'flannel-out-of-subnets',
    code: 'IPAM_EXHAUSTED', confidence: 0.88, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/subnet/etcd/local_manager.go', format: 'out of subnets' },
    examples: [[]],
    explanation: 'flanneld (etcd backend) finds no free node subnet left in its Network: leases of nodes that are gone still hold them, or the Network is too small for SubnetLen and the node count.',
    nextCommands: ['etcdctl ls /coreos.com/network/subnets   # or: etcdctl get --prefix /coreos.com/network/subnets', 'etcdctl get /coreos.com/network/config'],
  },
  {
    id: 'k3s-flannel-exited',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.75, emitter: 'daemon',
    source: { repo: 'k3s-io/k3s', file: 'pkg/agent/flannel/setup.go', format: 'flannel exited: %v' },
    groups: ['error'],
    pattern: /flannel exited: (?<error>.{1,200})/,
    examples: [['operation not supported'], ['failed to find IPv4 address for interface ens224']],
    explanation: 'The flannel built into k3s stopped on {node} ({error}), and k3s exits with it: the node has no pod network until that is fixed.',
    nextCommands: ['ssh {node} journalctl -u k3s -u k3s-agent --since -15min | grep -iE "flannel|level=fatal"', 'ssh {node} ip -br addr'],
  },
  {
    id: 'flannel-br-netfilter-missing',
    code: 'HOST_NETFILTER_SETTINGS', confidence: 0.88, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'main.go', format: 'Failed to check br_netfilter: ' },
    examples: [[]],
    explanation: 'flanneld on {node} exits because the br_netfilter module is not loaded (/proc/sys/net/bridge/bridge-nf-call-iptables does not exist); kubeadm no longer checks this since 1.30.',
    nextCommands: ['ssh {node} "lsmod | grep br_netfilter"', 'ssh {node} "modprobe br_netfilter && echo br_netfilter > /etc/modules-load.d/br_netfilter.conf"'],
  },
  {
    id: 'flannel-vxlan-address-conflict',
    code: 'BRIDGE_ADDRESS_CONFLICT', confidence: 0.86, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/ip/iface.go', ref: 'v0.13.0', format: 'link has incompatible addresses. Remove additional addresses and try again. %#v' },
    examples: [['&netlink.Vxlan{LinkAttrs:netlink.LinkAttrs{Index:5, MTU:1450, Name:"flannel.1"}}']],
    explanation: 'The flannel device on {node} keeps an address from an earlier flannel network, so flanneld refuses to configure it and the node gets no pod network.',
    nextCommands: ['ssh {node} ip -d addr show flannel.1', 'ssh {node} ip link delete flannel.1   # flanneld recreates it', 'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName={node}'],
  },
  {
    id: 'flannel-ensure-address-failed',
    code: 'BRIDGE_ADDRESS_CONFLICT', confidence: 0.8, emitter: 'daemon', daemonLog,
    source: { repo: flanneld, file: 'pkg/backend/vxlan/device.go', format: 'failed to ensure address of interface %s: %s' },
    groups: ['bridge'],
    examples: [['flannel.1', 'failed to add IP address 10.244.1.0/32 to flannel.1: file exists']],
    explanation: '{bridge} on {node} keeps an address from an earlier flannel network (or another one clashes), so flanneld cannot configure it and the node gets no pod network.',
    nextCommands: ['ssh {node} ip -d addr show {bridge}', 'ssh {node} ip link delete {bridge}   # flanneld recreates it', 'kubectl -n kube-flannel delete pod -l app=flannel --field-selector spec.nodeName={node}'],
  },
  {
    id: 'flannel-plugin-subnet-env-missing',
    code: 'FLANNEL_SUBNET_ENV_MISSING', confidence: 0.92, emitter: 'cni-plugin', pluginType: 'flannel',
    source: { repo: plugin, file: 'flannel.go', format: 'failed to load flannel \'subnet.env\' file: %w. Check the flannel pod log for this node.' },
    // The cause is the %w: `open /run/flannel/subnet.env: no such file or directory`.
    pattern: /failed to load flannel 'subnet\.env' file: /,
    examples: [['open /run/flannel/subnet.env: no such file or directory']],
    explanation: 'The flannel CNI plugin reads /run/flannel/subnet.env, which flanneld writes once it has leased the node\'s subnet; it cannot be read on {node}, so flanneld is not running or has not registered there.',
    nextCommands: subnetEnvCommands,
  },
  {
    id: 'flannel-plugin-subnet-env-open-failed',
    code: 'FLANNEL_SUBNET_ENV_MISSING', confidence: 0.92, emitter: 'cni-plugin', pluginType: 'flannel',
    // Before cni-plugin 1.8 loadFlannelSubnetEnv returned os.Open's error unwrapped (Go's PathError: "open <path>: <errno>").
    source: { repo: plugin, file: 'flannel.go', ref: 'v1.2.0', format: 'open %s: %v' },
    pattern: /(?<file>\/(?:[\w.-]+\/)*flannel\/subnet\.env): no such file or directory/,
    examples: [['/run/flannel/subnet.env', 'no such file or directory']],
    explanation: 'The flannel CNI plugin reads {file}, which flanneld writes once it has leased the node\'s subnet; it does not exist on {node}, so flanneld is not running or has not registered there.',
    nextCommands: subnetEnvCommands,
  },
];
