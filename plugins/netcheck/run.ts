import { ExitCode, PluginError } from '../../shared/cli/errors.js';
import { KubeApiError } from '../../shared/kube/api-errors.js';
import { defaultRequestTimeoutMs } from '../../shared/kube/kube-client.js';
import type { Io } from '../../shared/cli/io.js';
import { startProgress, type Progress } from '../../shared/cli/spinner.js';
import { diagnose, renderText, type Diagnosis } from '../../shared/diagnose/index.js';
import { toReport } from '../../shared/diagnose/render.js';
import { writeOutput } from '../../shared/cli/output.js';
import { parseDuration } from '../../shared/kube/kube-options.js';
import type { ClusterSnapshot } from '../../shared/snapshot/types.js';
import type { V1Node } from '@kubernetes/client-node';
import type { NetcheckArgs } from './command.js';
import { defaultWaitTimeout } from './validate.js';

/**
 * Where the snapshot comes from: a dump folder, or the live cluster (plus the nodes with --ssh or
 * --via; `factsOf` narrows the node facts to those nodes). The verdict and the iptables view both read it.
 */
export async function collect(args: NetcheckArgs, io: Io, progress: Progress, factsOf?: readonly string[]): Promise<ClusterSnapshot> {
  if (args.dump) {
    const { readDump } = await import('../../shared/snapshot/read-dump.js');
    progress.step(`reading ${args.dump}`);
    return readDump(args.dump, { slim: true });
  }
  const { connectKube } = await import('../../shared/kube/kube-client.js');
  const { gatherClusterSnapshot } = await import('../../shared/kube/gather-cluster.js');
  const kube = await connectKube(args, io.env);
  const { podsWorthLogs } = await import('./pods-worth-logs.js');
  if (!args.ssh && args.via === undefined) return gatherClusterSnapshot(kube, { onStep: (t) => progress.step(t), podsWorthLogs });

  const { openNodeShells } = await import('../../shared/nodes/open-shells.js');
  const { gatherAllNodeFacts } = await import('../../shared/nodes/gather-node-facts.js');
  const pool = await openNodeShells(args, io, kube);
  try {
    // The nodes are read as soon as the API lists them, while pods, events and logs are still coming.
    let factsRead: ReturnType<typeof gatherAllNodeFacts> | undefined;
    let nodeCount = 0;
    const readFacts = (listed: readonly V1Node[]) => {
      const nodes = factsOf ? listed.filter((n) => factsOf.includes(n.metadata?.name ?? '')) : listed;
      nodeCount = nodes.length;
      factsRead = gatherAllNodeFacts(nodes, pool);
      factsRead.catch(() => undefined); // awaited below, after the lists
    };
    const snapshot = await gatherClusterSnapshot(kube, { onStep: (t) => progress.step(t), podsWorthLogs, onNodes: readFacts });
    if (factsRead === undefined) readFacts(snapshot.nodes); // the node list could not be read: none to visit
    progress.step(`reading facts on ${nodeCount} node(s) ${pool.via === 'pod' ? 'through helper pods' : 'over SSH'}`);
    const { nodeFacts, unreadable } = await factsRead!;
    snapshot.nodeFacts = nodeFacts;
    for (const u of unreadable) snapshot.unreadable.push(u);
    return snapshot;
  } finally {
    await pool.closeAll();
  }
}

/** Text, json or yaml through the one output writer: data from the cluster is escaped in text. */
export async function writeDiagnosis(diagnosis: Diagnosis, args: Pick<NetcheckArgs, 'output'>, io: Io): Promise<void> {
  await writeOutput(io, args.output, diagnosis, (safe) => renderText(safe, { color: io.color }), toReport);
}

function exitCodeOf(diagnosis: Diagnosis): number {
  // Neither nodes nor pods readable: the verdict rests on nothing.
  const unread = new Set(diagnosis.unreadable.map((u) => u.what));
  if (unread.has('nodes') && unread.has('pods (all namespaces)')) return ExitCode.couldNotCheck;
  // Data that was read but is unknown or contradictory (shared/snapshot/data-problems.ts) is never an all-clear.
  const untrusted = diagnosis.unreadable.some((u) => u.kind === 'data');
  return diagnosis.hostNetwork.status === 'OK' && diagnosis.containerNetwork.status === 'OK' && !untrusted ? ExitCode.ok : ExitCode.problemsFound;
}

