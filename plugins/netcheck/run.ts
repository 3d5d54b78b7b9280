import { ExitCode, UsageError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import { startProgress, type Progress } from '../../shared/cli/spinner.js';
import { diagnose, renderJson, renderText, renderYaml, type Diagnosis } from '../../shared/diagnose/index.js';
import { parseDuration } from '../../shared/kube/kube-options.js';
import type { ClusterSnapshot } from '../../shared/snapshot/types.js';
import type { NetcheckArgs } from './command.js';

/** Where the snapshot comes from: a dump folder, or the live cluster (plus the nodes with --ssh). */
async function collect(args: NetcheckArgs, io: Io, progress: Progress): Promise<ClusterSnapshot> {
  if (args.dump) {
    const { readDump } = await import('../../shared/snapshot/read-dump.js');
    progress.step(`reading ${args.dump}`);
    return readDump(args.dump);
  }
  const { connectKube } = await import('../../shared/kube/kube-client.js');
  const { gatherClusterSnapshot } = await import('../../shared/kube/gather-cluster.js');
  const kube = await connectKube(args, io.env);
  const snapshot = await gatherClusterSnapshot(kube, { onStep: (t) => progress.step(t) });
  if (args.ssh || args.via !== undefined) {
    const { openNodeShells } = await import('../../shared/nodes/open-shells.js');
    const { gatherAllNodeFacts } = await import('../../shared/nodes/gather-node-facts.js');
    const pool = await openNodeShells(args, io, kube);
    progress.step(`reading facts on ${snapshot.nodes.length} node(s) ${pool.via === 'pod' ? 'through helper pods' : 'over SSH'}`);
    try {
      const { nodeFacts, unreadable } = await gatherAllNodeFacts(snapshot.nodes, pool);
      snapshot.nodeFacts = nodeFacts;
      snapshot.unreadable.push(...unreadable);
    } finally {
      await pool.closeAll();
    }
  }
  return snapshot;
}

export function renderDiagnosis(diagnosis: Diagnosis, args: Pick<NetcheckArgs, 'output'>, io: Io): string {
  if (args.output === 'json') return renderJson(diagnosis);
  if (args.output === 'yaml') return renderYaml(diagnosis);
  return renderText(diagnosis, { color: io.color });
}

function exitCodeOf(diagnosis: Diagnosis): number {
  // Neither nodes nor pods readable: the verdict rests on nothing.
  const unread = new Set(diagnosis.unreadable.map((u) => u.what));
  if (unread.has('nodes') && unread.has('pods (all namespaces)')) return ExitCode.couldNotCheck;
  return diagnosis.hostNetwork.status === 'OK' && diagnosis.containerNetwork.status === 'OK' ? ExitCode.ok : ExitCode.problemsFound;
}

export async function runNetcheck(args: NetcheckArgs, io: Io): Promise<number> {
  if (args.helpers) {
    const { runHelpers } = await import('./helpers.js');
    return runHelpers(args, io);
  }
  if (args.delete) throw new UsageError('--delete goes with helpers: kubectl netcheck helpers --delete');
  if (args.iptablesNode) {
    const { runIptablesView } = await import('./iptables-view.js');
    return runIptablesView(args, io);
  }
  if (args.dump && (args.ssh || args.wait || args.via !== undefined)) throw new UsageError('--dump reads a folder: it cannot be combined with --ssh or --wait');
  const progress = await startProgress(io, 'reading the cluster');
  try {
    if (args.wait) return await waitUntilReady(args, io, progress);
    const snapshot = await collect(args, io, progress);
    if (args.saveBundle) {
      const { writeBundle } = await import('../../shared/snapshot/write-bundle.js');
      progress.step(`writing ${args.saveBundle}`);
      await writeBundle(snapshot, args.saveBundle);
    }
    const diagnosis = diagnose(snapshot);
    progress.stop();
    if (args.saveBundle) io.err.write(`bundle written to ${args.saveBundle} (read it with: kubectl netcheck --dump ${args.saveBundle})\n`);
    io.out.write(renderDiagnosis(diagnosis, args, io));
    return exitCodeOf(diagnosis);
  } finally {
    progress.stop();
  }
}

const waitPollMs = 5000;

/** --wait: check again every few seconds until the container network is ready, or give up at --timeout. */
async function waitUntilReady(args: NetcheckArgs, io: Io, progress: Progress): Promise<number> {
  const timeoutMs = parseDuration(args.timeout);
  if (timeoutMs === undefined || timeoutMs === 0) throw new UsageError(`--timeout must be a duration like 5m or 90s, got "${args.timeout}"`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const diagnosis = diagnose(await collect(args, io, progress));
    const ready = exitCodeOf(diagnosis) === ExitCode.ok;
    const top = diagnosis.findings[0]?.code;
    progress.step(`container network: ${diagnosis.containerNetwork.step}${top ? ` (${top})` : ''}; waiting`);
    if (ready || Date.now() + waitPollMs > deadline) {
      progress.stop();
      if (!ready) io.err.write(`timed out after ${args.timeout}; the last verdict:\n`);
      io.out.write(renderDiagnosis(diagnosis, args, io));
      return ready ? ExitCode.ok : ExitCode.problemsFound;
    }
    await new Promise((resolve) => setTimeout(resolve, waitPollMs));
  }
}
