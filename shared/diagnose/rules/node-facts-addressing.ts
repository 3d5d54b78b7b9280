import type { V1Node } from '@kubernetes/client-node';
import type { NodeFacts } from '../../snapshot/types.js';
import { cidrContains, cidrSize, formatCidr, isLinkLocal, parseCidrList, parseIp, type IpFamily } from '../../net/cidr.js';
import { loadCniConfigDir, type CniConfigFile } from '../cni-config.js';
import type { ClusterView } from '../cluster-view.js';
import { parseIpAddr } from '../parse-ip-addr.js';
import type { Finding } from '../types.js';

/** Pod addressing on each node: bridge address, host-local reservations, the node's podCIDR. */
export function diagnoseAddressing(view: ClusterView): Finding[] {
  return Object.entries(view.snapshot.nodeFacts).flatMap(([name, facts]) => {
    const node = view.node(name);
    const active = facts.cniNetD ? loadCniConfigDir(facts.cniNetD).active : undefined;
    const nodeSubnet = nodePodSubnets(facts, node);
    return [
      ...bridgeFindings(name, facts, active, nodeSubnet),
      ...ipamFindings(view, name, facts, active, nodeSubnet),
      ...podCidrFindings(name, node, active),
    ];
  });
}

/**
 * The node's pod ranges, one per family: flannel's leases (FLANNEL_SUBNET, FLANNEL_IPV6_SUBNET)
 * where subnet.env says, else spec.podCIDRs (dual-stack) / spec.podCIDR. A comma-separated list.
 */
function nodePodSubnets(facts: NodeFacts, node: V1Node | undefined): string | undefined {
  const fromFlannel = [flannelSubnet(facts), /^FLANNEL_IPV6_SUBNET=(\S+)/m.exec(facts.flannelSubnetEnv ?? '')?.[1]].filter((s) => s !== undefined);
  const fromNode = node?.spec?.podCIDRs?.length ? node.spec.podCIDRs : node?.spec?.podCIDR ? [node.spec.podCIDR] : [];
  const families = new Set(fromFlannel.map((s) => s.includes(':')));
  const merged = [...fromFlannel, ...fromNode.filter((s) => !families.has(s.includes(':')))];
  return merged.length > 0 ? merged.join(',') : undefined;
}

/** FLANNEL_SUBNET from /run/flannel/subnet.env, e.g. 10.244.1.1/24. */
export function flannelSubnet(facts: NodeFacts): string | undefined {
  return /^FLANNEL_SUBNET=(\S+)/m.exec(facts.flannelSubnetEnv ?? '')?.[1];
}

function bridgeFindings(node: string, facts: NodeFacts, active: CniConfigFile | undefined, nodeSubnet: string | undefined): Finding[] {
  const subnets = parseCidrList(nodeSubnet);
  if (facts.ipAddr === undefined || subnets.length === 0) return [];
  const bridgeName = active?.plugins.find((p) => p.bridge)?.bridge ?? 'cni0';
  const bridge = parseIpAddr(facts.ipAddr).find((i) => i.name === bridgeName);
  // An address is foreign when the node has a pod range of its family and the address lies outside it.
  const foreign = bridge?.addresses.filter((a) => {
    const ip = parseIp(a.split('/')[0] ?? '');
    if (ip === undefined || isLinkLocal(ip)) return false;
    const sameFamily = subnets.filter((s) => s.family === ip.kind());
    return sameFamily.length > 0 && !sameFamily.some((s) => cidrContains(s, ip));
  }) ?? [];
  if (!bridge || foreign.length === 0) return [];
  const shown = subnets.map(formatCidr).join(', ');
  return [{
    code: 'BRIDGE_ADDRESS_CONFLICT', confidence: 0.85,
    evidence: [{ object: `Node ${node}`, field: 'ip-addr.txt', text: `${bridge.line} inet ${foreign.join(' ')}` }],
    explanation: `${bridgeName} on ${node} has ${foreign.join(', ')}, outside the node's pod subnet ${shown}: it is left over from an earlier CNI or pod CIDR, and the bridge plugin will refuse to add the right address.`,
    nextCommands: [`ssh ${node} "ip link set ${bridgeName} down && ip link delete ${bridgeName}"   # recreated on the next pod`],
  }];
}

