import { loadCniConfigDir } from '../cni-config.js';
import type { ClusterView } from '../cluster-view.js';
import { parseIpAddr, type IpInterface } from '../parse-ip-addr.js';
import type { Evidence, Finding } from '../types.js';

/** Bytes each encapsulation adds to a packet (IPv4 outer header). */
const encapsulationOverhead: Record<string, number> = { vxlan: 50, geneve: 50, ipip: 20, wireguard: 60, gre: 24 };
/** Overlay devices by name, for `ip addr` output without -d. */
const overlayNames: [RegExp, string][] = [
  [/^flannel(?:-v6)?\.\d+$|^vxlan[.-]|^cilium_vxlan$|^vxlan\.calico$|^weave$|^vxlan_sys/, 'vxlan'],
  [/^tunl0$|^cilium_ipip|^tun-/, 'ipip'],
  [/^flannel-wg|^wg|^cilium_wg|^wireguard\.cali$/, 'wireguard'],
  [/^genev_sys|^cilium_geneve$|^antrea-tun0$/, 'geneve'],
];
const podSideNames = /^(cni0|cbr0|kube-bridge|veth|cali|lxc|vethwe)/;
const underlayNames = /^(eth|ens|enp|eno|em|bond|enx|wl|p\d+p\d+)/;

/**
 * Packets leaving a pod must fit the overlay, and encapsulated packets the
 * underlay NIC: pod-side interfaces (bridge, veths) may not have a larger MTU
 * than the overlay, and the overlay not more than the underlay minus its header.
 */
export function diagnoseMtu(view: ClusterView): Finding[] {
  return Object.entries(view.snapshot.nodeFacts).flatMap(([node, facts]) => {
    if (facts.ipAddr === undefined) return [];
    const interfaces = parseIpAddr(facts.ipAddr);
    const nodeIps = (view.node(node)?.status?.addresses ?? []).map((a) => a.address);
    const underlay = interfaces.find((i) => i.addresses.some((a) => nodeIps.includes(a.split('/')[0] ?? '')))
      ?? interfaces.find((i) => underlayNames.test(i.name) && i.kind === undefined && !i.master);
    const overlay = interfaces.find((i) => overlayKind(i) !== undefined);
    // Without a recognisable NIC (a pasted excerpt, unusual names) the overlay still bounds the pod side.
    if (!underlay && !overlay) return [];
    const problems: { evidence: Evidence[]; text: string }[] = [];
    const evidenceOf = (i: IpInterface): Evidence => ({ object: `Node ${node}`, field: 'ip-addr.txt', text: i.line });

    const overhead = overlay ? encapsulationOverhead[overlayKind(overlay) ?? ''] ?? 0 : 0;
    if (overlay && underlay && overlay.mtu > underlay.mtu - overhead) {
      problems.push({ evidence: [evidenceOf(overlay), evidenceOf(underlay)], text: `${overlay.name} (MTU ${overlay.mtu}) plus its ${overhead}-byte header does not fit ${underlay.name} (MTU ${underlay.mtu})` });
    }
    const limit = overlay ?? underlay;
    if (!limit) return [];
    const podSide = interfaces.filter((i) => podSideNames.test(i.name) && i.mtu > limit.mtu).sort((a, b) => b.mtu - a.mtu)[0];
    if (podSide) problems.push({ evidence: [evidenceOf(podSide), evidenceOf(limit)], text: `${podSide.name} has MTU ${podSide.mtu}, more than ${limit.name} (MTU ${limit.mtu})` });
    const configMtu = facts.cniNetD ? loadCniConfigDir(facts.cniNetD).active?.plugins.find((p) => p.mtu !== undefined) : undefined;
    if (configMtu?.mtu !== undefined && configMtu.mtu > limit.mtu && !podSide) {
      problems.push({ evidence: [{ object: `Node ${node}`, field: 'cni-net.d', text: `"mtu": ${configMtu.mtu}` }, evidenceOf(limit)], text: `the CNI config sets MTU ${configMtu.mtu}, more than ${limit.name} (MTU ${limit.mtu})` });
    }
    // flanneld writes the MTU its pods get (FLANNEL_MTU, flannel's CNI plugin hands it to the bridge plugin) to subnet.env.
    const flannelMtuLine = /^FLANNEL_MTU=(\d+)\s*$/m.exec(facts.flannelSubnetEnv ?? '');
    const flannelMtu = flannelMtuLine ? Number(flannelMtuLine[1]) : undefined;
    if (flannelMtu !== undefined && flannelMtu > limit.mtu && !podSide && configMtu?.mtu === undefined) {
      problems.push({ evidence: [{ object: `Node ${node}`, field: 'flannel-subnet.env', text: flannelMtuLine?.[0] ?? '' }, evidenceOf(limit)], text: `flannel gives pods MTU ${flannelMtu} (FLANNEL_MTU), more than ${limit.name} (MTU ${limit.mtu})` });
    }
    return problems.map((p): Finding => ({
      code: 'MTU_MISMATCH', confidence: 0.82, evidence: p.evidence,
      explanation: `On ${node}, ${p.text}: small packets (ping, TCP handshakes) pass but full-size ones are dropped, so connections hang after connecting.`,
      nextCommands: [`ssh ${node} ip -d link`, `kubectl exec <pod> -- ping -M do -s ${limit.mtu - 28} <pod IP on another node>   # must pass`, 'set the CNI\'s MTU (flannel net-conf / calico veth_mtu / cilium mtu) to the underlay MTU minus the encapsulation header, then recreate the pods'],
    }));
  });
}

