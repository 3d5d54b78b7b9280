import type { CompletionSpec, FlagSpec } from './spec.js';

// kubectl (>= 1.26) completes `kubectl PLUGIN ...` by running
// kubectl_complete-PLUGIN with the words typed so far, the last being the word
// under the cursor (cobra's __complete protocol). The answer: one candidate a
// line, `value<TAB>description`, then `:DIRECTIVE`.

/** cobra's ShellCompDirective bits. */
export const Directive = { default: 0, error: 1, noSpace: 2, noFileComp: 4, filterDirs: 16 } as const;

/** What a value is, for values that come from the cluster, the kubeconfig or the file system. */
export type ValueSource = 'pods' | 'nodes' | 'containers' | 'contexts' | 'namespaces' | 'files' | 'dirs';

/**
 * Flag and positional names whose values have a known source. Keyed by name,
 * so a flag another plugin adds under one of these names completes too.
 */
export const valueSources: Readonly<Record<string, ValueSource>> = {
  pod: 'pods',
  node: 'nodes',
  dest: 'nodes',
  container: 'containers',
  context: 'contexts',
  namespace: 'namespaces',
  kubeconfig: 'files',
  'ssh-key': 'files',
  'ssh-config': 'files',
  capture: 'files',
  dump: 'dirs',
  'save-bundle': 'dirs',
  dir: 'dirs',
};

export interface Candidate {
  value: string;
  description?: string;
}

/** What to answer: fixed candidates, or values to look up first (then filtered by the prefix). */
export type CompletionPlan =
  | { kind: 'static'; candidates: Candidate[]; directive: number }
  | { kind: 'lookup'; source: 'pods' | 'nodes' | 'containers' | 'contexts' | 'namespaces'; prefix: string; valuePrefix: string; scope: LookupScope };

/** Flags typed so far that say where to look: which kubeconfig, context, namespace and pod. */
export interface LookupScope {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  pod?: string;
}

/** Everything the words typed so far say: positionals, flag values, and a flag waiting for its value. */
interface Typed {
  positionals: string[];
  values: Map<string, string>;
  pendingFlag?: FlagSpec;
  afterDashDash: boolean;
}

function findFlag(spec: CompletionSpec, name: string): FlagSpec | undefined {
  const bare = name.startsWith('no-') ? name.slice(3) : undefined;
  return spec.flags.find((f) => f.name === name || f.aliases.includes(name) || (bare !== undefined && f.negatable && f.name === bare));
}

function readTyped(spec: CompletionSpec, words: string[]): Typed {
  const typed: Typed = { positionals: [], values: new Map(), afterDashDash: false };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--') {
      typed.afterDashDash = true;
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      typed.positionals.push(word);
      continue;
    }
    const equals = word.indexOf('=');
    const name = word.replace(/^--?/, '').slice(0, equals < 0 ? undefined : equals - (word.startsWith('--') ? 2 : 1));
    // -it: short booleans run together; only the last may take a value.
    const names = !word.startsWith('--') && equals < 0 && name.length > 1 && !findFlag(spec, name) ? [...name] : [name];
    const flag = findFlag(spec, names[names.length - 1]!);
    if (!flag || flag.noValue) continue;
    if (equals >= 0) typed.values.set(flag.name, word.slice(equals + 1));
    else if (i + 1 < words.length) typed.values.set(flag.name, words[++i]!);
    else typed.pendingFlag = flag;
  }
  return typed;
}

function scopeOf(typed: Typed): LookupScope {
  const scope: LookupScope = {};
  for (const key of ['kubeconfig', 'context', 'namespace'] as const) {
    const value = typed.values.get(key);
    if (value !== undefined) scope[key] = value;
  }
  return scope;
}

