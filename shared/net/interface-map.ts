import { type IpLink, parseIpJson } from './ip-json.js';

export interface PodInterface {
  name: string;
  ifindex: number;
  /** link_index: the host-side ifindex of the veth peer or of the macvlan/ipvlan parent. */
  peerIfindex?: number;
  kind?: string;
  /** CIDRs, link-local (fe80::/10) left out: they say nothing about the pod network. */
  ips: string[];
  mtu: number;
  mac?: string;
}

export interface HostInterface {
  name: string;
  ifindex: number;
  /** veth-peer: the other end of the pod's veth; parent: what the pod's macvlan/ipvlan hangs from. */
  relation: 'veth-peer' | 'parent';
  kind?: string;
  /** For a veth: the ifindex of its own peer, the M of "vethXXXX@ifM". */
  peerIfindex?: number;
  mtu: number;
  master?: string;
  masterKind?: string;
  masterMtu?: number;
}

/** An overlay device on the node (flannel.1, vxlan.calico, genev_sys_6081, ...): what cross-node traffic must fit in. */
export interface HostOverlay {
  name: string;
  kind: string;
  mtu: number;
  vni?: number;
  underlay?: string;
}

export interface InterfaceMapping {
  pod: PodInterface;
  host?: HostInterface;
  /** Why no host side was found, or why the match is doubtful. */
  note?: string;
  mtuMismatch?: string;
}

export interface InterfaceMap {
  interfaces: InterfaceMapping[];
  overlays: HostOverlay[];
}

const overlayKinds = new Set(['vxlan', 'geneve', 'ipip', 'gre', 'wireguard']);
const parentKinds = new Set(['macvlan', 'ipvlan', 'macvtap', 'vlan']);

function asLinks(input: string | readonly IpLink[], where: string): readonly IpLink[] {
  return typeof input === 'string' ? parseIpJson(input, where) : input;
}

function podSide(link: IpLink): PodInterface {
  const ips = link.addresses
    .filter((a) => !(a.family === 'inet6' && /^fe[89ab]/i.test(a.local)))
    .map((a) => `${a.local}/${a.prefixlen}`);
  const pod: PodInterface = { name: link.ifname, ifindex: link.ifindex, ips, mtu: link.mtu };
  if (link.linkIndex !== undefined) pod.peerIfindex = link.linkIndex;
  if (link.kind !== undefined) pod.kind = link.kind;
  if (link.address !== undefined) pod.mac = link.address;
  return pod;
}

function hostSide(link: IpLink, relation: HostInterface['relation'], hostLinks: readonly IpLink[]): HostInterface {
  const host: HostInterface = { name: link.ifname, ifindex: link.ifindex, relation, mtu: link.mtu };
  if (link.kind !== undefined) host.kind = link.kind;
  if (link.linkIndex !== undefined) host.peerIfindex = link.linkIndex;
  if (link.master !== undefined) {
    host.master = link.master;
    const master = hostLinks.find((l) => l.ifname === link.master);
    const masterKind = master?.kind ?? link.slaveKind;
    if (masterKind !== undefined) host.masterKind = masterKind;
    if (master !== undefined) host.masterMtu = master.mtu;
  }
  return host;
}

function mtuProblems(pod: PodInterface, host: HostInterface | undefined, overlays: readonly HostOverlay[]): string[] {
  if (host === undefined) return [];
  const problems: string[] = [];
  if (host.relation === 'veth-peer' && pod.mtu !== host.mtu) {
    problems.push(`pod ${pod.name} mtu ${pod.mtu} != host ${host.name} mtu ${host.mtu}`);
  }
  if (host.relation === 'parent' && pod.mtu > host.mtu) {
    problems.push(`pod ${pod.name} mtu ${pod.mtu} > parent ${host.name} mtu ${host.mtu}`);
  }
  if (host.masterMtu !== undefined && host.masterMtu !== host.mtu) {
    problems.push(`host ${host.name} mtu ${host.mtu} != ${host.masterKind ?? 'master'} ${host.master ?? ''} mtu ${host.masterMtu}`);
  }
  // Routed/bridged pods leave the node through the overlay; macvlan/ipvlan pods bypass it.
  if (host.relation === 'veth-peer') {
    for (const overlay of overlays.filter((o) => pod.mtu > o.mtu)) {
      problems.push(`pod ${pod.name} mtu ${pod.mtu} > ${overlay.kind} ${overlay.name} mtu ${overlay.mtu}: ` +
        `packets to other nodes larger than ${overlay.mtu} bytes are dropped or fragmented`);
    }
  }
  return problems;
}

