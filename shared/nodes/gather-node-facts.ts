import { capLineLength } from '../files/bounded-read.js';
import type { V1Node } from '@kubernetes/client-node';
import type { NodeShell } from '../ssh/node-shell.js';
import { runBatch, type BatchResult } from './batch.js';
import type { NodeShells } from './open-shells.js';
import { forEachNode } from '../ssh/probe-nodes.js';
import { logFactKeys, type NodeFacts, type Unreadable } from '../snapshot/types.js';

type Argv = readonly string[];
type TextFact = Exclude<keyof NodeFacts, 'cniNetD' | 'flannelSubnetEnv'>;

const logLines = '300';
/** The sysctls the diagnosis reads; -e: a missing key (br_netfilter not loaded) is not an error. */
const sysctlKeys = ['net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables', 'net.ipv4.conf.all.rp_filter'];

/**
 * Each text fact and the commands that may produce it, tried in order until one
 * answers with something: journald first, then the log files of hosts without it.
 * short-iso: journal times with year and zone, so lines compare with the node's
 * Ready transition (older lines are history).
 */
export const textFactCommands: Record<TextFact, readonly Argv[]> = {
  kubeletLog: [
    ['journalctl', '-u', 'kubelet', '-n', logLines, '--no-pager', '-o', 'short-iso'],
    ['tail', '-n', logLines, '/var/log/kubelet.log'],
  ],
  runtimeLog: [
    ['journalctl', '-u', 'containerd', '-n', logLines, '--no-pager', '-o', 'short-iso'],
    ['journalctl', '-u', 'crio', '-n', logLines, '--no-pager', '-o', 'short-iso'],
    ['journalctl', '-u', 'docker', '-n', logLines, '--no-pager', '-o', 'short-iso'],
    ['tail', '-n', logLines, '/var/log/containerd.log'],
    ['tail', '-n', logLines, '/var/log/crio.log'],
  ],
  kernelLog: [
    ['journalctl', '-k', '-n', logLines, '--no-pager', '-o', 'short-iso'],
    ['tail', '-n', logLines, '/var/log/kern.log'],
  ],
  ipAddr: [['ip', '-d', 'addr', 'show']],
  ipRoute: [['ip', 'route', 'show']],
  iptablesSave: [['iptables-save']],
  sysctl: [['sysctl', '-e', ...sysctlKeys]],
  modules: [['cat', '/proc/modules']],
  cniBin: [['ls', '-l', '/opt/cni/bin']],
  // -R prints a "dir:" header before each network's reservations, even when there is one network.
  cniIpam: [['ls', '-1AR', '/var/lib/cni/networks']],
};

/**
 * Facts whose source may legitimately not exist: no /var/lib/cni/networks means
 * no host-local reservation yet (empty); no /proc/modules means a kernel without
 * loadable modules (nothing to read, and nothing wrong).
 */
const whenMissing: Partial<Record<TextFact, 'empty' | 'skip'>> = {
  cniIpam: 'empty', modules: 'skip',
  // The kernel log only adds evidence (a full conntrack table): a node with no kernel journal and no kern.log (a
  // container node) has nothing wrong; one we may not read is still reported.
  kernelLog: 'skip',
};
const missingFile = /No such file or directory/;

const cniConfDir = '/etc/cni/net.d';
const flannelSubnetEnv = '/run/flannel/subnet.env';

/** journalctl answers "-- No entries --" (exit 0) for a unit that never logged. */
function isEmptyAnswer(text: string): boolean {
  return text.trim() === '' || /^-- No entries --\s*$/m.test(text.trim());
}

/** First non-empty answer among the results of a fact's commands; undefined (with the reason) when none gave one. */
function firstAnswer(results: readonly BatchResult[]): { text?: string; reason?: string; missing?: boolean } {
  let reason = 'no output';
  let missing = false;
  for (const result of results) {
    if (result.code === 0 && !isEmptyAnswer(result.stdout)) return { text: result.stdout };
    reason = result.stderr.trim().split('\n').at(-1) || `${result.argv[0]} exited ${result.code}`;
    missing = missingFile.test(result.stderr);
  }
  return { reason, missing };
}

/** Every file of the folder with a header before each (`head -v`), in the same round trip as the listing. */
const cniConfHeadArgv = ['find', cniConfDir, '-mindepth', '1', '-maxdepth', '1', '-exec', 'head', '-v', '-c', '65536', '{}', '+'];

/** `head -v` output of several files, by file name: "==> PATH <==" opens each, a blank line parts them. Pure. */
export function parseHeadSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  const header = /(^|\n)==> (.*) <==\n/g;
  const found = [...stdout.matchAll(header)];
  found.forEach((match, i) => {
    const start = match.index + match[0].length;
    const next = found[i + 1];
    // GNU head puts a newline before every header but the first: it is not part of the file.
    const end = next ? next.index : stdout.length;
    sections.set(match[2]!.split('/').at(-1)!, stdout.slice(start, end));
  });
  return sections;
}

