import type { CatalogEntry } from './catalog-entry.js';
import { cniConfigCommands, iptablesBackendsCommand } from '../next-commands.js';
import { exceptNodeConditions, nodeNotReadyNow } from './runtimes.js';
import { namesPluginConfigDir } from '../rules/unexplained-failures.js';

/**
 * kubernetes/kubernetes: the kubelet's runtime-network condition, dockershim's CNI path (kubelet
 * <= 1.23, pkg/kubelet/dockershim) and kube-proxy. Read from the v1.20.2 tree the lab builds
 * (Debian's kubernetes 1.20.5+really1.20.2 source package).
 */
const repo = 'kubernetes/kubernetes';
const ref = 'v1.20.2';
/** A kubelet of the 1.2 era, as stored in the source index, for the wordings of pkg/kubelet/network/cni. */
const legacyCniRef = '01dd813ce39163dffa3f7f8694c4086a77b5ed70';
const dockershimCni = 'pkg/kubelet/dockershim/network/cni/cni.go';
const sandboxId = '5f1c9e0d2b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
const pluginErrorCommands = ['kubectl describe pod -n {namespace} {podName}', 'ssh {node} journalctl -u kubelet -u docker --since -10min | grep -i cni'];
const notReadyCommands = ['ssh {node} ls -l /etc/cni/net.d /opt/cni/bin', 'kubectl get ds -A'];
const controllerManagerLog = 'kube-system/kube-controller-manager-master-1/kube-controller-manager';
const podCidrCommands = ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr|node-cidr-mask-size"', 'kubectl -n kube-system get cm kubeadm-config -o yaml | grep -A3 networking'];
const kubeProxyCommands = ['kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50'];

