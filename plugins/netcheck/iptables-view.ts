import path from 'node:path';
import { PluginError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import { parseIptablesSave, rulesMentioningCidr, summarizeByOwner, type IptablesDump } from '../../shared/net/iptables.js';
import { traceService, type ServiceTrace } from '../../shared/net/iptables-trace.js';
import { clusterPodCidr, type ClusterPodCidr } from '../../shared/diagnose/cluster-cidr.js';
import type { NetcheckArgs } from './command.js';
import { escapeControl } from '../../shared/cli/safe-text.js';
import { writeOutput } from '../../shared/cli/output.js';
import type { Shape } from '../../shared/kube/kube-client.js';
import type { V1Pod } from '@kubernetes/client-node';

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

/** `kubectl netcheck iptables NODE`: from a bundle with --dump, else over SSH. */
export async function runIptablesView(args: NetcheckArgs, io: Io): Promise<number> {
  const node = args.iptablesNode!;
  let text: string;
  let clusterCidr: ClusterPodCidr | undefined;
  if (args.dump) {
    const { nodeFactsDir, legacyNodeFactsDir } = await import('../../shared/snapshot/dump-layout.js');
    const { readBoundedText, maxTextFileBytes } = await import('../../shared/files/bounded-read.js');
    const candidates = [nodeFactsDir, legacyNodeFactsDir].map((facts) => path.join(args.dump!, facts, node, 'iptables-save.txt'));
    let found: string | undefined;
    for (const file of candidates) if (found === undefined) found = await readBoundedText(file, maxTextFileBytes);
    if (found === undefined) throw new PluginError(`no iptables-save.txt for node ${escapeControl(node)} in ${args.dump}`, 1, 'collect one with: kubectl netcheck --ssh --save-bundle DIR');
    text = found;
    const { readDump } = await import('../../shared/snapshot/read-dump.js');
    const { ClusterView } = await import('../../shared/diagnose/cluster-view.js');
    // A bundle without the cluster's objects still has the node's rules: fall back to the default CIDR.
    clusterCidr = await readDump(args.dump, { slim: true }).then((snapshot) => new ClusterView(snapshot).clusterPodCidr(), () => undefined);
  } else {
    const { connectKube } = await import('../../shared/kube/kube-client.js');
    const { openNodeShells } = await import('../../shared/nodes/open-shells.js');
    const kube = await connectKube(args, io.env);
    const { readNode } = await import('../../shared/pods/read-objects.js');
    const { listShape, objectShape } = await import('../../shared/kube/api-shapes.js');
    const nodeObject = await readNode(kube, node);
    // Both optional: a view-only user may not read kubeadm-config, and not every cluster runs kubeadm.
    const optional = <T>(resource: string, apiPath: string, shape: Shape<T>, query = {}) =>
      kube.getJson({ verb: 'get', resource }, apiPath, shape, query).catch(() => undefined);
    const [kubeadmConfig, controllerManagers] = await Promise.all([
      optional('configmaps', '/api/v1/namespaces/kube-system/configmaps/kubeadm-config', objectShape<{ data?: { ClusterConfiguration?: string } }>('config map')),
      optional('pods', '/api/v1/namespaces/kube-system/pods', listShape<V1Pod>('pod'), { labelSelector: 'component=kube-controller-manager' }),
    ]);
    clusterCidr = clusterPodCidr({
      kubeadmClusterConfiguration: kubeadmConfig?.data?.ClusterConfiguration,
      pods: controllerManagers?.items ?? [],
      nodePodCidr: nodeObject.spec?.podCIDR,
    });
    const pool = await openNodeShells(args, io, kube);
    try {
      text = await (await pool.shell(nodeObject)).run(['iptables-save'], { sudo: true });
    } finally {
      await pool.closeAll();
    }
  }
  const view = buildIptablesView(node, parseIptablesSave(text), clusterCidr, args.service);
  await writeOutput(io, args.output, view, renderIptablesView);
  return view.service && !view.service.complete ? 1 : 0;
}
