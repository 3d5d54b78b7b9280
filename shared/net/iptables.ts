/** Parses `iptables-save` output and tells whose chains are whose. Pure. */

import { cidrsOverlap, parseCidr, parseCidrList } from './cidr.js';

export type ChainOwner =
  | 'builtin' | 'kubelet' | 'kube-proxy' | 'flannel' | 'calico' | 'weave' | 'cilium' | 'istio' | 'docker' | 'unknown';

export interface IptablesRule {
  table: string;
  chain: string;
  /** The `-A ...` line as written. */
  text: string;
  /** Its arguments after `-A CHAIN`, quotes removed. */
  args: string[];
  /** `-j` / `-g` target. */
  target?: string;
  /** `-m comment --comment` text (kube-proxy writes "ns/name:port" there). */
  comment?: string;
}

export interface IptablesChain {
  table: string;
  name: string;
  /** ACCEPT / DROP for built-in chains; undefined for user chains. */
  policy?: string;
  owner: ChainOwner;
  rules: IptablesRule[];
}

export interface IptablesDump {
  chains: IptablesChain[];
  /** `# Warning: ...` lines, e.g. iptables-nft noting that iptables-legacy tables exist too. */
  warnings: string[];
}

const builtinChains = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING']);
/** Chain owners, first match wins. Chains both kubelet and kube-proxy create are listed under the kubelet. */
const ownerPatterns: [RegExp, ChainOwner][] = [
  [/^KUBE-(FIREWALL|MARK-DROP|MARK-MASQ|KUBELET-CANARY)$/, 'kubelet'],
  [/^KUBE-(SERVICES|NODEPORTS|POSTROUTING|FORWARD|PROXY-CANARY|EXTERNAL-SERVICES|PROXY-FIREWALL|SVC-|SEP-|FW-|XLB-|SVL-|EXT-)/, 'kube-proxy'],
  [/^FLANNEL-/, 'flannel'],
  [/^cali-/, 'calico'],
  [/^WEAVE/, 'weave'],
  [/^CILIUM_/, 'cilium'],
  [/^ISTIO_/, 'istio'],
  [/^DOCKER/, 'docker'],
];

export function chainOwner(name: string): ChainOwner {
  if (builtinChains.has(name)) return 'builtin';
  return ownerPatterns.find(([pattern]) => pattern.test(name))?.[1] ?? 'unknown';
}

export function parseIptablesSave(text: string): IptablesDump {
  const chains = new Map<string, IptablesChain>();
  const warnings: string[] = [];
  let table = '';
  const chainFor = (name: string): IptablesChain => {
    const key = `${table}/${name}`;
    let chain = chains.get(key);
    if (!chain) chains.set(key, chain = { table, name, owner: chainOwner(name), rules: [] });
    return chain;
  };
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line.startsWith('#')) {
      if (/^# Warning:/.test(line)) warnings.push(line);
    } else if (line.startsWith('*')) {
      table = line.slice(1);
    } else if (line.startsWith(':')) {
      const [name = '', policy] = line.slice(1).split(/\s+/);
      const chain = chainFor(name);
      if (policy && policy !== '-') chain.policy = policy;
    } else if (line.startsWith('-A ')) {
      const [, name = '', ...args] = tokenize(line);
      chainFor(name).rules.push({ table, chain: name, text: line, args, target: optionValue(args, '-j') ?? optionValue(args, '-g'), comment: optionValue(args, '--comment') });
    }
  }
  return { chains: [...chains.values()], warnings };
}

/** Splits an iptables-save line into words; double-quoted words (comments) keep their spaces. */
export function tokenize(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)) words.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2] ?? '');
  return words;
}

export function optionValue(args: readonly string[], option: string): string | undefined {
  const index = args.indexOf(option);
  return index >= 0 ? args[index + 1] : undefined;
}

export function findChain(dump: IptablesDump, table: string, name: string): IptablesChain | undefined {
  return dump.chains.find((c) => c.table === table && c.name === name);
}

export interface OwnerSummary {
  owner: ChainOwner;
  chains: string[];
  rules: number;
}

/** Chains and rule counts grouped by who added them. */
export function summarizeByOwner(dump: IptablesDump): OwnerSummary[] {
  const byOwner = new Map<ChainOwner, OwnerSummary>();
  for (const chain of dump.chains) {
    const summary = byOwner.get(chain.owner) ?? { owner: chain.owner, chains: [], rules: 0 };
    summary.chains.push(`${chain.table}/${chain.name}`);
    summary.rules += chain.rules.length;
    byOwner.set(chain.owner, summary);
  }
  return [...byOwner.values()];
}

/**
 * Rules in the given built-in chains whose -s / -d overlaps the CIDR (e.g. the pod CIDR), or any
 * range of a dual-stack list (an iptables-save holds IPv4 rules, ip6tables-save IPv6 ones).
 */
export function rulesMentioningCidr(dump: IptablesDump, cidr: string, chains: readonly string[] = ['FORWARD', 'POSTROUTING']): IptablesRule[] {
  const ranges = parseCidrList(cidr);
  if (ranges.length === 0) return [];
  return dump.chains.filter((c) => chains.includes(c.name)).flatMap((c) => c.rules).filter((rule) =>
    ['-s', '-d', '--source', '--destination'].some((option) => {
      const value = optionValue(rule.args, option);
      const other = value ? parseCidr(value) : undefined;
      return other !== undefined && ranges.some((range) => cidrsOverlap(range, other));
    }));
}
