import { hostPortPattern, ipInRanges } from '../../net/cidr.js';
import { isCniDaemonPodName } from '../cluster-view.js';
import { isLineOfReadyPod } from '../observations.js';
import { isPodAddress } from './probe-failures.js';
import { dnsLoopCommands, hostFirewallCommands } from '../next-commands.js';
import type { TextRule } from '../text-rules.js';

const compareMtuCommand = 'ssh {node} ip -br link   # compare the MTU of the node NIC, the overlay device and cni0 with the other nodes';
const setCniMtuCommand = 'set the CNI\'s MTU to the path MTU minus its encapsulation (VXLAN: 50 bytes), then restart its pods';
/** A don't-fragment ping as large as a 1450-byte overlay allows: it must pass between pods on two nodes. */
const mtuPingCommand = 'kubectl run -it --rm mtutest --image=busybox:1.36 --restart=Never -- ping -M do -s 1422 <pod IP on another node>';

/**
 * What CoreDNS, kube-proxy, kubeadm and the CNI daemons log when the network below them is
 * wrong, for wordings not in the source catalogue (shared/diagnose/catalog/); each rule says
 * where its wording came from. Read from pod logs mostly, but the phrases are specific enough
 * to trust wherever they were found.
 */

export const daemonLogRules: readonly TextRule[] = [
  {
    // coredns/coredns plugin/loop (source not read here), as CoreDNS prints it.
    id: 'coredns-loop-detected',
    code: 'DNS_FORWARDING_LOOP',
    confidence: 0.95,
    pattern: /plugin\/loop: (?:Loop|Seen) .*(?:detected|loop)|Loop \([^)]*\) detected for zone/i,
    explanation: 'CoreDNS forwards to an upstream that resolves back to CoreDNS itself (typically nameserver 127.0.0.53 or 127.0.1.1 in the node\'s /etc/resolv.conf), so its loop plugin stops it.',
    nextCommands: dnsLoopCommands,
  },
  {
    // kubeadm preflight (cmd/kubeadm/app/preflight/checks.go: "%s contents are not set to %s"), sysctl(8)'s own
    // message, and Go's PathError for the missing file (any agent that writes it); kube-proxy's and flanneld's
    // br_netfilter messages are in the catalogue.
    id: 'host-bridge-netfilter-off',
    code: 'HOST_NETFILTER_SETTINGS',
    confidence: 0.88,
    pattern: /\/proc\/sys\/net\/(?:bridge\/bridge-nf-call-iptables|ipv4\/ip_forward) (?:contents are not set to 1|does not exist)|cannot stat \/proc\/sys\/net\/bridge\/bridge-nf-call-iptables|\/proc\/sys\/net\/bridge\/bridge-nf-call-ip6?tables: no such file or directory/,
    explanation: 'Bridged pod traffic bypasses iptables (br_netfilter not loaded or bridge-nf-call-iptables=0) or IP forwarding is off on {node}, so service IPs and pod-to-pod traffic across nodes fail.',
    nextCommands: ['ssh {node} "lsmod | grep br_netfilter; sysctl net.bridge.bridge-nf-call-iptables net.ipv4.ip_forward"', 'ssh {node} "modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1"   # and persist in /etc/modules-load.d, /etc/sysctl.d'],
  },
  {
    // Go's *PathError (io/fs: op + " " + path + ": " + err) from writing a network sysctl, as kubernetes'
    // pkg/util/sysctl/sysctl.go (ioutil.WriteFile under /proc/sys) returns it to kube-proxy's conntrack setup
    // ("Set sysctl '%v' to %v" first) and the CNI agents' forwarding setup: the host refuses a setting the
    // component needs (a read-only /proc/sys in a container node, a key the kernel made per-namespace read-only).
    id: 'network-sysctl-write-refused',
    code: 'HOST_NETFILTER_SETTINGS',
    confidence: 0.72,
    // Also its conntrack hashsize, a module parameter it writes the same way (writeIntStringFile, conntrack.go).
    pattern: /(?:open|write) (?<path>\/proc\/sys\/net\/[\w./-]+|\/sys\/module\/nf_conntrack\/parameters\/\w+): (?<error>permission denied|read-only file system|operation not permitted|operation not supported)/i,
    explanation: 'A component on {node} cannot set the kernel setting {path} ({error}) and stops or runs without it: set it on the host (or in the node container\'s parent) or configure the component not to change it (kube-proxy: conntrack.maxPerCore: 0 leaves nf_conntrack_max and the hashsize alone).',
    nextCommands: ['ssh {node} "cat {path}; mount | grep -E \' /(proc/sys|sys) \'"', 'set it on the host (sysctl -w, or echo VALUE > {path}) and persist it in /etc/sysctl.d or /etc/modprobe.d', 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=20'],
  },
  {
    // kmod's modprobe (tools/modprobe.c: "Module %s not found in directory %s") for br_netfilter: the kernel cannot load it,
    // so bridged pod traffic can never be made to traverse iptables on that node.
    id: 'br-netfilter-module-not-found',
    code: 'HOST_NETFILTER_SETTINGS',
    confidence: 0.85,
    pattern: /Module br_netfilter not found in directory (?<dir>\S+)/,
    explanation: 'The br_netfilter module cannot be loaded on {node} (not in {dir}: a kernel without it, or modules of another kernel installed), so bridged pod traffic bypasses iptables and service IPs do not work from pods.',
    nextCommands: ['ssh {node} "uname -r; ls /lib/modules"', 'install the running kernel\'s extra modules (e.g. linux-modules-extra-$(uname -r)), then: modprobe br_netfilter'],
  },
  {
    // The kernel's own warning (torvalds/linux net/netfilter/nf_conntrack_core.c: net_warn_ratelimited("%s: table full,
    // dropping packet\n") under pr_fmt "nf_conntrack: "; older kernels "nf_conntrack: table full, dropping packet", 2.6
    // "ip_conntrack: ..."): new connections through the node are dropped, probes and DNS time out at random.
    id: 'kernel-conntrack-table-full',
    code: 'HOST_NETFILTER_SETTINGS',
    confidence: 0.8,
    pattern: /\b(?:nf|ip)_conntrack: (?:nf_conntrack: )?table full, dropping packet/,
    explanation: 'The kernel on {node} drops packets because its connection-tracking table is full: new connections through the node (pod traffic, probes, DNS) fail at random. Raise net.netfilter.nf_conntrack_max (kube-proxy sets it from conntrack.maxPerCore / min) or find what opens so many connections.',
    nextCommands: ['ssh {node} "sysctl net.netfilter.nf_conntrack_count net.netfilter.nf_conntrack_max"', 'ssh {node} "conntrack -S | head; journalctl -k --since -1h | grep -c \'table full\'"', 'kubectl -n kube-system get cm kube-proxy -o yaml | grep -A4 conntrack'],
  },
  {
    // The kernel's own message (torvalds/linux net/core/neighbour.c: net_info_ratelimited("%s: neighbor table overflow!\n",
    // tbl->id) under pr_fmt "neighbour: "; tbl->id is arp_cache or ndisc_cache): neighbour entries beyond gc_thresh3 are
    // refused, so the node cannot resolve some pods' or nodes' addresses and traffic to them is lost.
    id: 'kernel-neighbour-table-overflow',
    code: 'HOST_NETFILTER_SETTINGS',
    confidence: 0.75,
    // Kernels before 4.x: "Neighbour table overflow." (no table named).
    pattern: /\bneighbour: (?<table>arp_cache|ndisc_cache): neighbor table overflow|\bNeighbour table overflow\b/,
    explanation: 'The kernel on {node} refuses new neighbour entries (its neighbour table is full): with many pods or nodes it cannot resolve some addresses and traffic to them is lost. Raise net.ipv4.neigh.default.gc_thresh1/2/3 (net.ipv6.neigh... for ndisc_cache).',
    nextCommands: ['ssh {node} "sysctl net.ipv4.neigh.default.gc_thresh1 net.ipv4.neigh.default.gc_thresh2 net.ipv4.neigh.default.gc_thresh3; ip -4 neigh | wc -l"', 'sysctl -w net.ipv4.neigh.default.gc_thresh3=16384 net.ipv4.neigh.default.gc_thresh2=8192   # and persist in /etc/sysctl.d'],
  },
  {
    // kmod's modprobe (tools/modprobe.c: "Module %s not found in directory %s") for a netfilter match, target or table
    // module (xt_multiport, xt_set, xt_socket, iptable_nat, nf_nat, ip_vs ...): iptables rules that use it cannot be
    // written, whether kube-proxy's (services), the portmap plugin's (hostPorts) or the CNI agent's.
    id: 'netfilter-module-not-found',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.62,
    // Left out: ip_vs* (kube-proxy probes for IPVS in every mode and falls back) and nf_conntrack_ipv4/6 (merged into
    // nf_conntrack in Linux 4.19: every newer kernel "lacks" it). A Ready kube-proxy's modprobe warnings are history.
    pattern: /Module (?<module>(?:xt|ipt|ip6t|nft|nf_nat|iptable|ip6table)_\w+|nf_nat|nf_tables|ip6?_tables|ip_set\w*) not found in directory (?<dir>\S+)/,
    when: (_match, observation, view) => !(/^kube-proxy-/.test(observation.pod?.name ?? '') && isLineOfReadyPod(observation, view)),
    explanation: 'The kernel module {module} cannot be loaded on {node} (not in {dir}: a kernel built without it, or modules of another kernel installed), so iptables rules that need it fail: kube-proxy\'s service rules, the portmap plugin\'s hostPort rules or the CNI agent\'s own.',
    nextCommands: ['ssh {node} "uname -r; ls /lib/modules; grep -c {module} /lib/modules/$(uname -r)/modules.dep"', 'install the running kernel\'s extra modules (e.g. linux-modules-extra-$(uname -r)) or a kernel built with it'],
  },
  {
    // The same modprobe wording for the overlay devices the CNI agents create (flannel, calico and cilium's VXLAN,
    // Geneve, WireGuard, IPIP): the agent cannot set up its tunnel on that node.
    id: 'overlay-module-not-found',
    code: 'CNI_DAEMON_NOT_READY',
    // Above "no CNI config" (0.7): the agent that would write the config cannot start its tunnel.
    confidence: 0.72,
    pattern: /Module (?<module>vxlan|geneve|wireguard|ipip|ip_gre|udp_tunnel|ip6_udp_tunnel) not found in directory (?<dir>\S+)/,
    explanation: 'The kernel module {module} cannot be loaded on {node} (not in {dir}), so the CNI agent cannot create its overlay device there and pods on {node} get no cross-node network. Use a kernel with it, or a backend that needs no tunnel (host-gw, BGP without encapsulation).',
    nextCommands: ['ssh {node} "uname -r; modprobe -n -v {module}"', 'kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={node}'],
  },
  {
    // Go's EMFILE text ("too many open files", syscall zerrors_linux) in a CNI daemon's own log: the host's file or inotify
    // limits stop the agent (kind's documented known issue with several nodes on one host).
    id: 'cni-daemon-too-many-open-files',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.66,
    sources: ['podLog'],
    pattern: /too many open files/i,
    when: (_match, observation) => isCniDaemonPodName(observation.pod?.name ?? ''),
    explanation: 'The CNI daemon {pod} on {node} runs out of file descriptors or inotify instances (the host\'s limits), so it cannot work and pods on {node} get no working network.',
    nextCommands: ['ssh {node} "sysctl fs.inotify.max_user_watches fs.inotify.max_user_instances fs.file-max"', 'sysctl -w fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512   # and persist in /etc/sysctl.d', 'kubectl delete pod -n {namespace} {podName}'],
  },
  {
    // client-go's reflector ("Failed to list %v: %v", "Failed to watch %v: %v") in kube-proxy's own log: it cannot read
    // services and endpoints, so the node's service rules are stale or were never written.
    id: 'kube-proxy-cannot-reach-api',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.6,
    sources: ['podLog'],
    pattern: /Failed to (?:list|watch) \*v1(?:beta1)?\.(?:Service|Endpoints|EndpointSlice|Node)\b/,
    when: (_match, observation) => /^kube-proxy-/.test(observation.pod?.name ?? ''),
    explanation: 'kube-proxy {pod} on {node} cannot read services and endpoints from the API server, so it does not (re)write the node\'s service rules: service IPs there are not translated or point at old endpoints.',
    nextCommands: ['kubectl -n kube-system logs {podName} --tail=50', 'kubectl -n kube-system get cm kube-proxy -o yaml | grep server:   # the API server address kube-proxy uses'],
  },
  {
    // flanneld main.go logs "Using interface with name %s and address %s"; the rule is about the value (VirtualBox NAT).
    id: 'flannel-on-virtualbox-nat',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.75,
    pattern: /Using interface with name (?<iface>\S+) and address 10\.0\.2\.15\b/,
    explanation: 'flanneld picked {iface} with 10.0.2.15, VirtualBox\'s NAT address that every VM has, so overlay packets to other nodes go nowhere and cross-node pod traffic fails.',
    nextCommands: ['kubectl -n kube-flannel edit ds kube-flannel-ds   # add --iface=<host-only NIC> to the flanneld args', 'kubectl get nodes -o wide   # INTERNAL-IP should not be 10.0.2.15 either (kubelet --node-ip)'],
  },
  {
    // CoreDNS plugin/errors around Go's net error "read udp ...: i/o timeout", as seen in CoreDNS logs.
    id: 'coredns-upstream-timeout',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.6,
    sources: ['podLog'],
    pattern: /\[ERROR\] plugin\/errors: .*read udp \[?[\da-fA-F.:]+\]?:\d+->\[?(?<upstream>[\da-fA-F.:]+?)\]?:53: i\/o timeout/,
    explanation: 'CoreDNS gets no answer from its upstream {upstream}: traffic from pods to outside the cluster is dropped (masquerading, FORWARD policy or a firewall).',
    nextCommands: ['kubectl run -it --rm dnstest --image=busybox:1.36 --restart=Never -- nslookup kubernetes.io {upstream}', 'ssh {node} "iptables-save -t nat | grep -i masq"'],
  },
  {
    // Go's net/http (src/net/http/transport.go, tlsHandshakeTimeoutError) in a pod's log: the TCP connection was
    // made (routing and service translation work) but the server's handshake reply, the first full-size packets,
    // never arrives: the classic path-MTU black hole of an overlay whose MTU is larger than the path allows.
    id: 'pod-tls-handshake-timeout',
    code: 'MTU_MISMATCH',
    confidence: 0.55,
    sources: ['podLog'],
    pattern: /net\/http: TLS handshake timeout/,
    explanation: 'A pod on {node} opens TCP connections but its TLS handshakes time out: small packets pass and full-size ones are dropped, which is what an MTU mismatch (overlay MTU, or one node\'s interface MTU differing from the others) looks like.',
    nextCommands: [compareMtuCommand, mtuPingCommand],
  },
  {
    // iputils ping (ping/ping.c: "Frag needed and DF set (mtu = %u)") and tcpdump (print-icmp.c: "unreachable - need to
    // frag (mtu %u)"): a hop on the path says the packet is larger than its MTU. Pasted probe output, or a CNI's own log.
    id: 'path-mtu-smaller',
    code: 'MTU_MISMATCH',
    confidence: 0.62,
    // ICMPv6 says the same as "packet too big" (tcpdump print-icmp6.c: "packet too big, mtu %u"), tracepath as "pmtu %d".
    pattern: /Frag needed and DF set \(mtu = (?<mtu>\d+)\)|unreachable - need to frag \(mtu (?<mtuSeen>\d+)\)|packet too big, mtu (?<mtuV6>\d+)/i,
    explanation: 'A hop between the nodes reports a path MTU smaller than the packets sent: pods or the overlay use an MTU larger than the path allows, so large packets are dropped.',
    nextCommands: [compareMtuCommand, setCniMtuCommand],
  },
  {
    // Go's net/http (tlsHandshakeTimeoutError) on a service or pod IP, wherever it is logged: the TCP connection through the
    // pod network and the service translation worked, and the first full-size packets (the server's certificate) never came.
    id: 'cluster-ip-tls-handshake-timeout',
    code: 'MTU_MISMATCH',
    // Above a daemon merely not Ready (0.6): the handshake timing out is why it is not; below the daemons' own wordings.
    confidence: 0.62,
    pattern: new RegExp(`(?:dial tcp |https://)${hostPortPattern}[^\\s"]*?:? ?(?:\\\\?"?: )?net/http: TLS handshake timeout`),
    when: (match, _observation, view) => ipInRanges(match.groups?.['ip'] ?? '', view.serviceRanges()) || isPodAddress(view, match.groups?.['ip'] ?? ''),
    explanation: 'Connections to {ip}:{port} (a service or pod IP) open, but their TLS handshakes time out on {node}: small packets pass and full-size ones are dropped, which is what an MTU mismatch (overlay MTU, or one node\'s interface MTU differing from the others) looks like.',
    nextCommands: [compareMtuCommand, mtuPingCommand],
  },
  {
    // EMSGSIZE as Go (syscall zerrors_linux: "message too long") and glibc strerror ("Message too long") word it, after
    // the call that failed: a datagram larger than the interface's MTU with fragmentation forbidden.
    id: 'send-message-too-long',
    code: 'MTU_MISMATCH',
    confidence: 0.6,
    pattern: /\b(?:write|sendmsg|sendto|send): [Mm]essage too long/,
    explanation: 'A packet sent on {node} was larger than the MTU of the interface it left by (EMSGSIZE): pods or the overlay send with an MTU larger than the path allows, so large packets are dropped.',
    nextCommands: [compareMtuCommand, setCniMtuCommand],
  },
  {
    // iputils ping (ping/ping_common.c pr_icmph): what an ICMP "destination unreachable" it received says. "Host/Net
    // Unreachable" comes from a router or the sender's own stack (no ARP answer, no route); "Packet filtered" (code 13,
    // administratively prohibited) and "Host/Net Prohibited" are a firewall's REJECT. "Port Unreachable" is left out:
    // the host answered. The same from the kernel on connect (ping: sendto / connect: No route to host, Network is unreachable).
    id: 'ping-destination-unreachable',
    code: 'POD_NETWORK_UNREACHABLE',
    confidence: 0.55,
    pattern: /(?:From \S+ icmp_seq=\d+ )?(?<error>Destination (?:Host|Net) (?:Unreachable|Prohibited)|Packet filtered)\b|ping: (?:sendto|connect)(?:\(\))?: (?<error2>No route to host|Network is unreachable)/,
    explanation: 'A ping on {node} is answered "destination unreachable" or rejected: no route, no ARP answer or a firewall REJECT on the way; if the target is a pod on another node, traffic between the nodes\' pod networks is not getting through.',
    nextCommands: ['ssh {node} ip route', ...hostFirewallCommands, 'kubectl get pods -A -o wide   # which node holds the address pinged?'],
  },
  {
    // iputils ping's local error when a probe (-M do -s N) exceeds the sending interface's MTU: the MTU of that interface is {mtu}.
    id: 'ping-message-too-long',
    code: 'MTU_MISMATCH',
    confidence: 0.5,
    pattern: /ping: local error: [Mm]essage too long, mtu=(?<mtu>\d+)/,
    explanation: 'A ping with the don\'t-fragment bit set did not fit the sending interface (MTU {mtu}): when the other side\'s MTU is larger (a jumbo-frame node, or an overlay without room for its header), large packets between them are dropped.',
    nextCommands: ['ssh {node} ip -br link', mtuPingCommand],
  },
  {
    // A loopback nameserver in a node's /etc/resolv.conf (systemd-resolved's 127.0.0.53, dnsmasq's 127.0.1.1): CoreDNS
    // forwards to it from inside its pod, where it is CoreDNS itself (coredns plugin/loop README, "Troubleshooting").
    id: 'resolv-conf-loopback-nameserver',
    code: 'DNS_FORWARDING_LOOP',
    confidence: 0.45,
    sources: ['kubeletLog', 'podLog'],
    pattern: /^\s*nameserver\s+(?<nameserver>127\.\d+\.\d+\.\d+|::1)\s*$/,
    explanation: 'A resolv.conf on {node} names the loopback resolver {nameserver}; if it is the one the kubelet gives CoreDNS (its resolvConf), CoreDNS forwards to itself and loops.',
    nextCommands: ['kubectl get --raw /api/v1/nodes/{node}/proxy/configz | grep -o \'"resolvConf":"[^"]*"\'', 'point the kubelet\'s resolvConf at /run/systemd/resolve/resolv.conf, then: kubectl -n kube-system rollout restart deploy/coredns'],
  },
  {
    // CoreDNS plugin/ready and plugin/kubernetes start-up lines, as seen in CoreDNS logs.
    id: 'coredns-waiting-for-api',
    code: 'SERVICE_PROXY_BROKEN',
    confidence: 0.5,
    sources: ['podLog'],
    pattern: /plugin\/ready: Still waiting on: \\*"kubernetes\\*"|plugin\/kubernetes: waiting for Kubernetes API/,
    explanation: 'CoreDNS has not reached the API server through the kubernetes service IP yet; until then it is not Ready. Its log usually names the address it times out on.',
    nextCommands: ['kubectl -n kube-system logs -l k8s-app=kube-dns --tail=30 | grep -E "dial tcp|timeout"', 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy'],
  },
  {
    // The API server's RBAC denial ("... is forbidden: User ... cannot ...") as client-go returns it.
    id: 'cni-daemon-forbidden',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.78,
    pattern: /is forbidden: User \\*"system:serviceaccount:(?<saNamespace>[\w-]+):(?<serviceAccount>flannel|calico-node|calico-cni-plugin|weave-net|cilium|kindnet|kube-router|antrea-agent)\\*"/,
    explanation: 'The CNI daemon\'s service account {saNamespace}/{serviceAccount} lacks the RBAC permissions it needs (its ClusterRole or binding was not applied or is outdated), so the daemon cannot start.',
    nextCommands: ['kubectl get clusterrolebinding -o wide | grep {serviceAccount}', 'kubectl auth can-i list nodes --as=system:serviceaccount:{saNamespace}:{serviceAccount}', 're-apply the provider\'s full manifest (it carries the RBAC objects)'],
  },
  {
    // How a process says it is dying, whatever it is: logrus `level=fatal`, klog's F-lines, Go's `panic: `,
    // util-linux nsenter's "failed to execute %s" (sys-utils/nsenter.c; the agents' init containers run host
    // commands through it) and the runtime's exec failures. In a CNI daemon's own log this means the agent,
    // or the init step before it, does not come up; the specific wordings in the catalogue rank above it.
    id: 'cni-daemon-log-fatal',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.6,
    sources: ['podLog'],
    // Also the other log formats the agents use: calico's "[FATAL][9] file.go 123:" / "[PANIC]", logrus' text format
    // ("FATA[0000]", weave's "FATA: 2019/02/18 ..."), JSON logs ("level":"fatal").
    pattern: /\blevel=fatal\b|^F\d{4} \d|^panic: |\[(?:FATAL|PANIC)\]\[\d+\]|(?<![\w-])FATA(?:\[\d+\]|: \d{4}\/)|\\*"level\\*":\\*"(?:fatal|panic)\\*"|failed to execute \S+: No such file or directory|executable file not found in \$PATH|exec format error/,
    when: (_match, observation) => isCniDaemonPodName(observation.pod?.name ?? ''),
    explanation: 'The CNI daemon pod {pod} on {node} logs a fatal error and exits (or its init container does); until it runs, pods on {node} get no network.',
    nextCommands: ['kubectl describe -n {namespace} pod/{podName}', 'kubectl logs -n {namespace} {podName} --all-containers --previous --tail=50'],
  },
  {
    // The kubelet's crash-loop back-off (pkg/kubelet/kuberuntime/kuberuntime_manager.go: "Back-off %s restarting failed
    // container=%s pod=%s"; structured since 1.21: "Back-off restarting failed container" ... pod="ns/name") for a CNI daemon.
    id: 'kubelet-cni-daemon-back-off',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.62,
    sources: ['kubeletLog'],
    pattern: /[Bb]ack-off (?:\S+ )?restarting failed container.*?\bpods?=\\?"?(?:(?<daemonNamespace>[\w-]+)\/)?(?<daemon>[\w.-]+?)(?:_(?<daemonNamespace2>[\w-]+)\(|\\?"|\s|$)/,
    when: (match) => isCniDaemonPodName(match.groups?.['daemon'] ?? ''),
    explanation: 'The kubelet on {node} keeps restarting the CNI daemon pod {daemon} (crash loop); until it runs, pods on {node} get no network.',
    nextCommands: ['kubectl -n kube-system describe pod {daemon}   # or its namespace, e.g. kube-flannel', 'kubectl -n kube-system logs {daemon} --all-containers --previous --tail=50'],
  },
  {
    // kubelet pod_workers "Error syncing pod" lines (observed in kubelet logs).
    id: 'kubelet-cannot-run-cni-daemon',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.5,
    sources: ['kubeletLog'],
    pattern: /Error syncing pod .*?"(?<daemon>[\w.-]+)_(?<daemonNamespace>[\w-]+)\(/,
    when: (match) => isCniDaemonPodName(match.groups?.['daemon'] ?? ''),
    explanation: 'The kubelet on {node} cannot start the CNI daemon pod {daemonNamespace}/{daemon}; until it runs, pods on {node} get no network.',
    nextCommands: ['kubectl describe -n {daemonNamespace} pod/{daemon}'],
  },
];

