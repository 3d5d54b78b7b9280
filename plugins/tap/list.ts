import type { V1Node } from '@kubernetes/client-node';
import type { Io } from '../../shared/cli/io.js';
import type { KubeSession } from '../../shared/kube/kube-client.js';
import { getText } from '../../shared/kube/raw-get.js';
import { runReverts } from '../../shared/plan/execute-plan.js';
import type { NodeShells } from '../../shared/nodes/open-shells.js';
import { forEachNode } from '../../shared/ssh/probe-nodes.js';
import type { TapArgs } from './command.js';
import { parseTapLabel, teardownFromLabel, type ParsedTapLabel } from './plan.js';

export interface FoundTap {
  node: string;
  ifname: string;
  label: ParsedTapLabel;
}

/** Our vxlan devices in `ip -j -d link show type vxlan`, recognised by their alias. Pure. */
export function tapsInLinks(node: string, linkJson: string): FoundTap[] {
  const links = JSON.parse(linkJson.trim() || '[]') as { ifname?: string; ifalias?: string }[];
  return links.flatMap((l) => {
    const label = parseTapLabel(l.ifalias);
    return label && l.ifname ? [{ node, ifname: l.ifname, label }] : [];
  });
}

/** Helper pods (--via pod) that killed runs left behind, except this run's own; they would end by themselves within a minute. */
async function deleteLeftoverHelpers(kube: KubeSession, io: Io): Promise<void> {
  const { deleteHelperPod, helperOwner, listHelperPods } = await import('../../shared/nodes/helper-pool.js');
  const leftovers = await listHelperPods(kube).catch(() => []);
  for (const pod of leftovers.filter((p) => p.metadata?.annotations?.['kubectl-netcheck/owner'] !== helperOwner())) {
    await deleteHelperPod(kube, pod.metadata!.namespace!, pod.metadata!.name!).catch(() => undefined);
    io.err.write(`removed helper pod ${pod.metadata!.namespace}/${pod.metadata!.name} left by an earlier run\n`);
  }
}

/** --list and --delete: every node is asked (over SSH or its helper pod); unreachable ones are reported, not fatal. */
export async function listOrDeleteTaps(args: TapArgs, kube: KubeSession, pool: NodeShells, io: Io): Promise<number> {
  const nodes = (JSON.parse(await kube.call({ verb: 'list', resource: 'nodes' }, () => getText(kube.config, '/api/v1/nodes'))) as { items: V1Node[] }).items;
  const outcomes = await forEachNode(nodes, 8, async (node) => {
    const shell = await pool.shell(node);
    return { shell, taps: tapsInLinks(shell.node, await shell.run(['ip', '-j', '-d', 'link', 'show', 'type', 'vxlan'], { sudo: true })) };
  }, { timeoutMs: 30_000, nameOf: (n) => n.metadata?.name ?? '' });
  let failed = 0;
  for (const outcome of outcomes.filter((o) => !o.ok)) {
    failed++;
    if (!outcome.ok) io.err.write(`warning: node ${outcome.name}: ${outcome.error.message}\n`);
  }
  const wanted = args.pod ? `${kube.namespace}/${args.pod}` : undefined;
  const found = outcomes.flatMap((o) => (o.ok ? o.value.taps.map((t) => ({ ...t, shell: o.value.shell })) : []))
    .filter((t) => wanted === undefined || t.label.pod === wanted);
  if (args.delete) {
    for (const tap of found) {
      await runReverts(tap.shell, teardownFromLabel(tap.ifname, tap.label));
      io.err.write(`removed ${tap.ifname} (${tap.label.role} of ${tap.label.pod}) from node ${tap.node}\n`);
    }
    if (found.length === 0) io.err.write(`no tap found${wanted ? ` for pod ${wanted}` : ''}\n`);
    await deleteLeftoverHelpers(kube, io);
    return failed > 0 ? 1 : 0;
  }
  const rows = found.map((t) => ({ node: t.node, ifname: t.ifname, ...t.label }));
  if (args.output === 'json') io.out.write(`${JSON.stringify(rows, null, 2)}\n`);
  else if (args.output === 'yaml') io.out.write((await import('js-yaml')).dump(rows));
  else {
    io.out.write(`${['NODE', 'DEVICE', 'POD', 'ROLE', 'PEER', 'VETH'].join('\t')}\n`);
    for (const r of rows) io.out.write(`${[r.node, r.ifname, r.pod, r.role, r.peer, r.veth ?? '-'].join('\t')}\n`);
  }
  return failed > 0 ? 1 : 0;
}
