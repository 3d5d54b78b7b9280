import { parseCidrList, formatCidr } from '../../net/cidr.js';
import { findChain, parseIptablesSave, rulesMentioningCidr, type IptablesDump } from '../../net/iptables.js';
import { traceService } from '../../net/iptables-trace.js';
import type { ClusterView } from '../cluster-view.js';
import type { Finding } from '../types.js';

const legacyTablesWarning = /iptables-legacy tables present/;

/** kube-proxy's rules and the FORWARD path, read from each node's iptables-save. */
export function diagnoseIptables(view: ClusterView): Finding[] {
  const kubeProxyRuns = view.snapshot.pods.some((p) => p.metadata?.name?.startsWith('kube-proxy-'));
  // iptables-save holds the IPv4 rules: only the IPv4 pod range (of a dual-stack list) is judged here.
  const podSubnet = parseCidrList(view.knownClusterPodCidr()).filter((c) => c.family === 'ipv4').map(formatCidr).join(',') || undefined;
  return Object.entries(view.snapshot.nodeFacts).flatMap(([node, facts]) => {
    if (facts.iptablesSave === undefined) return [];
    const dump = parseIptablesSave(facts.iptablesSave);
    const findings: Finding[] = [];
    const evidence = (text: string) => [{ object: `Node ${node}`, field: 'iptables-save.txt', text }];
    const mixed = dump.warnings.find((w) => legacyTablesWarning.test(w));
    if (mixed) {
      findings.push(proxyFinding(0.6, evidence(mixed), `${node} has rules in both iptables-legacy and iptables-nft: components using the other backend (kube-proxy, the CNI) write rules the kernel path you see does not show, and service traffic breaks.`, node));
    }
    const dropAll = unconditionalFirewallDrop(dump);
    if (dropAll) {
      findings.push(proxyFinding(0.8, evidence(dropAll), `kube-proxy's KUBE-FIREWALL chain on ${node} holds a DROP rule without its mark match, so it drops every packet that passes it instead of only the marked ones: rules were saved and restored by an iptables user-space of another version or backend than the one that wrote them (a CNI or kube-proxy image vs the host's iptables).`, node));
    }
    const trace = traceService(dump, 'default/kubernetes');
    if (!trace.complete && (kubeProxyRuns || findChain(dump, 'nat', 'KUBE-SERVICES'))) {
      findings.push(proxyFinding(0.72, evidence(trace.missing.join('; ')), `The path for the kubernetes service through kube-proxy's rules is broken on ${node} (${trace.missing[0]}), so pods cannot reach service IPs there.`, node));
    }
    const blocked = forwardBlocked(dump, podSubnet);
    if (blocked) findings.push({
      code: 'POD_NETWORK_UNREACHABLE', confidence: 0.55, evidence: evidence(blocked),
      explanation: `The FORWARD chain on ${node} drops by default and no rule accepts the pod CIDR ${podSubnet}, so traffic to and from pods on other nodes is dropped.`,
      nextCommands: [`ssh ${node} "iptables -S FORWARD"`, `ssh ${node} iptables -A FORWARD -s ${podSubnet} -j ACCEPT   # or fix the CNI's own forward rules`],
    });
    return findings;
  });
}

/**
 * KUBE-FIREWALL only drops what is marked (`-m mark --mark 0x8000/0x8000 -j DROP`) or martian localnet traffic;
 * a DROP there with no match left but its comment drops everything. This is what an iptables-save / restore
 * round trip through a mismatched iptables version leaves (the mark match is lost).
 */
function unconditionalFirewallDrop(dump: IptablesDump): string | undefined {
  for (const chain of dump.chains.filter((c) => c.name === 'KUBE-FIREWALL')) {
    for (const rule of chain.rules) {
      if (rule.target !== 'DROP') continue;
      const matches = rule.args.filter((_arg, i, args) => !(args[i] === '-m' && args[i + 1] === 'comment') && !(args[i - 1] === '-m' && args[i] === 'comment')
        && args[i] !== '--comment' && args[i - 1] !== '--comment');
      if (matches.join(' ') === '-j DROP') return rule.text;
    }
  }
  return undefined;
}

/** FORWARD policy DROP, no rule naming the pod CIDR and no jump to a CNI's chains: pod traffic is dropped. */
function forwardBlocked(dump: IptablesDump, podSubnet: string | undefined): string | undefined {
  const forward = findChain(dump, 'filter', 'FORWARD');
  if (!forward || forward.policy !== 'DROP' || podSubnet === undefined) return undefined;
  const cniJump = forward.rules.some((r) => /^(FLANNEL-|cali-|WEAVE|CILIUM_)/.test(r.target ?? ''));
  if (cniJump || rulesMentioningCidr(dump, podSubnet, ['FORWARD']).length > 0) return undefined;
  return `:FORWARD DROP, no FORWARD rule for ${podSubnet}`;
}

function proxyFinding(confidence: number, evidence: Finding['evidence'], explanation: string, node: string): Finding {
  return {
    code: 'SERVICE_PROXY_BROKEN', confidence, evidence, explanation,
    nextCommands: ['kubectl -n kube-system get pods -o wide -l k8s-app=kube-proxy', 'kubectl -n kube-system logs -l k8s-app=kube-proxy --tail=50', `ssh ${node} "iptables-save -t nat | grep default/kubernetes"`],
  };
}
