import { ExitCode, PluginError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import { parseIptablesSave, rulesMentioningCidr, summarizeByOwner, type IptablesDump } from '../../shared/net/iptables.js';
import { traceService, type ServiceTrace } from '../../shared/net/iptables-trace.js';
import type { ClusterPodCidr } from '../../shared/diagnose/cluster-cidr.js';
import type { NetcheckArgs } from './command.js';
import { escapeControl } from '../../shared/cli/safe-text.js';
import { writeOutput } from '../../shared/cli/output.js';
import { ClusterView } from '../../shared/diagnose/cluster-view.js';
import type { ClusterSnapshot } from '../../shared/snapshot/types.js';

/** The iptables view as data: what -o json/yaml print and the text view renders. */
export interface IptablesView {
  node: string;
  podCidr: string;
  podCidrSource: ClusterPodCidr['source'] | 'default: flannel\'s 10.244.0.0/16';
  owners: ReturnType<typeof summarizeByOwner>;
  podCidrRules: { table: string; chain: string; rule: string }[];
  warnings: string[];
  service?: ServiceTrace;
}

const defaultPodCidr = { cidr: '10.244.0.0/16', source: 'default: flannel\'s 10.244.0.0/16' } as const;

export function buildIptablesView(node: string, dump: IptablesDump, clusterCidr: ClusterPodCidr | undefined, service?: string): IptablesView {
  const { cidr: podCidr, source: podCidrSource } = clusterCidr ?? defaultPodCidr;
  return {
    node,
    podCidr,
    podCidrSource,
    owners: summarizeByOwner(dump).filter((o) => o.owner !== 'builtin' || o.rules > 0),
    podCidrRules: rulesMentioningCidr(dump, podCidr).map((r) => ({ table: r.table, chain: r.chain, rule: r.text })),
    warnings: dump.warnings,
    ...(service && { service: traceService(dump, service) }),
  };
}

export function renderIptablesView(view: IptablesView): string {
  const lines = [`iptables on node ${view.node}, chains by who added them:`];
  for (const o of view.owners) {
    lines.push(`  ${o.owner.padEnd(11)} ${String(o.chains.length).padStart(3)} chains ${String(o.rules).padStart(5)} rules  ${o.chains.slice(0, 6).join(' ')}${o.chains.length > 6 ? ' ...' : ''}`);
  }
  lines.push('', `FORWARD/POSTROUTING rules for the pod CIDR ${view.podCidr} (${view.podCidrSource}):`);
  if (view.podCidrRules.length === 0) lines.push('  none (pod traffic relies on the chains\' default policy)');
  for (const r of view.podCidrRules) lines.push(`  ${r.table}: ${r.rule}`);
  for (const w of view.warnings) lines.push(`warning: ${w}`);
  if (view.service) {
    const s = view.service;
    lines.push('', `service ${s.service}: ${s.complete ? 'KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP -> DNAT complete' : 'path BROKEN'}`);
    for (const p of s.ports) {
      lines.push(`  ${p.portName} ${p.clusterIp ?? '?'} -> ${p.serviceChain ?? '(no KUBE-SVC chain)'}`);
      for (const e of p.endpoints) lines.push(`    -> ${e.chain} -> DNAT ${e.dnatTo ?? '(none)'}`);
    }
    for (const m of s.missing) lines.push(`  missing: ${m}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `kubectl netcheck iptables NODE` on the snapshot the verdict reads: from --dump, else the cluster and that node. */
export async function runIptablesView(args: NetcheckArgs, snapshot: ClusterSnapshot, io: Io): Promise<number> {
  const node = args.iptablesNode!;
  const text = snapshot.nodeFacts[node]?.iptablesSave;
  if (text === undefined) throw missingRules(args, snapshot, node);
  const clusterCidr = new ClusterView(snapshot).clusterPodCidr();
  const view = buildIptablesView(node, parseIptablesSave(text), clusterCidr, args.service);
  await writeOutput(io, args.output, view, renderIptablesView);
  return view.service && !view.service.complete ? 1 : 0;
}

/** Why there are no rules to show: not in the bundle, no such node, or the node could not be read. */
function missingRules(args: NetcheckArgs, snapshot: ClusterSnapshot, node: string): PluginError {
  const name = escapeControl(node);
  if (args.dump !== undefined) {
    return new PluginError(`no iptables-save.txt for node ${name} in ${escapeControl(args.dump)}`, 1, 'collect one with: kubectl netcheck --ssh --save-bundle DIR');
  }
  if (!snapshot.nodes.some((n) => n.metadata?.name === node)) {
    return new PluginError(`node ${name} not found`, ExitCode.couldNotCheck, 'list the nodes with: kubectl get nodes');
  }
  const reasons = snapshot.unreadable.filter((u) => u.what.includes(`node ${node}`)).map((u) => `${u.what}: ${u.reason}`);
  return new PluginError(`could not read iptables-save on node ${name}${reasons.length > 0 ? `: ${escapeControl(reasons.join('; '))}` : ''}`, ExitCode.couldNotCheck);
}
