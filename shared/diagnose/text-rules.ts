import type { CauseCode } from './cause-catalog.js';
import type { ClusterView } from './cluster-view.js';
import type { Observation, ObservationSource } from './observations.js';
import type { Finding } from './types.js';

/**
 * A rule that reads one text (event message, condition, log line). Rules are data:
 * a pattern with named groups, and templates for the explanation and commands in
 * which `{name}` is a named group, or one of {node}, {pod}, {namespace}, {podName}.
 */
export interface TextRule {
  /** Stable name, for tests and debugging. */
  id: string;
  code: CauseCode;
  confidence: number;
  /** Which kinds of text to read; all when absent. */
  sources?: readonly ObservationSource[];
  /** Only event messages with one of these reasons (when the source is an event). */
  eventReasons?: readonly string[];
  pattern: RegExp;
  /** A further condition on what matched, e.g. "the address is a service IP". */
  when?: (match: RegExpExecArray, observation: Observation, view: ClusterView) => boolean;
  explanation: string;
  nextCommands: readonly string[];
  /** The source file that writes the wording (catalogue entries); rules from observed behaviour say so in a comment instead. */
  source?: { repo: string; file: string; ref?: string; format: string };
}

/** For each text, the most confident matching rule gives one finding. */
export function applyTextRules(rules: readonly TextRule[], observations: readonly Observation[], view: ClusterView): Finding[] {
  const findings: Finding[] = [];
  for (const observation of observations) {
    let best: { rule: TextRule; match: RegExpExecArray } | undefined;
    for (const rule of rules) {
      if (best && rule.confidence <= best.rule.confidence) continue;
      const match = matchRule(rule, observation, view);
      if (match) best = { rule, match };
    }
    if (best) findings.push(findingFrom(best.rule, best.match, observation));
  }
  return findings;
}

function matchRule(rule: TextRule, observation: Observation, view: ClusterView): RegExpExecArray | undefined {
  if (rule.sources && !rule.sources.includes(observation.source)) return undefined;
  if (rule.eventReasons && observation.source === 'event' && !rule.eventReasons.includes(observation.reason ?? '')) return undefined;
  const match = rule.pattern.exec(observation.evidence.text);
  if (!match) return undefined;
  return !rule.when || rule.when(match, observation, view) ? match : undefined;
}

function findingFrom(rule: TextRule, match: RegExpExecArray, observation: Observation): Finding {
  const values = templateValues(observation, match.groups);
  return {
    code: rule.code,
    confidence: rule.confidence,
    evidence: [observation.evidence],
    explanation: fillTemplate(rule.explanation, values),
    nextCommands: rule.nextCommands.map((command) => fillTemplate(command, values)),
  };
}

function templateValues(observation: Observation, groups: Record<string, string | undefined> = {}): Record<string, string> {
  const values: Record<string, string> = {
    node: observation.node ?? 'NODE',
    namespace: observation.pod?.namespace ?? 'kube-system',
    podName: observation.pod?.name ?? 'POD',
    pod: observation.pod ? `${observation.pod.namespace}/${observation.pod.name}` : 'the pod',
  };
  for (const [key, value] of Object.entries(groups)) if (value !== undefined) values[key] = value;
  return values;
}

/** Replaces `{name}` with values[name]; unknown names stay as they are. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
