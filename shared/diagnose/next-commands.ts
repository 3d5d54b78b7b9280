/** Next commands several rules suggest, written once. `{node}` is filled in by the rule's finding. */

/** What is in the node's CNI config dir, and whether each file is valid JSON. */
export const cniConfigCommands: readonly string[] = [
  'ssh {node} ls -l /etc/cni/net.d',
  'ssh {node} "for f in /etc/cni/net.d/*; do echo == $f; python3 -m json.tool $f; done"',
  'kubectl netcheck --dump DIR   # with node facts it names the file and the problem',
];

/** A host firewall that rejects or drops pod and service traffic (firewalld, iptables REJECT/DROP rules). */
export const hostFirewallCommands: readonly string[] = [
  'ssh {node} "systemctl is-active firewalld && firewall-cmd --list-all"',
  'ssh {node} "iptables-save | grep -E \'REJECT|DROP\' | head -20"',
];

/** Which iptables backend (legacy or nft) the node's tools use, and which one holds rules. */
export const iptablesBackendsCommand = 'ssh {node} "iptables --version; iptables-legacy-save | wc -l; iptables-nft-save | wc -l"';

/** Where CoreDNS's upstream comes from (the node's resolv.conf, as the kubelet hands it on), and the usual fix. */
export const dnsLoopCommands: readonly string[] = ['ssh {node} cat /etc/resolv.conf', 'kubectl get --raw /api/v1/nodes/{node}/proxy/configz | grep -o \'"resolvConf":"[^"]*"\'', 'point the kubelet\'s resolvConf at /run/systemd/resolve/resolv.conf (or real upstream servers), then: kubectl -n kube-system rollout restart deploy/coredns'];