/** Reserved addresses per host-local network and family, from `ls -1AR /var/lib/cni/networks` (or `ls -1A .../*`). */
export function parseIpamListing(text: string): Map<string, Record<IpFamily, number>> {
  const counts = new Map<string, Record<IpFamily, number>>();
  let network = '';
  const entry = (name: string) => counts.get(name) ?? counts.set(name, { ipv4: 0, ipv6: 0 }).get(name)!;
  for (const line of text.split('\n').map((l) => l.trim())) {
    const header = /^(?:\/\S*\/)?([^/\s:]+):$/.exec(line);
    if (header?.[1]) {
      network = header[1];
      entry(network);
      continue;
    }
    // host-local names each reservation file after the address it holds.
    const ip = parseIp(line);
    if (ip !== undefined) entry(network)[ip.kind()] += 1;
  }
  return counts;
}

function ipamFindings(view: ClusterView, node: string, facts: NodeFacts, active: CniConfigFile | undefined, nodeSubnet: string | undefined): Finding[] {
  if (facts.cniIpam === undefined) return [];
  const plugin = active?.plugins.find((p) => p.ipamSubnets.length > 0 || p.usesNodePodCidr);
  const subnets = (plugin?.ipamSubnets.length ? plugin.ipamSubnets : nodeSubnet ? [nodeSubnet] : []).flatMap((s) => parseCidrList(s));
  // host-local never hands out the network, broadcast and gateway addresses; each family is its own pool.
  const capacity = (family: IpFamily) => subnets.filter((c) => c.family === family).reduce((sum, c) => sum + Math.max(cidrSize(c) - 3, 0), 0);
  const podsHere = view.podsOnNode(node).filter((p) => !p.spec?.hostNetwork).length;
  return [...parseIpamListing(facts.cniIpam)].flatMap(([network, reserved]) => (['ipv4', 'ipv6'] as const)
    .filter((family) => capacity(family) > 0 && reserved[family] >= capacity(family))
    .map((family) => {
      const room = capacity(family);
      const used = reserved[family];
      const ranges = subnets.filter((c) => c.family === family).map(formatCidr).join(', ');
      return {
        code: 'IPAM_EXHAUSTED' as const, confidence: 0.88,
        evidence: [{ object: `Node ${node}`, field: 'cni-ipam.txt', text: `/var/lib/cni/networks/${network || '*'}: ${used} reserved ${family === 'ipv6' ? 'IPv6 ' : ''}addresses` }],
        explanation: `host-local has ${used} addresses reserved in ${ranges} (room for ${room}) on ${node}` +
          (podsHere < used ? `, but only ${podsHere} pods run there: reservations of deleted pods have leaked.` : '.'),
        nextCommands: [`ssh ${node} ls /var/lib/cni/networks/${network || '*'}`, `drain ${node}, remove the stale files in /var/lib/cni/networks/${network || '<network>'}/, restart the runtime`],
      };
    }));
}

function podCidrFindings(node: string, nodeObject: V1Node | undefined, active: CniConfigFile | undefined): Finding[] {
  const needsPodCidr = active?.plugins.some((p) => p.usesNodePodCidr) ?? false;
  if (!nodeObject || !needsPodCidr || nodeObject.spec?.podCIDR || nodeObject.spec?.podCIDRs?.length) return [];
  return [{
    code: 'POD_CIDR_NOT_ASSIGNED', confidence: 0.75,
    evidence: [
      { object: `Node ${node}`, field: 'spec.podCIDR', text: '(not set)' },
      { object: `Node ${node}`, field: `cni-net.d/${active?.file}`, text: 'addresses come from the node\'s podCIDR' },
    ],
    explanation: `${active?.file} takes pod addresses from the node's podCIDR, but ${node} has none: kubeadm init was run without --pod-network-cidr, or the range is too small for all nodes.`,
    nextCommands: ['kubectl get nodes -o custom-columns=NAME:.metadata.name,PODCIDR:.spec.podCIDR', 'kubectl -n kube-system get cm kubeadm-config -o yaml | grep podSubnet'],
  }];
}
