import type { Progress } from '../cli/spinner.js';
import type { NodeShell } from '../ssh/node-shell.js';
import { revertsOf, type Plan, type Step } from './plan.js';

/**
 * Applies the steps in order on the plan's node. When one fails, the finished
 * ones are reverted, last first, and the failure is rethrown: a half-made
 * setup is never left behind.
 */
export async function executePlan(plan: Plan, shell: NodeShell, progress: Progress): Promise<void> {
  const done: Step[] = [];
  try {
    for (const step of plan.steps) {
      progress.step(`${plan.node}: ${step.title}`);
      await shell.run(step.apply, { sudo: true, timeoutMs: 20_000 });
      done.push(step);
    }
  } catch (error) {
    await runReverts(shell, revertsOf(done));
    throw error;
  }
}

/** Runs each revert, ignoring failures (what it removes may already be gone). */
export async function runReverts(shell: NodeShell, reverts: readonly (readonly string[])[]): Promise<void> {
  for (const argv of reverts) {
    await shell.exec(argv, { sudo: true, timeoutMs: 20_000 }).catch(() => undefined);
  }
}
