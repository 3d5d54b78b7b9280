import type { V1Node } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import { escapeControl } from '../../shared/cli/safe-text.js';
import { writeOutput } from '../../shared/cli/output.js';
import { quoteArgvForDisplay } from '../../shared/ssh/quote.js';
import type { KubeSession } from '../../shared/kube/kube-client.js';
import { listAll } from '../../shared/kube/list-all.js';
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
  let parsed: unknown;
  try {
    parsed = JSON.parse(linkJson.trim() || '[]');
  } catch (error) {
    throw new PluginError(`node ${escapeControl(node)}: ip -j link show printed something that is not JSON: ${(error as Error).message.split('\n')[0]}`, ExitCode.couldNotCheck);
  }
  if (!Array.isArray(parsed)) throw new PluginError(`node ${escapeControl(node)}: ip -j link show printed JSON that is not a list`, ExitCode.couldNotCheck);
  const links = parsed.filter((l): l is { ifname?: unknown; ifalias?: unknown } => typeof l === 'object' && l !== null);
  return links.flatMap((l) => {
    if (typeof l.ifname !== 'string' || (l.ifalias !== undefined && typeof l.ifalias !== 'string')) return [];
    const label = parseTapLabel(l.ifalias as string | undefined);
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
/** Reads only; with --delete it changes the nodes unless `mode.dryRun`, which prints the commands instead. */
export async function listOrDeleteTaps(args: TapArgs, kube: KubeSession, pool: NodeShells, io: Io, mode: { dryRun: boolean }): Promise<number> {
  const nodes = await listAll<V1Node>(kube, { verb: 'list', resource: 'nodes' }, '/api/v1/nodes');
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
    .filter((t) => wanted === undefined || t.label.pod === wanted)
    // The API server's watch cache lists nodes in no fixed order; the same taps must print the same way.
    .sort((a, b) => a.node.localeCompare(b.node) || a.ifname.localeCompare(b.ifname));
  if (args.delete) {
    for (const tap of found) {
      const teardown = teardownFromLabel(tap.ifname, tap.label);
      const what = escapeControl(`${tap.ifname} (${tap.label.role} of ${tap.label.pod}) from node ${tap.node}`);
      if (mode.dryRun) {
        io.out.write(`# would remove ${what}:\n${teardown.map((argv) => `${quoteArgvForDisplay(argv)}\n`).join('')}`);
        continue;
      }
      await runReverts(tap.shell, teardown);
      io.err.write(`removed ${what}\n`);
    }
    if (found.length === 0) io.err.write(`no tap found${wanted ? ` for pod ${escapeControl(wanted)}` : ''}\n`);
    if (!mode.dryRun) await deleteLeftoverHelpers(kube, io);
    return failed > 0 ? 1 : 0;
  }
  const rows = found.map((t) => ({ node: t.node, ifname: t.ifname, ...t.label }));
  await writeOutput(io, args.output, rows, (safe) => [['NODE', 'DEVICE', 'POD', 'ROLE', 'PEER', 'VETH'], ...safe.map((r) => [r.node, r.ifname, r.pod, r.role, r.peer, r.veth ?? '-'])]
    .map((cells) => `${cells.map((cell) => escapeControl(String(cell))).join('\t')}\n`).join(''));
  return failed > 0 ? 1 : 0;
}
