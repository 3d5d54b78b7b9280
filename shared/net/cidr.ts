import ipaddr from 'ipaddr.js';

/**
 * CIDR arithmetic for pod / service / bridge checks, IPv4 and IPv6 alike (ipaddr.js
 * does the parsing). Kubernetes writes dual-stack ranges as comma-separated lists
 * (`10.96.0.0/12,fd00:10:96::/112`), so every function taking a range takes a list.
 */

export type IpFamily = 'ipv4' | 'ipv6';

export interface Cidr {
  family: IpFamily;
  /** The network address (host bits cleared). */
  address: ipaddr.IPv4 | ipaddr.IPv6;
  prefix: number;
}

/** An address in either family; IPv4-mapped IPv6 (::ffff:10.0.0.1) counts as the IPv4 address. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const trimmed = text.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (!ipaddr.isValid(trimmed)) return undefined;
  // ipaddr.js also accepts shorthand such as "10" or "10.1" as IPv4: only dotted quads are addresses here.
  if (!trimmed.includes(':') && !/^\d{1,3}(\.\d{1,3}){3}$/.test(trimmed)) return undefined;
  const ip = ipaddr.parse(trimmed);
  return ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress() ? (ip as ipaddr.IPv6).toIPv4Address() : ip;
}

/** `10.244.1.0/24`, `fd00:10:244:1::/64`, or a bare address as a /32 or /128. Host bits are cleared. */
export function parseCidr(text: string): Cidr | undefined {
  const [addressText = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return undefined;
  const ip = parseIp(addressText);
  if (ip === undefined) return undefined;
  const bits = ip.kind() === 'ipv4' ? 32 : 128;
  const prefix = prefixText === undefined ? bits : /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) return undefined;
  const network = ip.kind() === 'ipv4'
    ? ipaddr.IPv4.networkAddressFromCIDR(`${ip.toString()}/${prefix}`)
    : ipaddr.IPv6.networkAddressFromCIDR(`${ip.toString()}/${prefix}`);
  return { family: ip.kind(), address: network, prefix };
}

/** Every range of a comma-separated list; unparsable entries are left out. */
export function parseCidrList(text: string | undefined): Cidr[] {
  return (text ?? '').split(',').map((part) => parseCidr(part)).filter((c): c is Cidr => c !== undefined);
}

/** Number of addresses; IPv6 ranges beyond 2^53 are Infinity for practical purposes. */
export function cidrSize(cidr: Cidr): number {
  return 2 ** ((cidr.family === 'ipv4' ? 32 : 128) - cidr.prefix);
}

export function cidrContains(cidr: Cidr, ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return ip.kind() === cidr.family && ip.match(cidr.address as never, cidr.prefix);
}

/** Two ranges share an address (never across families). */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && (cidrContains(a, b.address) || cidrContains(b, a.address));
}

export function formatCidr(cidr: Cidr): string {
  return `${cidr.address.toString()}/${cidr.prefix}`;
}

/** Whether the address lies in the range, or in any range of a comma-separated list. */
export function ipInCidr(ip: string, cidrs: string): boolean {
  const address = parseIp(ip);
  return address !== undefined && parseCidrList(cidrs).some((range) => cidrContains(range, address));
}

/** Whether the address lies in any of the (already parsed) ranges. */
export function ipInRanges(ip: string, ranges: readonly Cidr[]): boolean {
  const address = parseIp(ip);
  return address !== undefined && ranges.some((range) => cidrContains(range, address));
}

/** Link-local (fe80::/10, 169.254/16) addresses say nothing about the pod network. */
export function isLinkLocal(ip: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  return ip.range() === 'linkLocal';
}

/**
 * An `ip:port` as Go's net package writes it, `10.96.0.1:443` or `[fd00:10:96::1]:443`,
 * with named groups ip and port; a regular-expression source to embed.
 */
export const hostPortPattern = String.raw`\[?(?<ip>\d{1,3}(?:\.\d{1,3}){3}|[\da-fA-F]*:[\da-fA-F:.]+)\]?:(?<port>\d+)`;