/**
 * What a text means for the component that printed it, besides the cause it names: read in a second
 * pass, so one log line can support both (diagnose.ts). A CNI agent that cannot reach the API server
 * cannot lease its subnet, find its peers or write its config, whatever keeps it from the API.
 */
export const daemonConsequenceRules: readonly TextRule[] = [
  {
    // client-go's reflector ("Failed to list %v: %v", "Failed to watch %v: %v"), Go's dial errors to the API ports,
    // and the agents' own wordings (cilium "Unable to contact k8s api-server", flannel "error retrieving pod spec").
    // A TLS handshake timeout is left out: the connection was made, and that reads as an MTU problem (pod-tls-handshake-timeout).
    id: 'cni-daemon-cannot-reach-api',
    code: 'CNI_DAEMON_NOT_READY',
    confidence: 0.6,
    sources: ['podLog'],
    pattern: /Failed to (?:list|watch) \*\S+: .*(?:dial tcp|i\/o timeout|no route to host|connection refused)|dial tcp \S+:(?:443|6443): (?:i\/o timeout|connect: )|Unable to contact k8s api-server|error retrieving pod spec/,
    when: (_match, observation) => isCniDaemonPodName(observation.pod?.name ?? ''),
    explanation: 'The CNI daemon {pod} on {node} cannot reach the API server, so it cannot do its work there (lease the node\'s subnet, learn its peers and routes, write the CNI config): pods on {node} get no working network until it can.',
    nextCommands: ['kubectl logs -n {namespace} {podName} --tail=50', 'kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', 'ssh {node} "curl -sk https://<kubernetes service IP>:443/version; ip route get <kubernetes service IP>"'],
  },
];
