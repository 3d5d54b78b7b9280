/** IPv4 CIDR arithmetic, enough for pod / service / bridge checks. IPv6 parses to undefined. */

export interface Ipv4Cidr {
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.trim().split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** `10.244.1.0/24`, or a bare address as a /32. Host bits are cleared. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const [address = '', prefixText] = text.trim().split('/');
  const ip = parseIpv4(address);
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  if (ip === undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  return { base: Math.floor(ip / size) * size, prefix };
}

export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function cidrContains(cidr: Ipv4Cidr, ip: number): boolean {
  return ip >= cidr.base && ip < cidr.base + cidrSize(cidr);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return cidrContains(a, b.base) || cidrContains(b, a.base);
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

export function ipInCidr(ip: string, cidr: string): boolean {
  const address = parseIpv4(ip);
  const range = parseCidr(cidr);
  return address !== undefined && range !== undefined && cidrContains(range, address);
}
