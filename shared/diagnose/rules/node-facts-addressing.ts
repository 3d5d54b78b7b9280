import type { V1Node } from '@kubernetes/client-node';
import type { NodeFacts } from '../../snapshot/types.js';
import { cidrContains, cidrSize, formatCidr, parseCidr, parseIpv4 } from '../../net/cidr.js';
import { loadCniConfigDir, type CniConfigFile } from '../cni-config.js';
import type { ClusterView } from '../cluster-view.js';
import { parseIpAddr } from '../parse-ip-addr.js';
import type { Finding } from '../types.js';

/** Pod addressing on each node: bridge address, host-local reservations, the node's podCIDR. */
export function diagnoseAddressing(view: ClusterView): Finding[] {
  return Object.entries(view.snapshot.nodeFacts).flatMap(([name, facts]) => {
    const node = view.node(name);
    const active = facts.cniNetD ? loadCniConfigDir(facts.cniNetD).active : undefined;
    const nodeSubnet = flannelSubnet(facts) ?? node?.spec?.podCIDR;
    return [
      ...bridgeFindings(name, facts, active, nodeSubnet),
      ...ipamFindings(view, name, facts, active, nodeSubnet),
      ...podCidrFindings(name, node, active),
    ];
  });
}

/** FLANNEL_SUBNET from /run/flannel/subnet.env, e.g. 10.244.1.1/24. */
export function flannelSubnet(facts: NodeFacts): string | undefined {
  return /^FLANNEL_SUBNET=(\S+)/m.exec(facts.flannelSubnetEnv ?? '')?.[1];
}

function bridgeFindings(node: string, facts: NodeFacts, active: CniConfigFile | undefined, nodeSubnet: string | undefined): Finding[] {
  const subnet = nodeSubnet === undefined ? undefined : parseCidr(nodeSubnet);
  if (facts.ipAddr === undefined || subnet === undefined) return [];
  const bridgeName = active?.plugins.find((p) => p.bridge)?.bridge ?? 'cni0';
  const bridge = parseIpAddr(facts.ipAddr).find((i) => i.name === bridgeName);
  const foreign = bridge?.addresses.filter((a) => {
    const ip = parseIpv4(a.split('/')[0] ?? '');
    return ip !== undefined && !cidrContains(subnet, ip);
  }) ?? [];
  if (!bridge || foreign.length === 0) return [];
  return [{
    code: 'BRIDGE_ADDRESS_CONFLICT', confidence: 0.85,
    evidence: [{ object: `Node ${node}`, field: 'ip-addr.txt', text: `${bridge.line} inet ${foreign.join(' ')}` }],
    explanation: `${bridgeName} on ${node} has ${foreign.join(', ')}, outside the node's pod subnet ${formatCidr(subnet)}: it is left over from an earlier CNI or pod CIDR, and the bridge plugin will refuse to add the right address.`,
    nextCommands: [`ssh ${node} "ip link set ${bridgeName} down && ip link delete ${bridgeName}"   # recreated on the next pod`],
  }];
}

/** Reserved addresses per host-local network from `ls -1AR /var/lib/cni/networks` (or `ls -1A .../*`). */
export function parseIpamListing(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  let network = '';
  for (const line of text.split('\n').map((l) => l.trim())) {
    const header = /^(?:\/\S*\/)?([^/\s:]+):$/.exec(line);
    if (header?.[1]) {
      network = header[1];
      counts.set(network, counts.get(network) ?? 0);
    } else if (/^\d{1,3}(\.\d{1,3}){3}$|^[0-9a-f:]+:[0-9a-f:]*$/i.test(line)) {
      counts.set(network, (counts.get(network) ?? 0) + 1);
    }
  }
  return counts;
}

function ipamFindings(view: ClusterView, node: string, facts: NodeFacts, active: CniConfigFile | undefined, nodeSubnet: string | undefined): Finding[] {
  if (facts.cniIpam === undefined) return [];
  const plugin = active?.plugins.find((p) => p.ipamSubnets.length > 0 || p.usesNodePodCidr);
  const subnets = plugin?.ipamSubnets.length ? plugin.ipamSubnets : nodeSubnet ? [nodeSubnet] : [];
  // host-local never hands out the network, broadcast and gateway addresses.
  const capacity = subnets.map(parseCidr).reduce((sum, c) => sum + (c ? Math.max(cidrSize(c) - 3, 0) : 0), 0);
  if (capacity === 0) return [];
  const podsHere = view.podsOnNode(node).filter((p) => !p.spec?.hostNetwork).length;
  return [...parseIpamListing(facts.cniIpam)].filter(([, reserved]) => reserved >= capacity).map(([network, reserved]) => ({
    code: 'IPAM_EXHAUSTED' as const, confidence: 0.88,
    evidence: [{ object: `Node ${node}`, field: 'cni-ipam.txt', text: `/var/lib/cni/networks/${network || '*'}: ${reserved} reserved addresses` }],
    explanation: `host-local has ${reserved} addresses reserved in ${subnets.join(', ')} (room for ${capacity}) on ${node}` +
      (podsHere < reserved ? `, but only ${podsHere} pods run there: reservations of deleted pods have leaked.` : '.'),
    nextCommands: [`ssh ${node} ls /var/lib/cni/networks/${network || '*'}`, `drain ${node}, remove the stale files in /var/lib/cni/networks/${network || '<network>'}/, restart the runtime`],
  }));
}

function podCidrFindings(node: string, nodeObject: V1Node | undefined, active: CniConfigFile | undefined): Finding[] {
  const needsPodCidr = active?.plugins.some((p) => p.usesNodePodCidr) ?? false;
  if (!nodeObject || !needsPodCidr || nodeObject.spec?.podCIDR) return [];
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
