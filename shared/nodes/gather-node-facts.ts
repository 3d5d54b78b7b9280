import { capLineLength } from '../files/bounded-read.js';
import type { V1Node } from '@kubernetes/client-node';
import type { NodeShell } from '../ssh/node-shell.js';
import type { NodeShellPool } from '../ssh/node-shell-pool.js';
import { forEachNode } from '../ssh/probe-nodes.js';
import type { NodeFacts, Unreadable } from '../snapshot/types.js';

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
const whenMissing: Partial<Record<TextFact, 'empty' | 'skip'>> = { cniIpam: 'empty', modules: 'skip' };
const missingFile = /No such file or directory/;

const cniConfDir = '/etc/cni/net.d';
const flannelSubnetEnv = '/run/flannel/subnet.env';

/** journalctl answers "-- No entries --" (exit 0) for a unit that never logged. */
function isEmptyAnswer(text: string): boolean {
  return text.trim() === '' || /^-- No entries --\s*$/m.test(text.trim());
}

/** First non-empty answer of the commands; undefined (with the reason) when none gave one. */
async function readFirst(shell: NodeShell, commands: readonly Argv[]): Promise<{ text?: string; reason?: string; missing?: boolean }> {
  let reason = 'no output';
  let missing = false;
  for (const argv of commands) {
    const result = await shell.exec(argv, { sudo: true, timeoutMs: 20_000 });
    const text = result.stdout?.toString('utf8') ?? '';
    if (result.code === 0 && !isEmptyAnswer(text)) return { text };
    reason = result.stderrTail.trim().split('\n').at(-1) || `${argv[0]} exited ${result.code}`;
    missing = missingFile.test(result.stderrTail);
  }
  return { reason, missing };
}

/** Reads one node's facts over its shell; what cannot be read is listed, never fatal. */
export async function gatherNodeFacts(shell: NodeShell): Promise<{ facts: NodeFacts; unreadable: Unreadable[] }> {
  const facts: NodeFacts = {};
  const unreadable: Unreadable[] = [];
  for (const [key, commands] of Object.entries(textFactCommands) as [TextFact, readonly Argv[]][]) {
    const { text, reason, missing } = await readFirst(shell, commands);
    // Logs are scanned line by line: a line of 80k characters is cut here, at read time.
    if (text !== undefined) facts[key] = key === 'kubeletLog' || key === 'runtimeLog' ? capLineLength(text) : text;
    else if (missing && whenMissing[key] === 'empty') facts[key] = '';
    else if (missing && whenMissing[key] === 'skip') continue;
    else unreadable.push({ what: `node ${shell.node}: ${commands.map((c) => c.join(' ')).join(' | ')}`, reason: reason ?? '' });
  }

  const listing = await shell.exec(['ls', '-1', cniConfDir], { sudo: true });
  const missingDir = /No such file or directory/.test(listing.stderrTail);
  if (listing.code === 0 || missingDir) {
    // A folder that does not exist is "no CNI config"; one we could not list is unknown, not empty.
    const cniNetD: Record<string, string> = {};
    for (const file of (listing.stdout?.toString('utf8') ?? '').split('\n').filter(Boolean)) {
      const content = await shell.exec(['head', '-c', '65536', `${cniConfDir}/${file}`], { sudo: true });
      if (content.code === 0) cniNetD[file] = content.stdout?.toString('utf8') ?? '';
      else unreadable.push({ what: `node ${shell.node}: ${cniConfDir}/${file}`, reason: content.stderrTail.trim() });
    }
    facts.cniNetD = cniNetD;
  } else {
    unreadable.push({ what: `node ${shell.node}: ls ${cniConfDir}`, reason: listing.stderrTail.trim() || `exit ${listing.code}` });
  }
  const subnet = await shell.exec(['cat', flannelSubnetEnv], { sudo: true });
  facts.flannelSubnetEnv = subnet.code === 0 ? (subnet.stdout?.toString('utf8') ?? '') : null;
  return { facts, unreadable };
}

/** All nodes, a bounded number at once; an unreachable node is reported and never blocks the others. */
export async function gatherAllNodeFacts(nodes: readonly V1Node[], pool: NodeShellPool, parallel = 8, timeoutMs = 60_000) {
  const outcomes = await forEachNode(nodes, parallel, async (node) => gatherNodeFacts(await pool.shell(node)),
    { timeoutMs, nameOf: (n) => n.metadata?.name ?? '' });
  const nodeFacts: Record<string, NodeFacts> = {};
  const unreadable: Unreadable[] = [];
  for (const outcome of outcomes) {
    if (outcome.ok) {
      nodeFacts[outcome.name] = outcome.value.facts;
      for (const u of outcome.value.unreadable) unreadable.push(u);
    } else {
      unreadable.push({ what: `node ${outcome.name} over SSH`, reason: outcome.error.message });
    }
  }
  // --ssh was asked for: with no node readable, the node half of the check did not happen (never an all-clear).
  if (nodes.length > 0 && Object.keys(nodeFacts).length === 0) {
    unreadable.push({ what: 'every node over SSH', reason: `none of the ${nodes.length} node(s) could be read, so no node facts were checked`, kind: 'data' });
  }
  return { nodeFacts, unreadable };
}
