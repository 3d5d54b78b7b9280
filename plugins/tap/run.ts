import { ExitCode, PluginError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import { startProgress } from '../../shared/cli/spinner.js';
import { connectKube } from '../../shared/kube/kube-client.js';
import { parseDuration } from '../../shared/kube/kube-options.js';
import { openNodeShells } from '../../shared/nodes/open-shells.js';
import { renderPlan, revertsOf, type Plan } from '../../shared/plan/plan.js';
import { quoteArgvForDisplay } from '../../shared/ssh/quote.js';
import { escapeControl } from '../../shared/cli/safe-text.js';
import type { TapArgs } from './command.js';
import { deadManArgv } from './dead-man.js';
import { discoverTap } from './discover.js';
import { listOrDeleteTaps } from './list.js';
import { planDest, planSource } from './plan.js';
import { captureCounts, startCapture, TapSession, type StopReason } from './session.js';
import { terminationSignals } from '../../shared/cli/platform.js';

/** Resolves on the first of Ctrl-C, a termination signal (SIGTERM/SIGHUP; Ctrl-Break on Windows), or any of the given endings. */
function firstStop(endings: Promise<StopReason>[]): { reason: Promise<StopReason>; dispose: () => void } {
  let dispose = () => {};
  const signalled = new Promise<StopReason>((resolve) => {
    const onInt = () => resolve('SIGINT');
    const onTerm = () => resolve('SIGTERM');
    const terminations = terminationSignals(process.platform);
    process.once('SIGINT', onInt);
    for (const signal of terminations) process.once(signal, onTerm);
    dispose = () => { process.off('SIGINT', onInt); for (const signal of terminations) process.off(signal, onTerm); };
  });
  return { reason: Promise.race([signalled, ...endings]), dispose };
}

const exitFor: Record<StopReason, number> = { 'SIGINT': ExitCode.interrupted, 'SIGTERM': 143, 'connection-lost': 1, 'capture-ended': 0, 'duration-over': 0 };

function after(duration: string | undefined): Promise<StopReason>[] {
  const ms = duration === undefined ? undefined : parseDuration(duration);
  return ms ? [new Promise((resolve) => setTimeout(() => resolve('duration-over'), ms).unref())] : [];
}

export async function runTap(args: TapArgs, io: Io): Promise<number> {
  // Decided once, before any path that could change a node: every mode below honours it.
  const mode = { dryRun: args.dryRun === true };
  const kube = await connectKube(args, io.env);
  const pool = await openNodeShells(args, io, kube);
  try {
    if (args.list || args.delete) return await listOrDeleteTaps(args, kube, pool, io, mode);
    const progress = await startProgress(io, `looking up pod ${args.pod}`);
    const found = await discoverTap(args, kube, pool);
    progress.stop();
    if (found.note) io.err.write(`note: ${found.note}\n`);
    for (const warning of found.checks.warnings) io.err.write(`warning: ${warning}\n`);
    if (found.checks.problems.length > 0) {
      throw new PluginError(`cannot set up the tap: ${found.checks.problems.join('; ')}`, 1, 'nothing was changed on the nodes');
    }
    const { spec } = found;
    const plans: Plan[] = [...(args.dest ? [planDest(spec)] : []), planSource(spec)];
    if (mode.dryRun) {
      for (const plan of plans) {
        io.out.write(`${renderPlan(plan, quoteArgvForDisplay)}\n`);
        if (!args.detach) io.out.write(`# dead-man on node ${escapeControl(plan.node)} (fed by the client; tears down when it stops)\n${quoteArgvForDisplay(deadManArgv(revertsOf(plan.steps)))}\n`);
      }
      return 0;
    }

    const shellOf = (node: string) => pool.shell(node === spec.source.node ? found.sourceNode : found.destNode!);
    const shells = await Promise.all(plans.map(async (plan) => ({ plan, shell: await shellOf(plan.node) })));
    const session = new TapSession(progress, shellOf);
    await session.bringUp(shells, args.detach);
    progress.stop();
    const where = `${spec.source.node} ${spec.source.hostIface} -> vxlan ${spec.ifname} (VNI ${spec.vni}, UDP ${spec.port}) -> ${spec.dest.node}`;
    if (args.detach) {
      io.err.write(`tap up (detached): ${where}\nlist: kubectl tap --list    remove: kubectl tap --delete ${args.pod} -n ${kube.namespace}\n`);
      return 0;
    }
    io.err.write(`tap up: ${where} (Ctrl-C to stop)\n`);
    if (args.dest && args.capture === undefined) {
      io.err.write(pool.via === 'pod'
        ? `watch it: tcpdump -i ${spec.ifname} -n on node ${spec.dest.node}, or run the tap with --capture - | tcpdump -n -r -\n`
        : `watch it: ssh ${spec.dest.node} tcpdump -i ${spec.ifname} -n\n`);
    }

    const stopCapture = new AbortController();
    const capture = args.capture !== undefined
      ? startCapture(await pool.shell(found.destNode!), spec.ifname, args.capture, args.filter, io, stopCapture.signal)
      : undefined;
    const stop = firstStop([session.lostConnection(), ...after(args.duration), ...(capture ? [capture.done.then(() => 'capture-ended' as const, () => 'capture-ended' as const)] : [])]);
    let reason: StopReason;
    try {
      reason = await stop.reason;
    } finally {
      stopCapture.abort();
      const result = capture ? await capture.done.catch((e: Error) => e) : undefined;
      await session.tearDown();
      stop.dispose();
      const counts = result && !(result instanceof Error) ? captureCounts(result.stderrTail) : undefined;
      io.err.write(`tap removed from ${plans.map((p) => p.node).join(' and ')}${counts ? `; ${counts}` : ''}${args.capture && args.capture !== '-' ? ` (pcap in ${args.capture})` : ''}\n`);
    }
    if (reason === 'connection-lost') io.err.write(`error: lost the ${pool.via === 'pod' ? 'helper pod session' : 'SSH connection'} to a node; its dead-man removed the tap there\n`);
    return exitFor[reason];
  } finally {
    await pool.closeAll();
  }
}
