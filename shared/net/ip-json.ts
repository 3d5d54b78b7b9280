import { ExitCode, PluginError } from '../cli/errors.js';

/** Run inside the pod's network namespace (via nsenter) and on the node. */
export const ipAddrShowArgv: readonly string[] = ['ip', '-j', '-d', 'addr', 'show'];
export const ipLinkShowArgv: readonly string[] = ['ip', '-j', '-d', 'link', 'show'];

export interface IpAddress {
  family: 'inet' | 'inet6';
  local: string;
  prefixlen: number;
  scope?: string;
}

/** One interface from `ip -j -d addr|link show` (iproute2 ≥ 4.14; recorded on 6.1). */
export interface IpLink {
  ifindex: number;
  ifname: string;
  /**
   * The other end (veth) or parent (macvlan, ipvlan, vlan) when it lives in
   * another namespace: its ifindex there — the N of "eth0@ifN".
   */
  linkIndex?: number;
  /** The same, when in this namespace: iproute2 then prints its name instead. */
  linkName?: string;
  /** Which namespace linkIndex is in, as numbered by this namespace. */
  linkNetnsid?: number;
  mtu: number;
  /** MAC address; absent for tun/wireguard/ipip. */
  address?: string;
  operstate: string;
  flags: string[];
  master?: string;
  /** linkinfo.info_kind: veth, bridge, vxlan, geneve, macvlan, ipvlan, ... Undefined for physical NICs and lo. */
  kind?: string;
  /** linkinfo.info_slave_kind: the kind of its master (bridge, bond, openvswitch). */
  slaveKind?: string;
  /** For vxlan: VNI and underlay device, to show what an overlay hangs from. */
  vxlan?: { id?: number; device?: string; port?: number };
  addresses: IpAddress[];
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function toAddress(raw: unknown): IpAddress | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const entry = raw as Record<string, unknown>;
  const family = entry['family'];
  const local = optionalString(entry['local']);
  const prefixlen = optionalNumber(entry['prefixlen']);
  if ((family !== 'inet' && family !== 'inet6') || local === undefined || prefixlen === undefined) return undefined;
  const scope = optionalString(entry['scope']);
  return scope === undefined ? { family, local, prefixlen } : { family, local, prefixlen, scope };
}

function toLink(raw: Record<string, unknown>): IpLink {
  const linkinfo = (raw['linkinfo'] ?? {}) as Record<string, unknown>;
  const kind = optionalString(linkinfo['info_kind']);
  const infoData = (linkinfo['info_data'] ?? {}) as Record<string, unknown>;
  const link: IpLink = {
    ifindex: raw['ifindex'] as number,
    ifname: raw['ifname'] as string,
    mtu: optionalNumber(raw['mtu']) ?? 0,
    operstate: optionalString(raw['operstate']) ?? 'UNKNOWN',
    flags: Array.isArray(raw['flags']) ? raw['flags'].filter((flag): flag is string => typeof flag === 'string') : [],
    addresses: Array.isArray(raw['addr_info']) ? raw['addr_info'].map(toAddress).filter((a) => a !== undefined) : [],
  };
  const optional: Partial<IpLink> = {
    linkIndex: optionalNumber(raw['link_index']),
    linkName: optionalString(raw['link']),
    linkNetnsid: optionalNumber(raw['link_netnsid']),
    address: optionalString(raw['address']),
    master: optionalString(raw['master']),
    kind,
    slaveKind: optionalString(linkinfo['info_slave_kind']),
    vxlan: kind === 'vxlan'
      ? { id: optionalNumber(infoData['id']), device: optionalString(infoData['link']), port: optionalNumber(infoData['port']) }
      : undefined,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) (link as unknown as Record<string, unknown>)[key] = value;
  }
  return link;
}

/**
 * Parses `ip -j [-d] addr show` or `ip -j [-d] link show`. `where` names the
 * namespace for errors ("pod default/web", "node worker-1").
 */
export function parseIpJson(stdout: string, where: string): IpLink[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.trim() === '' ? '[]' : stdout);
  } catch (error) {
    throw new PluginError(
      `the interface list of ${where} (ip -j) is not JSON: ${(error as Error).message}`,
      ExitCode.couldNotCheck,
      'iproute2 before 4.14 has no JSON output; install a newer iproute2 on the node, or run ip addr there by hand',
      { cause: error },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new PluginError(`the interface list of ${where} (ip -j) is not a JSON array`, ExitCode.couldNotCheck,
      'run ip -j -d addr show on the node by hand to see what it prints');
  }
  // Skip entries without ifindex/ifname: some older iproute2 releases printed {} for links filtered out by -4/-6.
  return parsed
    .filter((raw): raw is Record<string, unknown> =>
      typeof raw === 'object' && raw !== null && typeof raw.ifindex === 'number' && typeof raw.ifname === 'string')
    .map(toLink);
}