/**
 * The same overlay with different MTUs on different nodes (a jumbo-frame node among 1500-byte ones, or flanneld
 * choosing another interface on one node): packets a pod on the larger side sends are too big for the other.
 */
export function diagnoseMtuAcrossNodes(view: ClusterView): Finding[] {
  const overlays = Object.entries(view.snapshot.nodeFacts).flatMap(([node, facts]) => {
    if (facts.ipAddr === undefined) return [];
    const overlay = parseIpAddr(facts.ipAddr).find((i) => overlayKind(i) !== undefined);
    return overlay ? [{ node, overlay }] : [];
  });
  const byName = new Map<string, { node: string; overlay: IpInterface }[]>();
  for (const entry of overlays) byName.set(entry.overlay.name, [...(byName.get(entry.overlay.name) ?? []), entry]);
  return [...byName.values()].flatMap((same) => {
    const sorted = [...same].sort((a, b) => a.overlay.mtu - b.overlay.mtu);
    const [smallest] = sorted;
    const largest = sorted[sorted.length - 1];
    if (!smallest || !largest || smallest.overlay.mtu === largest.overlay.mtu) return [];
    return [{
      code: 'MTU_MISMATCH', confidence: 0.75,
      evidence: [{ object: `Node ${largest.node}`, field: 'ip-addr.txt', text: largest.overlay.line }, { object: `Node ${smallest.node}`, field: 'ip-addr.txt', text: smallest.overlay.line }],
      explanation: `${largest.overlay.name} has MTU ${largest.overlay.mtu} on ${largest.node} but ${smallest.overlay.mtu} on ${smallest.node}: full-size packets from pods on ${largest.node} do not fit the path to ${smallest.node}, so connections between them hang after connecting.`,
      nextCommands: [`ssh ${largest.node} ip -br link`, `ssh ${smallest.node} ip -br link`, 'give every node the same NIC MTU (or set the CNI\'s MTU explicitly to the smallest path MTU minus the encapsulation header), then recreate the pods'],
    } satisfies Finding];
  });
}

function overlayKind(i: IpInterface): string | undefined {
  if (i.kind && i.kind in encapsulationOverhead) return i.kind;
  return overlayNames.find(([pattern]) => pattern.test(i.name))?.[1];
}
