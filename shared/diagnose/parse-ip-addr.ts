/** Parses `ip addr` / `ip -d addr` text output (iproute2). */

export interface IpInterface {
  index: number;
  name: string;
  /** The `@if3` / `@eth0` peer or parent. */
  link?: string;
  flags: string[];
  mtu: number;
  /** The bridge it is enslaved to (`master cni0`). */
  master?: string;
  /** From `ip -d`: vxlan, bridge, veth, ipip, geneve, wireguard ...; undefined without -d. */
  kind?: string;
  /** `10.244.1.1/24` style, IPv4 and IPv6. */
  addresses: string[];
  /** The interface's header line, verbatim, for evidence. */
  line: string;
}

const header = /^(\d+):\s+([^:@\s]+)(?:@(\S+))?:\s+<([^>]*)>\s+mtu\s+(\d+)(.*)$/;
const detailKinds = /^(vxlan|bridge|veth|ipip|geneve|wireguard|gre|gretap|tun|dummy|macvlan|ipvlan|vlan|bond)\b/;

export function parseIpAddr(text: string): IpInterface[] {
  const interfaces: IpInterface[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trimEnd();
    const head = header.exec(line);
    if (head) {
      interfaces.push({
        index: Number(head[1]),
        name: head[2] ?? '',
        link: head[3],
        flags: (head[4] ?? '').split(','),
        mtu: Number(head[5]),
        master: /\bmaster (\S+)/.exec(head[6] ?? '')?.[1],
        addresses: [],
        line,
      });
      continue;
    }
    const current = interfaces.at(-1);
    if (!current) continue;
    const trimmed = line.trim();
    const address = /^inet6? (\S+)/.exec(trimmed);
    if (address?.[1]) current.addresses.push(address[1]);
    const kind = detailKinds.exec(trimmed);
    if (kind && current.kind === undefined && !trimmed.startsWith('bridge_slave')) current.kind = kind[1];
  }
  return interfaces;
}