export async function runNetcheck(args: NetcheckArgs, io: Io): Promise<number> {
  if (args.helpers) {
    const { runHelpers } = await import('./helpers.js');
    return runHelpers(args, io);
  }
  if (args.iptablesNode) {
    const { runIptablesView } = await import('./iptables-view.js');
    const progress = await startProgress(io, 'reading the cluster');
    try {
      // The node's facts come the way the verdict's do: over SSH unless --via says otherwise.
      const snapshot = await collect({ ...args, ssh: args.dump === undefined }, io, progress, [args.iptablesNode]);
      progress.stop();
      return await runIptablesView(args, snapshot, io);
    } finally {
      progress.stop();
    }
  }
  const progress = await startProgress(io, 'reading the cluster');
  try {
    if (args.wait) return await waitUntilReady(args, io, progress);
    const bundle = args.saveBundle ? await import('../../shared/snapshot/write-bundle.js') : undefined;
    // Before reading the cluster: a target we would refuse should not cost a whole collection first.
    if (bundle) await bundle.checkBundleTarget(args.saveBundle!, { force: args.force });
    const snapshot = await collect(args, io, progress);
    if (bundle) {
      progress.step(`writing ${args.saveBundle}`);
      await bundle.writeBundle(snapshot, args.saveBundle!, { force: args.force });
    }
    const diagnosis = diagnose(snapshot);
    progress.stop();
    if (args.saveBundle) io.err.write(`bundle written to ${args.saveBundle} (read it with: kubectl netcheck --dump ${args.saveBundle})\n`);
    await writeDiagnosis(diagnosis, args, io);
    return exitCodeOf(diagnosis);
  } finally {
    progress.stop();
  }
}

const waitPollMs = 5000;

/** --wait: check again every few seconds until the container network is ready, or give up at --timeout. */
async function waitUntilReady(args: NetcheckArgs, io: Io, progress: Progress): Promise<number> {
  const timeout = args.timeout ?? defaultWaitTimeout;
  const timeoutMs = parseDuration(timeout)!; // checked by validateNetcheckArgs
  const deadline = Date.now() + timeoutMs;
  // No single request may outlive the whole wait.
  const requestMs = args.requestTimeout === undefined ? Math.min(defaultRequestTimeoutMs, timeoutMs) : parseDuration(args.requestTimeout)!;
  const perRound: NetcheckArgs = { ...args, requestTimeout: `${Math.max(1, Math.min(requestMs || timeoutMs, timeoutMs))}ms` };
  for (;;) {
    let diagnosis: Diagnosis | undefined;
    try {
      diagnosis = diagnose(await collect(perRound, io, progress));
    } catch (error) {
      // The API server not answering yet (refused, timing out, 5xx) is what --wait waits through.
      if (!(error instanceof KubeApiError)) throw error;
      if (Date.now() + waitPollMs > deadline) {
        throw new PluginError(`gave up after ${timeout}: ${error.message}`, ExitCode.couldNotCheck, error.hint, { cause: error });
      }
      progress.step(`cannot check yet (${error.message}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, waitPollMs));
      continue;
    }
    const ready = exitCodeOf(diagnosis) === ExitCode.ok;
    const top = diagnosis.findings[0]?.code;
    progress.step(`container network: ${diagnosis.containerNetwork.step}${top ? ` (${top})` : ''}; waiting`);
    if (ready || Date.now() + waitPollMs > deadline) {
      progress.stop();
      if (!ready) io.err.write(`timed out after ${timeout}; the last verdict:\n`);
      await writeDiagnosis(diagnosis, args, io);
      return ready ? ExitCode.ok : ExitCode.problemsFound;
    }
    await new Promise((resolve) => setTimeout(resolve, waitPollMs));
  }
}
