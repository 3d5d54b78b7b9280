import type { IpLink } from '../../shared/net/ip-json.js';

/** vxlan over IPv4: outer IP 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
export const vxlanOverhead = 50;

export interface NodeLinks {
  node: string;
  links: readonly IpLink[];
}

export interface PreflightInput {
  ifname: string;
  vni: number;
  port: number;
  /** The pod's host-side interface and its MTU. */
  hostIface: { name: string; mtu: number };
  source: NodeLinks & { underlay: string };
  dest?: NodeLinks & { underlay: string };
}

export interface PreflightResult {
  problems: string[];
  warnings: string[];
}

/** Checks made before touching anything; problems stop the tap, warnings are printed. Pure. */
export function preflight(input: PreflightInput): PreflightResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const nodes = [input.source, ...(input.dest ? [input.dest] : [])];
  const tooSmall: { node: string; underlay: string; mtu: number }[] = [];
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(input.ifname)) problems.push(`--ifname "${input.ifname}" is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)`);
  for (const { node, links, underlay } of nodes) {
    if (links.some((l) => l.ifname === input.ifname)) problems.push(`node ${node} already has an interface named ${input.ifname} (another tap? kubectl tap --list)`);
    for (const l of links.filter((x) => x.kind === 'vxlan')) {
      if (l.vxlan?.id === input.vni && (l.vxlan.port ?? 4789) === input.port) {
        problems.push(`node ${node}: ${l.ifname} already uses VNI ${input.vni} on UDP ${input.port}; pick another --vxlan-id`);
      } else if ((l.vxlan?.port ?? 0) === input.port) {
        problems.push(`node ${node}: the overlay ${l.ifname} (VNI ${l.vxlan?.id}) already listens on UDP ${input.port}; pick another --vxlan-port (flannel uses 8472, calico vxlan 4789)`);
      }
    }
    const underlayLink = links.find((l) => l.ifname === underlay);
    if (!underlayLink) problems.push(`node ${node}: underlay interface ${underlay} not found`);
    else if (underlayLink.mtu < input.hostIface.mtu + vxlanOverhead) tooSmall.push({ node, underlay, mtu: underlayLink.mtu });
  }
  // Said once for the tunnel (the smallest underlay decides), with what it means for the capture.
  const narrowest = tooSmall.sort((a, b) => a.mtu - b.mtu)[0];
  if (narrowest) {
    warnings.push(`frames over ${narrowest.mtu - vxlanOverhead} bytes are not mirrored: VXLAN adds ${vxlanOverhead} bytes and ${narrowest.underlay} on ${narrowest.node} has MTU ${narrowest.mtu} (the pod's ${input.hostIface.name} allows ${input.hostIface.mtu}); smaller frames, most of a capture, are complete`);
  }
  return { problems, warnings };
}

/** The interface that holds the node's own address: where the tunnel's packets leave. */
export function underlayFor(links: readonly IpLink[], address: string): string | undefined {
  return links.find((l) => l.addresses.some((a) => a.local === address))?.ifname;
}