/**
 * Reads one node's facts over its shell in one round trip (every command and
 * every fallback at once; a second only for CNI files the first could not
 * read); what cannot be read is listed, never fatal.
 */
export async function gatherNodeFacts(shell: NodeShell): Promise<{ facts: NodeFacts; unreadable: Unreadable[] }> {
  const facts: NodeFacts = {};
  const unreadable: Unreadable[] = [];
  const textFacts = Object.entries(textFactCommands) as [TextFact, readonly Argv[]][];
  const listCni = ['ls', '-1', cniConfDir];
  const readFlannel = ['cat', flannelSubnetEnv];
  const commands = [...textFacts.flatMap(([, alternatives]) => alternatives), listCni, cniConfHeadArgv, readFlannel];
  const results = await runBatch(shell, commands, { sudo: true, timeoutMs: 30_000 });
  let next = 0;
  for (const [key, alternatives] of textFacts) {
    const { text, reason, missing } = firstAnswer(results.slice(next, next + alternatives.length));
    next += alternatives.length;
    // Logs are scanned line by line: a line of 80k characters is cut here, at read time.
    if (text !== undefined) facts[key] = logFactKeys.has(key) ? capLineLength(text) : text;
    else if (missing && whenMissing[key] === 'empty') facts[key] = '';
    else if (missing && whenMissing[key] === 'skip') continue;
    else unreadable.push({ what: `node ${shell.node}: ${alternatives.map((c) => c.join(' ')).join(' | ')}`, reason: reason ?? '' });
  }
  const [listing, heads, subnet] = results.slice(next) as [BatchResult, BatchResult, BatchResult];

  const missingDir = /No such file or directory/.test(listing.stderr);
  if (listing.code === 0 || missingDir) {
    // A folder that does not exist is "no CNI config"; one we could not list is unknown, not empty.
    const cniNetD: Record<string, string> = {};
    const read = parseHeadSections(heads.stdout);
    const names = listing.stdout.split('\n').filter(Boolean);
    const unread = names.filter((name) => !read.has(name));
    for (const name of names.filter((n) => read.has(n))) cniNetD[name] = read.get(name)!;
    const again = await runBatch(shell, unread.map((name) => ['head', '-c', '65536', `${cniConfDir}/${name}`]), { sudo: true, timeoutMs: 20_000 });
    again.forEach((content, i) => {
      if (content.code === 0) cniNetD[unread[i]!] = content.stdout;
      else unreadable.push({ what: `node ${shell.node}: ${cniConfDir}/${unread[i]}`, reason: content.stderr.trim() });
    });
    facts.cniNetD = Object.fromEntries(names.filter((n) => n in cniNetD).map((n) => [n, cniNetD[n]!]));
  } else {
    unreadable.push({ what: `node ${shell.node}: ls ${cniConfDir}`, reason: listing.stderr.trim() || `exit ${listing.code}` });
  }
  facts.flannelSubnetEnv = subnet.code === 0 ? subnet.stdout : null;
  return { facts, unreadable };
}

/** All nodes at once (each its own connection or helper pod); an unreachable node is reported and never blocks the others. */
export async function gatherAllNodeFacts(nodes: readonly V1Node[], pool: NodeShells, parallel = 32, timeoutMs = 90_000) {
  const outcomes = await forEachNode(nodes, parallel, async (node) => gatherNodeFacts(await pool.shell(node)),
    { timeoutMs, nameOf: (n) => n.metadata?.name ?? '' });
  const first = outcomes[0];
  // Helper pods refused on every node for a reason not about any node (RBAC, admission): one clear error, exit 3.
  if (pool.via === 'pod' && first && !first.ok && outcomes.every((o) => !o.ok) && !first.error.message.includes(first.name)) throw first.error;
  const nodeFacts: Record<string, NodeFacts> = {};
  const unreadable: Unreadable[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      nodeFacts[outcome.name] = outcome.value.facts;
      for (const u of outcome.value.unreadable) unreadable.push(u);
    } else {
      unreadable.push({ what: `node ${outcome.name} ${pool.via === 'pod' ? 'through a helper pod' : 'over SSH'}`, reason: outcome.error.message });
    }
  }
  // --ssh was asked for: with no node readable, the node half of the check did not happen (never an all-clear).
  if (nodes.length > 0 && Object.keys(nodeFacts).length === 0) {
    unreadable.push({ what: 'every node over SSH', reason: `none of the ${nodes.length} node(s) could be read, so no node facts were checked`, kind: 'data' });
  }
  return { nodeFacts, unreadable };
}
