/**
 * Parses and validates CNI config files the way the runtimes load them (libcni):
 * files ending .conf / .json hold one network with a "type", files ending
 * .conflist hold a "name" and a "plugins" list; runtimes take them in file-name
 * order. Pure, so the SSH collector can run it on what it read as well.
 */

export const cniConfigExtensions = ['.conf', '.conflist', '.json'] as const;
/** Spec versions libcni accepts (CNI spec 0.1.0 … 1.1.0). */
export const supportedCniVersions = ['0.1.0', '0.2.0', '0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'];

export interface CniPlugin {
  type: string;
  ipamType?: string;
  /** The bridge device the bridge plugin (or flannel's bridge delegate) uses. */
  bridge?: string;
  mtu?: number;
  /** Subnets from ipam.subnet / ipam.ranges. */
  ipamSubnets: string[];
  /** host-local's usePodCidr / flannel: addresses come from the node's podCIDR. */
  usesNodePodCidr: boolean;
}

export interface CniConfigFile {
  file: string;
  format: 'conf' | 'conflist';
  name?: string;
  cniVersion?: string;
  plugins: CniPlugin[];
  /** Why a runtime rejects the file, in libcni's words where it has them; empty when loadable. */
  problems: string[];
}

export function isCniConfigFileName(file: string): boolean {
  return cniConfigExtensions.some((ext) => file.endsWith(ext));
}

export function parseCniConfigFile(file: string, content: string): CniConfigFile {
  const format = file.endsWith('.conflist') ? 'conflist' : 'conf';
  const result: CniConfigFile = { file, format, plugins: [], problems: [] };
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch (error) {
    result.problems.push(`error parsing configuration${format === 'conflist' ? ' list' : ''}: ${(error as Error).message}`);
    return result;
  }
  if (!isObject(raw)) {
    result.problems.push('error parsing configuration: not a JSON object');
    return result;
  }
  result.name = typeof raw['name'] === 'string' ? raw['name'] : undefined;
  result.cniVersion = typeof raw['cniVersion'] === 'string' ? raw['cniVersion'] : undefined;
  if (format === 'conflist') validateList(raw, result);
  else validateSingle(raw, result);
  validateVersion(result);
  return result;
}

function validateList(raw: Record<string, unknown>, result: CniConfigFile): void {
  if (result.name === undefined) result.problems.push('error parsing configuration list: no name');
  const plugins = raw['plugins'];
  if (plugins === undefined) {
    result.problems.push(`error parsing configuration list: no 'plugins' key${typeof raw['type'] === 'string' ? ' (this looks like a single .conf network; rename the file to .conf)' : ''}`);
    return;
  }
  if (!Array.isArray(plugins)) {
    result.problems.push('error parsing configuration list: invalid \'plugins\' type');
    return;
  }
  if (plugins.length === 0) result.problems.push('error parsing configuration list: no plugins in list');
  plugins.forEach((plugin, index) => {
    if (!isObject(plugin) || typeof plugin['type'] !== 'string' || plugin['type'] === '') {
      result.problems.push(`plugins[${index}]: missing 'type'`);
    } else {
      result.plugins.push(describePlugin(plugin));
    }
  });
}

function validateSingle(raw: Record<string, unknown>, result: CniConfigFile): void {
  if (typeof raw['type'] === 'string' && raw['type'] !== '') {
    result.plugins.push(describePlugin(raw));
  } else if (raw['plugins'] !== undefined) {
    result.problems.push("no 'type'; perhaps this is a .conflist? (rename the file to .conflist)");
  } else {
    result.problems.push("error parsing configuration: missing 'type'");
  }
}

function validateVersion(result: CniConfigFile): void {
  if (result.cniVersion === undefined || result.cniVersion === '') {
    result.problems.push(`cniVersion is ${result.cniVersion === '' ? 'empty' : 'missing'}: plugins reject it ("does not support config version")`);
  } else if (!supportedCniVersions.includes(result.cniVersion)) {
    result.problems.push(`unsupported CNI version "${result.cniVersion}" (known: ${supportedCniVersions.join(', ')})`);
  }
}

function describePlugin(raw: Record<string, unknown>): CniPlugin {
  const type = String(raw['type']);
  const delegate = isObject(raw['delegate']) ? raw['delegate'] : undefined;
  const ipam = isObject(raw['ipam']) ? raw['ipam'] : undefined;
  const isFlannel = type === 'flannel';
  const mtu = typeof raw['mtu'] === 'number' ? raw['mtu'] : typeof delegate?.['mtu'] === 'number' ? delegate['mtu'] : undefined;
  const bridge = typeof raw['bridge'] === 'string' ? raw['bridge']
    : typeof delegate?.['bridge'] === 'string' ? delegate['bridge']
      : type === 'bridge' || isFlannel ? 'cni0' : undefined;
  return {
    type,
    ipamType: typeof ipam?.['type'] === 'string' ? ipam['type'] : undefined,
    bridge,
    mtu,
    ipamSubnets: ipamSubnets(ipam),
    usesNodePodCidr: isFlannel || ipamUsesPodCidr(ipam),
  };
}

function ipamSubnets(ipam: Record<string, unknown> | undefined): string[] {
  if (!ipam) return [];
  const subnets: string[] = [];
  if (typeof ipam['subnet'] === 'string') subnets.push(ipam['subnet']);
  for (const rangeSet of Array.isArray(ipam['ranges']) ? ipam['ranges'] : []) {
    for (const range of Array.isArray(rangeSet) ? rangeSet : []) {
      if (isObject(range) && typeof range['subnet'] === 'string' && range['subnet'] !== 'usePodCidr') subnets.push(range['subnet']);
    }
  }
  return subnets;
}

function ipamUsesPodCidr(ipam: Record<string, unknown> | undefined): boolean {
  return JSON.stringify(ipam ?? {}).includes('usePodCidr');
}

/**
 * The binaries a config needs in the CNI bin dir: each plugin type, its IPAM
 * type, and for flannel the bridge + host-local it delegates to.
 */
export function requiredCniBinaries(config: CniConfigFile): string[] {
  const names = config.plugins.flatMap((p) => [p.type, p.ipamType ?? '', ...(p.type === 'flannel' ? ['bridge', 'host-local'] : [])]);
  return [...new Set(names.filter((n) => n !== ''))];
}

/** All config files in load order, and the one the runtime uses: the first file that loads. */
export function loadCniConfigDir(files: Record<string, string>): { all: CniConfigFile[]; active?: CniConfigFile } {
  const all = Object.keys(files).filter(isCniConfigFileName).sort().map((file) => parseCniConfigFile(file, files[file] ?? ''));
  return { all, active: all.find((c) => c.problems.length === 0) };
}

/** Binary names from `ls -1` / `ls -l` / `ls -F` output of the CNI bin dir. */
export function parseBinaryListing(listing: string): string[] {
  return listing.split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^total \d+/.test(line) && !line.endsWith(':'))
    .map((line) => (line.split(' -> ')[0] ?? '').split(/\s+/).pop() ?? '')
    .map((name) => name.replace(/[*@]$/, '').replace(/^.*\//, ''))
    .filter((name) => name !== '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
