import type { ClusterView } from '../cluster-view.js';
import type { Evidence, Finding } from '../types.js';

/**
 * Host settings kubeadm's preflight checks and kube-proxy / bridge CNIs rely on:
 * bridged pod traffic must traverse iptables (br_netfilter,
 * bridge-nf-call-iptables=1) and the node must forward IPv4 (ip_forward=1).
 */
const requiredSysctls = [
  { key: 'net.ipv4.ip_forward', confidence: 0.9, effect: 'the node does not forward packets between pods, other nodes and services' },
  { key: 'net.bridge.bridge-nf-call-iptables', confidence: 0.86, effect: 'bridged pod traffic bypasses kube-proxy\'s iptables rules, so service IPs (and kube-dns) do not work from pods' },
  { key: 'net.bridge.bridge-nf-call-ip6tables', confidence: 0.4, effect: 'bridged IPv6 pod traffic bypasses ip6tables' },
];

export function parseSysctl(text: string): Map<string, { value: string; line: string }> {
  const values = new Map<string, { value: string; line: string }>();
  for (const line of text.split('\n')) {
    const match = /^\s*([\w.\-/]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (match?.[1]) values.set(match[1].replaceAll('/', '.'), { value: match[2] ?? '', line: line.trim() });
  }
  return values;
}

/** Cilium's own devices (pkg/datapath/loader sets rp_filter = 0 on them); other CNIs choose their own values. */
const ciliumDevice = /^(?:lxc[\w]*|cilium_(?:host|net|vxlan|geneve))$/;

/** rp_filter 1 (strict) or 2 (loose) on an interface that must have it off. */
function strictReversePathFilters(sysctls: ReturnType<typeof parseSysctl> | undefined): { key: string; iface: string; value: string; line: string }[] {
  if (!sysctls) return [];
  return [...sysctls].flatMap(([key, { value, line }]) => {
    const iface = /^net\.ipv4\.conf\.([^.]+)\.rp_filter$/.exec(key)?.[1];
    return iface !== undefined && ciliumDevice.test(iface) && value !== '0' ? [{ key, iface, value, line }] : [];
  });
}

export function diagnoseKernelSettings(view: ClusterView): Finding[] {
  const findings: Finding[] = [];
  for (const [node, facts] of Object.entries(view.snapshot.nodeFacts)) {
    const sysctls = facts.sysctl === undefined ? undefined : parseSysctl(facts.sysctl);
    for (const { key, confidence, effect } of requiredSysctls) {
      const setting = sysctls?.get(key);
      if (setting && setting.value !== '1') {
        findings.push(netfilterFinding(node, confidence, [{ object: `Node ${node}`, field: 'sysctl.txt', text: setting.line }], `${key} is ${setting.value} on ${node}: ${effect}.`));
      }
    }
    for (const setting of strictReversePathFilters(sysctls)) {
      findings.push(netfilterFinding(node, 0.7, [{ object: `Node ${node}`, field: 'sysctl.txt', text: setting.line }],
        `Reverse-path filtering is on (${setting.key} = ${setting.value}) for cilium's interface ${setting.iface} on ${node}: cilium routes pod traffic asymmetrically through cilium_host and its lxc devices and needs rp_filter = 0 there, so the kernel drops pod traffic to and from outside the node (systemd >= 245 sets rp_filter = 2 on every interface).`));
    }
    // Felix before v3.19 refuses loose reverse-path filtering (projectcalico/felix dataplane/linux/int_dataplane.go:
    // "Kernel's RPF check is set to 'loose'"), and systemd >= 245 sets net.ipv4.conf.all.rp_filter = 2.
    const allRpFilter = sysctls?.get('net.ipv4.conf.all.rp_filter');
    if (allRpFilter?.value === '2' && view.cniDaemonPods().some((p) => /^calico-node-/.test(p.metadata?.name ?? ''))) {
      findings.push(netfilterFinding(node, 0.6, [{ object: `Node ${node}`, field: 'sysctl.txt', text: allRpFilter.line }],
        `Reverse-path filtering is loose (net.ipv4.conf.all.rp_filter = 2) on ${node}; calico-node's Felix before v3.19 exits on it unless IgnoreLooseRPF is set, so calico-node is not ready there.`));
    }
    const moduleLoaded = facts.modules === undefined ? undefined : /^br_netfilter\b/m.test(facts.modules);
    const bridgeKeysMissing = sysctls !== undefined && sysctls.has('net.ipv4.ip_forward') && !sysctls.has('net.bridge.bridge-nf-call-iptables');
    if (moduleLoaded === false || bridgeKeysMissing) {
      const evidence: Evidence[] = [];
      if (moduleLoaded === false) evidence.push({ object: `Node ${node}`, field: 'modules.txt', text: 'br_netfilter not listed' });
      if (bridgeKeysMissing) evidence.push({ object: `Node ${node}`, field: 'sysctl.txt', text: 'no net.bridge.bridge-nf-call-iptables key' });
      findings.push(netfilterFinding(node, bridgeKeysMissing ? 0.75 : 0.6, evidence,
        `The br_netfilter module is not loaded on ${node}, so bridged pod traffic bypasses iptables and service IPs do not work from pods.`));
    }
  }
  return findings;
}

function netfilterFinding(node: string, confidence: number, evidence: Evidence[], explanation: string): Finding {
  return {
    code: 'HOST_NETFILTER_SETTINGS', confidence, evidence, explanation,
    nextCommands: [
      `ssh ${node} "lsmod | grep br_netfilter; sysctl net.bridge.bridge-nf-call-iptables net.ipv4.ip_forward"`,
      `ssh ${node} "modprobe br_netfilter && sysctl -w net.bridge.bridge-nf-call-iptables=1 net.bridge.bridge-nf-call-ip6tables=1 net.ipv4.ip_forward=1"`,
      'persist: echo br_netfilter > /etc/modules-load.d/k8s.conf; put the three keys = 1 in /etc/sysctl.d/k8s.conf',
      'cilium on systemd >= 245: echo \'net.ipv4.conf.lxc*.rp_filter = 0\' > /etc/sysctl.d/90-cilium-rp-filter.conf && systemctl restart systemd-sysctl',
    ],
  };
}
