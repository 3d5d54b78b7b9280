import fs from 'node:fs';
import { PassThrough, Writable } from 'node:stream';
import type { Io } from '../../shared/cli/io.js';
import type { Progress } from '../../shared/cli/spinner.js';
import { executePlan, runReverts } from '../../shared/plan/execute-plan.js';
import { revertsOf, type Plan } from '../../shared/plan/plan.js';
import type { ExecResult, NodeShell } from '../../shared/ssh/node-shell.js';
import { PluginError, ExitCode } from '../../shared/cli/errors.js';
import { deadManArgv, deadManArmed, heartbeatIntervalMs } from './dead-man.js';

/** How long a node may take to start its dead-man (its login shell's rc files included). */
const armWithinMs = 30_000;

/** A node-side dead-man fed by heartbeats; ending the heartbeats makes it tear down. */
interface Keeper {
  shell: NodeShell;
  plan: Plan;
  heartbeat: PassThrough;
  timer: NodeJS.Timeout;
  done: Promise<ExecResult | Error>;
  /** Resolves once the dead-man's traps are set; rejects if it ended or did not start in time. */
  armed: Promise<void>;
}

function startKeeper(shell: NodeShell, plan: Plan): Keeper {
  const heartbeat = new PassThrough();
  const timer = setInterval(() => heartbeat.write('.'), heartbeatIntervalMs);
  heartbeat.write('.');
  let seen = '';
  let onArmed: () => void = () => undefined;
  const armedSeen = new Promise<void>((resolve) => { onArmed = resolve; });
  const stdout = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (seen.length < 4096) seen += chunk.toString('utf8');
      if (seen.includes(deadManArmed)) onArmed();
      callback();
    },
  });
  const done = shell.exec(deadManArgv(revertsOf(plan.steps)), { stdin: heartbeat, stdout, sudo: true })
    .catch((error: Error) => error)
    .finally(() => clearInterval(timer));
  let armTimer: NodeJS.Timeout | undefined;
  const notArmed = (why: string) => new PluginError(`the tap's dead-man on node ${shell.node} ${why}`, ExitCode.couldNotCheck,
    'nothing was changed on the nodes; check that the node runs sh, timeout and head (coreutils), then try again');
  const armed = Promise.race([
    armedSeen,
    done.then((result) => { throw notArmed(`ended before it was armed (${result instanceof Error ? result.message : `exit ${result.code}`})`); }),
    new Promise<never>((_, reject) => { armTimer = setTimeout(() => reject(notArmed(`did not start within ${armWithinMs / 1000}s`)), armWithinMs); }),
  ]).finally(() => clearTimeout(armTimer));
  armed.catch(() => undefined);
  return { shell, plan, heartbeat, timer, done, armed };
}

/** Why the tap ended: the user, the system, or a node we lost. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'connection-lost' | 'capture-ended' | 'duration-over';

export class TapSession {
  private readonly keepers: Keeper[] = [];
  private readonly applied: { shell: NodeShell; plan: Plan }[] = [];

  constructor(private readonly progress: Progress, private readonly reconnect: (node: string) => Promise<NodeShell>) {}

  /**
   * Dead-man first, armed, then the steps: if we die half-way, the node still
   * cleans up. Both nodes at once, each plan in one exec (a mirror whose receiver
   * is not up yet only loses those first packets); one failure undoes both.
   */
  async bringUp(nodes: { shell: NodeShell; plan: Plan }[], detach: boolean): Promise<void> {
    if (!detach) for (const { shell, plan } of nodes) this.keepers.push(startKeeper(shell, plan));
    const arming = await Promise.allSettled(this.keepers.map((k) => k.armed));
    const unarmed = arming.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (unarmed) {
      await this.tearDown();
      throw unarmed.reason;
    }
    const outcomes = await Promise.allSettled(nodes.map(async ({ shell, plan }) => {
      await executePlan(plan, shell, this.progress);
      this.applied.push({ shell, plan });
    }));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) {
      await this.tearDown();
      throw failure.reason;
    }
  }

  /** Resolves when a keeper's connection ends on its own (node rebooted, network cut). */
  lostConnection(): Promise<StopReason> {
    return Promise.race(this.keepers.map((k) => k.done.then(() => 'connection-lost' as const)));
  }

  /**
   * Ends the heartbeats so each dead-man runs its teardown. Where no dead-man
   * reported a clean teardown (detached, connection lost, or it failed), the
   * reverts run directly over a fresh connection; they are idempotent.
   */
  async tearDown(): Promise<void> {
    for (const keeper of this.keepers) {
      clearInterval(keeper.timer);
      keeper.heartbeat.end();
    }
    const cleanlyTornDown = new Set<Plan>();
    await Promise.all(this.keepers.map(async (k) => {
      let timer: NodeJS.Timeout | undefined;
      const result = await Promise.race([k.done, new Promise<Error>((r) => { timer = setTimeout(() => r(new Error('timeout')), 15_000); })]);
      clearTimeout(timer);
      if (!(result instanceof Error) && result.code === 0) cleanlyTornDown.add(k.plan);
    }));
    await Promise.all(this.applied.filter(({ plan }) => !cleanlyTornDown.has(plan)).map(async ({ shell, plan }) => {
      const live = await this.reconnect(shell.node).catch(() => shell);
      await runReverts(live, revertsOf(plan.steps));
    }));
    this.keepers.length = 0;
    this.applied.length = 0;
  }
}

/** tcpdump on the receiving device, pcap streamed to FILE or stdout ("-"). */
export function startCapture(shell: NodeShell, ifname: string, target: string, filter: string | undefined, io: Io, signal: AbortSignal) {
  const out: Writable = target === '-' ? io.out : fs.createWriteStream(target);
  const argv = ['tcpdump', '-i', ifname, '-n', '-U', '-w', '-', ...(filter ? [filter] : [])];
  const done = shell.exec(argv, { sudo: true, stdout: out, signal }).finally(() => {
    if (out !== io.out) out.end();
  });
  return { argv, done };
}

/** tcpdump's own closing lines: "N packets captured", "N packets received by filter", "N packets dropped by kernel". */
export function captureCounts(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => /^\d+ packets? (captured|received by filter|dropped by kernel)/.test(l.trim()));
  return lines.length > 0 ? lines.map((l) => l.trim()).join(', ') : undefined;
}