export const kubernetesEntries: readonly CatalogEntry[] = [
  {
    id: 'kubelet-runtime-network-not-ready',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.55, emitter: 'kubelet',
    source: { repo, ref, file: 'pkg/kubelet/kubelet.go', format: 'Container runtime network not ready: %v' },
    // 1.21+ logs it structured: "Container runtime network not ready" networkReady="NetworkReady=false ...".
    pattern: /Container runtime network not ready\\*"?:? (?:networkReady=\\*")?(?<status>.{0,200})/,
    examples: [['NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized']],
    when: nodeNotReadyNow,
    explanation: 'The kubelet on {node} reports the container runtime network as not ready: the runtime has not loaded any CNI config.',
    nextCommands: notReadyCommands,
  },
  {
    id: 'kubelet-runtime-network-not-ready-condition',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.55, emitter: 'kubelet', nodeCondition: true,
    source: { repo, ref, file: 'pkg/kubelet/kubelet.go', format: 'runtime network not ready: %v' },
    pattern: /runtime network not ready: (?<status>.{0,200})/,
    examples: [['NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized']],
    when: nodeNotReadyNow,
    explanation: 'The kubelet on {node} reports the container runtime network as not ready: the runtime has not loaded any CNI config.',
    nextCommands: notReadyCommands,
  },
  {
    id: 'kubelet-pod-network-not-ready',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.55, emitter: 'kubelet', podEvent: 'NetworkNotReady',
    // "%s: %v" with NetworkNotReadyErrorMsg (pkg/kubelet/errors.go) = "network is not ready".
    source: { repo, ref, file: 'pkg/kubelet/kubelet.go', format: 'network is not ready: %v' },
    examples: [['runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized']],
    when: nodeNotReadyNow,
    explanation: 'The kubelet on {node} does not start {pod} because the container runtime network is not ready: the runtime has not loaded any CNI config.',
    nextCommands: notReadyCommands,
  },
  {
    id: 'dockershim-network-plugin-not-ready',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.55, emitter: 'kubelet', nodeCondition: true,
    source: { repo, ref, file: 'pkg/kubelet/dockershim/docker_service.go', format: 'docker: network plugin is not ready: %v' },
    groups: ['error'],
    pattern: /network plugin is not ready: (?<error>cni config uninitialized|[^"\\]{1,120})/,
    examples: [['cni config uninitialized']],
    when: nodeNotReadyNow,
    explanation: 'dockershim on {node} reports the pod network as not ready ({error}): no usable CNI config has been loaded.',
    nextCommands: notReadyCommands,
  },
  {
    id: 'dockershim-no-networks',
    sources: exceptNodeConditions,
    code: 'CNI_NOT_INSTALLED', confidence: 0.68, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'no networks found in %s' },
    groups: ['dir'],
    ignoreCase: true, // also "No networks found in ..." of kubelets before 1.14
    examples: [['/etc/cni/net.d']],
    // The same words from a plugin that ran, about its own config dir (multus: "GetCNIConfigFromFile: No networks found
    // in /etc/cni/multus/net.d"), are a delegate's config missing: read in sandbox-readings.ts.
    when: (match, observation, view) => nodeNotReadyNow(match, observation, view) && !namesPluginConfigDir(observation.evidence.text),
    explanation: 'The kubelet (dockershim) on {node} found no CNI config files in {dir}: no pod network add-on has put its config there yet.',
    nextCommands: ['ssh {node} ls -l {dir} /opt/cni/bin', 'kubectl get ds -A   # is a CNI DaemonSet deployed, and Ready on {node}?'],
  },
  {
    id: 'dockershim-conflist-rejected',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'Error loading CNI config list file %s: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-flannel.conflist', 'error parsing configuration list: no \'plugins\' key']],
    explanation: 'The kubelet (dockershim) on {node} cannot load {file}, so the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'dockershim-conf-is-conflist',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'Error loading CNI config file %s: no \'type\'; perhaps this is a .conflist?' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-flannel.conf']],
    explanation: 'The kubelet (dockershim) on {node} reads {file} as a single-plugin .conf, but it has no "type": it is a .conflist saved under a .conf name.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'dockershim-conflist-no-networks',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'CNI config list %s has no networks, skipping' },
    pattern: /CNI config list .{0,200}has no networks, skipping/,
    examples: [['{"name":"cbr0","cniVersion":"0.3.1","plugins":[]}']],
    explanation: 'The kubelet (dockershim) on {node} skips a CNI config list with an empty "plugins" list.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'dockershim-validating-conflist',
    code: 'CNI_CONFIG_INVALID', confidence: 0.85, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'Error validating CNI config list %s: %v' },
    pattern: /Error validating CNI config list .{0,200}: (?<error>.{1,200})/,
    examples: [['{"name":"cbr0","cniVersion":"0.4.0","plugins":[{"type":"flannel"}]}', '[plugin flannel does not support config version "0.4.0"]']],
    explanation: 'The kubelet (dockershim) on {node} rejects a CNI config list when checking it against the installed plugins: {error}',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'dockershim-needs-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.88, emitter: 'cni-plugin', pluginType: 'bridge',
    source: { repo, ref, file: dockershimCni, format: 'cni config needs ipRanges but no PodCIDR set' },
    examples: [[]],
    explanation: 'The CNI config on {node} takes its range from the node\'s podCIDR, and the node has none: the controller-manager allocates node CIDRs only with --allocate-node-cidrs and a --cluster-cidr (kubeadm: --pod-network-cidr).',
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get pod -l component=kube-controller-manager -o yaml | grep -E "allocate-node-cidrs|cluster-cidr"'],
  },
  {
    id: 'dockershim-setup-pod-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo, ref, file: 'pkg/kubelet/dockershim/network/plugins.go', format: 'networkPlugin %s failed to set up pod %q network: %v' },
    // "NetworkPlugin cni failed ..." in kubelets before 1.18.
    pattern: /networkPlugin (?<plugin>\S+) failed to set up pod \\*"[^"\\]*\\*" network: (?<message>.{1,300})/i,
    examples: [['cni', 'web-6d4cf56db6-5gq7n_default', 'example-cni: endpoint 7 not programmed yet']],
    explanation: 'The CNI plugin failed while setting up the pod network on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'dockershim-sandbox-network-failed',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo, ref, file: 'pkg/kubelet/dockershim/docker_sandbox.go', format: 'failed to set up sandbox container %q network for pod %q: %v' },
    pattern: /failed to set up sandbox container \\*"[^"\\]*\\*" network for pod \\*"[^"\\]*\\*": (?<message>.{1,300})/,
    examples: [[sandboxId, 'web-6d4cf56db6-5gq7n', 'example-cni: endpoint 7 not programmed yet']],
    explanation: 'The CNI plugin failed while setting up the pod network on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'kube-proxy-br-netfilter-missing',
    code: 'HOST_NETFILTER_SETTINGS', confidence: 0.88, emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy',
    source: { repo, ref, file: 'pkg/proxy/iptables/proxier.go', format: 'missing br-netfilter module or unset sysctl br-nf-call-iptables; proxy may not work as intended' },
    pattern: /[Mm]issing br-netfilter module or unset sysctl br-nf-call-iptables/,
    examples: [[]],
    explanation: 'kube-proxy on {node} finds br_netfilter not loaded or bridge-nf-call-iptables=0: bridged pod traffic bypasses iptables, so service IPs fail for pods on the same bridge.',
    nextCommands: ['ssh {node} "lsmod | grep br_netfilter; sysctl net.bridge.bridge-nf-call-iptables net.ipv4.ip_forward"', 'ssh {node} "modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1"   # and persist in /etc/modules-load.d, /etc/sysctl.d'],
  },
  {
    id: 'dockershim-conf-rejected',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'Error loading CNI config file %s: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-flannel.conf', 'error parsing configuration: unexpected end of JSON input']],
    explanation: 'The kubelet (dockershim) on {node} cannot load {file} and skips it; with no other loadable file the node behaves as if no CNI were installed.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'dockershim-conf-to-list-failed',
    code: 'CNI_CONFIG_INVALID', confidence: 0.88, emitter: 'kubelet',
    source: { repo, ref, file: dockershimCni, format: 'Error converting CNI config file %s to list: %v' },
    groups: ['file'],
    examples: [['/etc/cni/net.d/10-flannel.conf', 'error parsing configuration list: no name']],
    explanation: 'The kubelet (dockershim) on {node} cannot turn the single-plugin config {file} into a list and skips it.',
    nextCommands: cniConfigCommands,
  },
  {
    id: 'dockershim-no-valid-networks',
    sources: exceptNodeConditions,
    code: 'CNI_CONFIG_INVALID', confidence: 0.72, emitter: 'kubelet',
    // Files are there, but dockershim skipped every one: unloadable, or naming a plugin binary that is missing.
    source: { repo, ref, file: dockershimCni, format: 'no valid networks found in %s' },
    groups: ['dir'],
    ignoreCase: true, // "No valid networks found in ..." of kubelets before 1.14
    examples: [['/etc/cni/net.d']],
    when: nodeNotReadyNow,
    explanation: 'The kubelet (dockershim) on {node} found CNI config files in {dir} but skipped every one: a file it cannot load, or one naming a plugin binary that /opt/cni/bin lacks (the lines before this one in the kubelet log name the file and the reason).',
    nextCommands: [...cniConfigCommands, 'ssh {node} ls -l /opt/cni/bin', 'ssh {node} journalctl -u kubelet --since -10min | grep -E "Error (loading|validating|converting) CNI config"'],
  },
  {
    id: 'kubenet-no-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.9, emitter: 'runtime-sandbox',
    source: { repo, ref, file: 'pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go', format: 'kubenet does not have netConfig. This is most likely due to lack of PodCIDR' },
    examples: [[]],
    explanation: 'kubenet on {node} has no network config because the node has no spec.podCIDR: the controller-manager allocates node CIDRs only with --allocate-node-cidrs and a --cluster-cidr.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'kubenet-teardown-no-pod-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.8, emitter: 'runtime-sandbox',
    source: { repo, ref, file: 'pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go', format: 'kubenet needs a PodCIDR to tear down pods' },
    examples: [[]],
    explanation: 'kubenet on {node} cannot even tear pods down: the node has no spec.podCIDR.',
    nextCommands: podCidrCommands,
  },
  // kube-controller-manager's node IPAM (pkg/controller/nodeipam): why a node gets no spec.podCIDR.
  {
    id: 'nodeipam-cidrs-exhausted',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.92, emitter: 'daemon', daemonLog: controllerManagerLog,
    source: { repo, ref, file: 'pkg/controller/nodeipam/ipam/cidrset/cidr_set.go', format: 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range' },
    examples: [[]],
    explanation: 'kube-controller-manager has no node-sized subnet left in --cluster-cidr (the pod network CIDR is too small for the node count at --node-cidr-mask-size), so new nodes get no spec.podCIDR and their CNI cannot start.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'nodeipam-allocation-failed',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.88, emitter: 'daemon', daemonLog: controllerManagerLog,
    source: { repo, ref, file: 'pkg/controller/nodeipam/ipam/range_allocator.go', format: 'failed to allocate cidr from cluster cidr at idx:%v: %v' },
    groups: ['index', 'error'],
    examples: [['0', 'CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range']],
    explanation: 'kube-controller-manager could not allocate a pod CIDR for a node from cluster CIDR number {index} ({error}), so that node has no spec.podCIDR.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'nodeipam-node-status-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.88, emitter: 'daemon', daemonLog: controllerManagerLog,
    // Posted as an event on the Node (reason = the status) and logged by the controller-manager.
    source: { repo, ref, file: 'pkg/controller/util/node/controller_utils.go', format: 'Node %s status is now: %s' },
    groups: ['nodeName', 'status'],
    pattern: /Node (?<nodeName>\S+) status is now: (?<status>CIDRNotAvailable|CIDRAssignmentFailed)/,
    examples: [['node-2', 'CIDRNotAvailable'], ['node-2', 'CIDRAssignmentFailed']],
    explanation: 'kube-controller-manager reports {status} for node {nodeName}: it could not give the node a pod CIDR, so a CNI that uses spec.podCIDR cannot configure it.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'nodeipam-subnet-too-big',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.9, emitter: 'daemon', daemonLog: controllerManagerLog,
    source: { repo, ref, file: 'pkg/controller/nodeipam/ipam/cidrset/cidr_set.go', format: 'New CIDR set failed; the node CIDR size is too big' },
    examples: [[]],
    explanation: 'kube-controller-manager cannot split --cluster-cidr into node subnets of --node-cidr-mask-size (the node size is larger than the cluster range), so no node gets a pod CIDR.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'nodeipam-no-cluster-cidr',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.9, emitter: 'daemon', daemonLog: controllerManagerLog,
    source: { repo, ref, file: 'pkg/controller/nodeipam/node_ipam_controller.go', format: 'Controller: Must specify --cluster-cidr if --allocate-node-cidrs is set' },
    examples: [[]],
    explanation: 'kube-controller-manager runs with --allocate-node-cidrs but no --cluster-cidr (kubeadm without --pod-network-cidr), so no node gets a pod CIDR.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'nodeipam-mask-too-small',
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.9, emitter: 'daemon', daemonLog: controllerManagerLog,
    source: { repo, ref, file: 'pkg/controller/nodeipam/node_ipam_controller.go', format: 'Controller: Invalid --cluster-cidr, mask size of cluster CIDR must be less than or equal to --node-cidr-mask-size configured for CIDR family' },
    examples: [[]],
    explanation: 'kube-controller-manager\'s --cluster-cidr is smaller than one node subnet (--node-cidr-mask-size), so no node gets a pod CIDR.',
    nextCommands: podCidrCommands,
  },
  {
    id: 'kubenet-plugins-missing',
    code: 'CNI_PLUGIN_BINARY_MISSING', confidence: 0.9, emitter: 'runtime-sandbox',
    source: { repo, ref, file: 'pkg/kubelet/dockershim/network/kubenet/kubenet_linux.go', format: 'could not locate kubenet required CNI plugins %v at %q' },
    groups: ['plugins', 'path'],
    examples: [['[bridge host-local loopback]', '[/opt/cni/bin]']],
    explanation: 'kubenet on {node} needs the reference CNI plugins {plugins} in {path}, and they are not all there.',
    nextCommands: ['ssh {node} ls -l /opt/cni/bin', 'install the reference plugins (github.com/containernetworking/plugins/releases, or the kubernetes-cni package) into /opt/cni/bin'],
  },
  // The kubelet's own CNI code before dockershim (pkg/kubelet/network/cni, kubelet 1.2 – 1.9): its log lines around a plugin's error.
  {
    id: 'kubelet-cni-add-failed-legacy',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo, ref: legacyCniRef, file: 'pkg/kubelet/network/cni/cni.go', format: 'Error while adding to cni network: %s' },
    pattern: /Error while adding to cni (?:lo )?network: (?<message>.{1,300})/,
    examples: [['example-cni: endpoint 7 not programmed yet']],
    explanation: 'The CNI plugin failed while setting up the pod network on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'kubelet-cni-adding-network-legacy',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.45, emitter: 'runtime-sandbox',
    source: { repo, ref: legacyCniRef, file: 'pkg/kubelet/network/cni/cni.go', format: 'Error adding network: %v' },
    pattern: /Error adding network: (?<message>.{1,300})/,
    examples: [['example-cni: endpoint 7 not programmed yet']],
    explanation: 'The CNI plugin failed while setting up the pod network on {node}: "{message}". netcheck knows no more specific cause for this message; the plugin\'s own words are the lead.',
    nextCommands: pluginErrorCommands,
  },
  {
    id: 'kube-proxy-iptables-restore-failed',
    code: 'SERVICE_PROXY_BROKEN', confidence: 0.75, emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy',
    source: { repo, ref, file: 'pkg/proxy/iptables/proxier.go', format: 'Failed to execute iptables-restore: %v' },
    // 1.21+ logs it structured: "Failed to execute iptables-restore" err=<...>.
    pattern: /Failed to execute iptables-restore\b/,
    examples: [['exit status 1 (iptables-restore: line 7 failed)']],
    explanation: 'kube-proxy on {node} cannot write its iptables rules, so service IPs are not translated there (often iptables-legacy vs iptables-nft mixed on one host, or a missing kernel module).',
    nextCommands: [...kubeProxyCommands, iptablesBackendsCommand],
  },
  {
    id: 'kube-proxy-chain-jump-failed',
    code: 'SERVICE_PROXY_BROKEN', confidence: 0.75, emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy',
    source: { repo, ref, file: 'pkg/proxy/iptables/proxier.go', format: 'Failed to ensure that %s chain %s jumps to %s: %v' },
    groups: ['table', 'chain', 'target'],
    // 1.21+ logs it structured: "Failed to ensure chain jumps" err=... table="nat" srcChain="PREROUTING" dstChain="KUBE-SERVICES".
    pattern: /Failed to ensure that (?<table>\w+) chain (?<chain>\S+) jumps to (?<target>\S+):|Failed to ensure chain jumps\b/,
    examples: [['nat', 'PREROUTING', 'KUBE-SERVICES', 'error checking rule: exit status 2: iptables v1.8.7 (nf_tables): Could not fetch rule set generation id: Invalid argument']],
    explanation: 'kube-proxy on {node} cannot hook its chains into iptables, so service IPs are not translated there (often iptables-legacy vs iptables-nft mixed on one host, or an nft backend the kernel does not support).',
    nextCommands: [...kubeProxyCommands, iptablesBackendsCommand],
  },
  {
    id: 'kube-proxy-conntrack-missing',
    code: 'SERVICE_PROXY_BROKEN', confidence: 0.78, emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy',
    source: { repo, ref, file: 'pkg/util/conntrack/conntrack.go', format: 'error looking for path of conntrack: %v' },
    ignoreCase: true, // "Error looking for path of conntrack" in kube-proxy before 1.10
    examples: [['exec: "conntrack": executable file not found in $PATH']],
    explanation: 'kube-proxy on {node} cannot run the conntrack tool, so it never clears stale connection-tracking entries: UDP services (kube-dns) keep sending to endpoints that are gone and DNS from pods times out. Install conntrack (conntrack-tools) on the node.',
    nextCommands: ['ssh {node} "command -v conntrack || echo missing"', 'ssh {node} "apt-get install -y conntrack || yum install -y conntrack-tools"', ...kubeProxyCommands],
  },
];
