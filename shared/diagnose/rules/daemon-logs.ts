import { isCniDaemonPodName } from '../cluster-view.js';
import type { TextRule } from '../text-rules.js';

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
    nextCommands: ['ssh {node} cat /etc/resolv.conf', 'kubectl get --raw /api/v1/nodes/{node}/proxy/configz | grep -o \'"resolvConf":"[^"]*"\'', 'point the kubelet\'s resolvConf at /run/systemd/resolve/resolv.conf (or real upstream servers), then: kubectl -n kube-system rollout restart deploy/coredns'],
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
    pattern: /\[ERROR\] plugin\/errors: .*read udp [\d.:]+->(?<upstream>[\d.]+):53: i\/o timeout/,
    explanation: 'CoreDNS gets no answer from its upstream {upstream}: traffic from pods to outside the cluster is dropped (masquerading, FORWARD policy or a firewall).',
    nextCommands: ['kubectl run -it --rm dnstest --image=busybox:1.36 --restart=Never -- nslookup kubernetes.io {upstream}', 'ssh {node} "iptables-save -t nat | grep -i masq"'],
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