function mapOne(link: IpLink, hostLinks: readonly IpLink[], overlays: readonly HostOverlay[]): InterfaceMapping {
  const pod = podSide(link);
  if (link.linkIndex === undefined || link.linkNetnsid === undefined) {
    const note = link.linkName !== undefined
      ? `${link.ifname} hangs from ${link.linkName} inside the pod, not from the node`
      : `${link.ifname} (${link.kind ?? 'no kind'}) has no link to another namespace, so it has no host side`;
    return { pod, note };
  }
  const match = hostLinks.find((l) => l.ifindex === link.linkIndex);
  if (match === undefined) {
    return { pod, note: `no host interface has ifindex ${link.linkIndex}; the peer may live in another namespace than the node's` };
  }
  const relation = link.kind !== undefined && parentKinds.has(link.kind) ? 'parent' : 'veth-peer';
  const host = hostSide(match, relation, hostLinks);
  const mapping: InterfaceMapping = { pod, host };
  // ifindexes are per namespace: a veth whose own peer is not this pod's ifindex is a different pair.
  if (relation === 'veth-peer' && (match.kind !== 'veth' || (match.linkIndex !== undefined && match.linkIndex !== link.ifindex))) {
    mapping.note = `host ifindex ${match.ifindex} is ${match.ifname} (${match.kind ?? 'no kind'}, peer @if${match.linkIndex ?? '?'}), ` +
      `not the other end of ${link.ifname}; the peer may live in another namespace than the node's`;
  }
  const problems = mtuProblems(pod, host, overlays);
  if (problems.length > 0) mapping.mtuMismatch = problems.join('; ');
  return mapping;
}

/**
 * Pairs each pod interface (lo skipped) with its host side, found by ifindex:
 * the pod's link_index is the host ifindex of its veth peer, or of the parent
 * a macvlan/ipvlan hangs from. Takes raw `ip -j` stdout or parsed links.
 */
export function mapPodInterfaces(podAddrJson: string | readonly IpLink[], hostLinksJson: string | readonly IpLink[]): InterfaceMap {
  const podLinks = asLinks(podAddrJson, 'the pod');
  const hostLinks = asLinks(hostLinksJson, 'the node');
  const overlays: HostOverlay[] = hostLinks
    .filter((l) => l.kind !== undefined && overlayKinds.has(l.kind))
    .map((l) => {
      const overlay: HostOverlay = { name: l.ifname, kind: l.kind ?? '', mtu: l.mtu };
      if (l.vxlan?.id !== undefined) overlay.vni = l.vxlan.id;
      const underlay = l.vxlan?.device ?? l.linkName;
      if (underlay !== undefined) overlay.underlay = underlay;
      return overlay;
    });
  const interfaces = podLinks
    .filter((l) => !l.flags.includes('LOOPBACK') && l.ifname !== 'lo')
    .map((l) => mapOne(l, hostLinks, overlays));
  return { interfaces, overlays };
}

function renderOne(m: InterfaceMapping): string {
  const pod = m.pod;
  const podText = `${pod.name}${pod.peerIfindex === undefined ? '' : `@if${pod.peerIfindex}`} ` +
    `${pod.ips.length > 0 ? pod.ips.join(',') : '(no IP)'} mtu ${pod.mtu}`;
  const host = m.host;
  let hostText = '';
  if (host?.relation === 'veth-peer') {
    hostText = ` <-> ${host.name}${host.peerIfindex === undefined ? '' : `@if${host.peerIfindex}`} mtu ${host.mtu}`;
  } else if (host?.relation === 'parent') {
    hostText = ` -> ${pod.kind ?? 'child'} of ${host.name} mtu ${host.mtu}`;
  }
  if (host?.master !== undefined) {
    hostText += ` -> ${host.masterKind ?? 'master'} ${host.master}${host.masterMtu === undefined ? '' : ` mtu ${host.masterMtu}`}`;
  }
  const extra = [m.note, m.mtuMismatch === undefined ? undefined : `MTU MISMATCH: ${m.mtuMismatch}`]
    .filter((text) => text !== undefined).map((text) => `\n    ${text}`).join('');
  return `${podText}${hostText}${extra}`;
}

/** One line per pod interface (plus indented notes), then the node's overlays. */
export function renderInterfaceMap(map: InterfaceMap): string {
  const lines = map.interfaces.map(renderOne);
  for (const o of map.overlays) {
    lines.push(`node overlay: ${o.kind} ${o.name}${o.vni === undefined ? '' : ` id ${o.vni}`} mtu ${o.mtu}` +
      `${o.underlay === undefined ? '' : ` on ${o.underlay}`}`);
  }
  return lines.join('\n');
}
