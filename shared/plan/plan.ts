import { escapeControl } from '../cli/safe-text.js';
/** A command on a node, as argv: quoted only by shared/ssh/quote.ts. */
export type Argv = readonly string[];

/** One change on a node and the command that undoes it. */
export interface Step {
  title: string;
  apply: Argv;
  revert?: Argv;
}

export interface Plan {
  node: string;
  steps: readonly Step[];
}

/** The reverts of the steps, last applied first. */
export function revertsOf(steps: readonly Step[]): Argv[] {
  return steps.flatMap((s) => (s.revert ? [s.revert] : [])).reverse();
}

/** `--dry-run`: one argv per line, as a shell would need it typed, under the node's name. */
export function renderPlan(plan: Plan, quote: (argv: Argv) => string): string {
  const lines = [`# on node ${escapeControl(plan.node)}`];
  for (const step of plan.steps) lines.push(`${quote(step.apply)}    # ${escapeControl(step.title)}`);
  const reverts = revertsOf(plan.steps);
  if (reverts.length > 0) {
    lines.push(`# teardown on node ${escapeControl(plan.node)}`);
    for (const argv of reverts) lines.push(quote(argv));
  }
  return lines.join('\n');
}
