import type { Argv } from 'yargs';
import { Directive, lookupCandidates, planCompletion, renderCompletion } from './complete.js';
import { completionSpec } from './spec.js';

/** The full answer to one completion request: the plan from the flag definitions, names looked up only when needed. */
export async function answerCompletion(parser: Argv<unknown>, words: string[]): Promise<string> {
  const plan = planCompletion(completionSpec(parser), words.length > 0 ? words : ['']);
  if (plan.kind === 'static') return renderCompletion(plan.candidates, plan.directive);
  const { gatherNames } = await import('./lookup.js');
  const names = await gatherNames(plan.source, plan.scope);
  return renderCompletion(lookupCandidates(names, plan.prefix, plan.valuePrefix), Directive.noFileComp);
}