/** Candidates for the value of a flag or positional NAME, the word typed so far being PREFIX. */
function valuePlan(name: string, choices: string[] | undefined, prefix: string, valuePrefix: string, typed: Typed, podName: string | undefined): CompletionPlan {
  if (choices) {
    return { kind: 'static', candidates: choices.filter((c) => c.startsWith(prefix)).map((c) => ({ value: valuePrefix + c })), directive: Directive.noFileComp };
  }
  const source = valueSources[name];
  if (source === 'files') return { kind: 'static', candidates: [], directive: Directive.default };
  if (source === 'dirs') return { kind: 'static', candidates: [], directive: Directive.filterDirs };
  if (source === undefined) return { kind: 'static', candidates: [], directive: Directive.noFileComp };
  const scope = scopeOf(typed);
  if (source === 'containers') {
    if (podName === undefined) return { kind: 'static', candidates: [], directive: Directive.noFileComp };
    scope.pod = podName;
  }
  return { kind: 'lookup', source, prefix, valuePrefix, scope };
}

function flagCandidates(spec: CompletionSpec, prefix: string): Candidate[] {
  const all: Candidate[] = [];
  for (const flag of spec.flags) {
    const describe = flag.describe !== undefined ? { description: flag.describe } : {};
    all.push({ value: `--${flag.negatable ? 'no-' : ''}${flag.name}`, ...describe });
    // Short forms only once the user typed a single dash, as cobra does.
    if (prefix === '-') for (const alias of flag.aliases.filter((a) => a.length === 1)) all.push({ value: `-${alias}`, ...describe });
  }
  return all.filter((c) => c.value.startsWith(prefix));
}

/** Pure: what to answer for WORDS (the last one being the word being completed). */
export function planCompletion(spec: CompletionSpec, words: string[]): CompletionPlan {
  const toComplete = words[words.length - 1] ?? '';
  const typed = readTyped(spec, words.slice(0, -1));
  // nsenter's command after --: the shell completes files as for any command.
  if (typed.afterDashDash) return { kind: 'static', candidates: [], directive: Directive.default };
  const command = spec.commands.find((c) => c.name === typed.positionals[0]);
  const positionalNames = command ? command.positionals : spec.positionals;
  const given = command ? typed.positionals.slice(1) : typed.positionals;
  const podName = positionalNames.includes('pod') ? given[positionalNames.indexOf('pod')] : undefined;
  if (typed.pendingFlag) {
    return valuePlan(typed.pendingFlag.name, typed.pendingFlag.choices, toComplete, '', typed, podName);
  }
  if (toComplete.startsWith('-')) {
    const equals = toComplete.indexOf('=');
    if (toComplete.startsWith('--') && equals > 0) {
      const flag = findFlag(spec, toComplete.slice(2, equals));
      if (!flag || flag.noValue) return { kind: 'static', candidates: [], directive: Directive.noFileComp };
      return valuePlan(flag.name, flag.choices, toComplete.slice(equals + 1), toComplete.slice(0, equals + 1), typed, podName);
    }
    return { kind: 'static', candidates: flagCandidates(spec, toComplete), directive: Directive.noFileComp };
  }
  if (!command && typed.positionals.length === 0 && spec.commands.length > 0) {
    const subcommands = spec.commands.filter((c) => c.name.startsWith(toComplete)).map((c) => ({ value: c.name, ...(c.describe && { description: c.describe }) }));
    if (spec.positionals.length === 0) return { kind: 'static', candidates: subcommands, directive: Directive.noFileComp };
  }
  const name = positionalNames[given.length];
  if (name === undefined) return { kind: 'static', candidates: [], directive: Directive.noFileComp };
  // `completion <action>`: the one action there is.
  if (name === 'action') return valuePlan(name, ['install'], toComplete, '', typed, podName);
  return valuePlan(name, undefined, toComplete, '', typed, podName);
}

/** The protocol's text: candidates (tabs and newlines in descriptions flattened), then the directive. */
export function renderCompletion(candidates: Candidate[], directive: number): string {
  const lines = candidates.map((c) => (c.description ? `${c.value}\t${c.description.replace(/\s+/g, ' ').trim()}` : c.value));
  return [...lines, `:${directive}`].join('\n') + '\n';
}

/** Looked-up names turned into candidates: those starting with the prefix, sorted, deduplicated. */
export function lookupCandidates(names: string[], prefix: string, valuePrefix: string): Candidate[] {
  return [...new Set(names)].filter((n) => n.startsWith(prefix)).sort().map((n) => ({ value: valuePrefix + n }));
}
