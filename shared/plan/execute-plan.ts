import type { Progress } from '../cli/spinner.js';
import { runBatch } from '../nodes/batch.js';
import { RemoteCommandError, type NodeShell } from '../ssh/node-shell.js';
import { revertsOf, type Plan } from './plan.js';

/**
 * Applies the steps in order on the plan's node, all in one exec that stops
 * at the first failure. Then the finished ones are reverted, last first, and
 * the failure is thrown: a half-made setup is never left behind.
 */
export async function executePlan(plan: Plan, shell: NodeShell, progress: Progress): Promise<void> {
  progress.step(`${plan.node}: ${plan.steps.map((s) => s.title.split(' ')[0]).join(', ')}`);
  let results;
  try {
    results = await runBatch(shell, plan.steps.map((s) => s.apply), { sudo: true, timeoutMs: 20_000, stopAtFirstFailure: true });
  } catch (error) {
    // Cut short (connection lost, timeout): what ran is unknown, and every revert is safe to run.
    await runReverts(shell, revertsOf(plan.steps));
    throw error;
  }
  const failed = results.find((r) => r.code !== 0);
  if (failed) {
    await runReverts(shell, revertsOf(plan.steps.slice(0, results.indexOf(failed))));
    throw new RemoteCommandError(shell.node, `node ${shell.node}`, failed.argv, failed.code, undefined, failed.stderr.trim().split('\n').at(-1) ?? '');
  }
}

/** Runs each revert (in one exec), ignoring failures: what it removes may already be gone. */
export async function runReverts(shell: NodeShell, reverts: readonly (readonly string[])[]): Promise<void> {
  await runBatch(shell, reverts, { sudo: true, timeoutMs: 20_000 }).catch(() => undefined);
}
