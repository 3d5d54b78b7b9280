import type { ClusterSnapshot } from '../snapshot/types.js';
import { causeExplains, causeRank } from './cause-catalog.js';
import { catalogRules } from './catalog/index.js';
import { ClusterView } from './cluster-view.js';
import { assessContainerNetwork, assessHostNetwork } from './network-status.js';
import { collectObservations, type Observation } from './observations.js';
import { diagnoseCniDaemons } from './rules/cni-daemon.js';
import { diagnoseCoreDnsCrashLoop, diagnoseCoreDnsUnschedulable } from './rules/coredns.js';
import { diagnoseKubeProxyPods, serviceProxyRules } from './rules/kube-proxy.js';
import { daemonConsequenceRules, daemonLogRules } from './rules/daemon-logs.js';
import { diagnoseAddressing } from './rules/node-facts-addressing.js';
import { diagnoseCniFiles } from './rules/node-facts-cni.js';
import { diagnoseIptables } from './rules/node-facts-iptables.js';
import { diagnoseKernelSettings } from './rules/node-facts-kernel.js';
import { diagnoseMtu, diagnoseMtuAcrossNodes } from './rules/node-facts-mtu.js';
import { diagnoseNodeConditions, runtimeNetworkLogRules } from './rules/node-conditions.js';
import { nonNetworkRules } from './rules/non-network.js';
import { commandLineClientRules, diagnoseProbeFailures, podIpTimeoutRules } from './rules/probe-failures.js';
import { sandboxErrorRules } from './rules/sandbox-errors.js';
import { diagnoseStuckSandboxes } from './rules/stuck-sandboxes.js';
import { diagnoseMissingPodCidr } from './rules/pod-cidr.js';
import { applyTextRules } from './text-rules.js';
import { cniAddFailed, cniConfigMissing, diagnoseUnexplainedFailures, failureSymptoms } from './rules/unexplained-failures.js';
import { diagnoseByStructure } from './rules/structural-readings.js';
import { unnamedFailureFinding } from './rules/unnamed-failure.js';
import { maxEvidencePerFinding, maxHistoryNotes, maxNextCommands, undecidedMargin, type Diagnosis, type Evidence, type Finding, type HistoryNote, type Undecided } from './types.js';

const genericCodes = new Set<Finding['code']>(['UNKNOWN', 'CNI_PLUGIN_ERROR']);

/** Below this, a finding is too weak to be promoted over what it would explain. */
const minRootConfidence = 0.6;

/** Every text rule; for each text the most confident match wins. The catalogue's wordings come from the sources. */
export const textRules = [
  ...catalogRules, ...sandboxErrorRules, ...runtimeNetworkLogRules, ...daemonLogRules, ...serviceProxyRules, ...podIpTimeoutRules, ...commandLineClientRules, ...nonNetworkRules,
];

/** Rules that look at objects and node facts rather than one text at a time. */
const structuralRules: ((view: ClusterView) => Finding[])[] = [
  diagnoseCniDaemons, diagnoseKubeProxyPods, diagnoseCoreDnsCrashLoop, diagnoseCoreDnsUnschedulable,
  diagnoseCniFiles, diagnoseAddressing, diagnoseKernelSettings, diagnoseMtu, diagnoseMtuAcrossNodes, diagnoseIptables, diagnoseStuckSandboxes, diagnoseMissingPodCidr,
];

/** Where the container network setup is stuck, and why, most likely cause first. Pure. */
export function diagnose(snapshot: ClusterSnapshot): Diagnosis {
  const view = new ClusterView(snapshot);
  const observations = collectObservations(view);
  const current = observations.filter((o) => o.past === undefined);
  // "No CNI config" on a node, wherever it was read, is weighed against the CNI agent and the other
  // nodes there: a text rule's context-free "not installed" for the same text would contradict it.
  const nodeStates = diagnoseNodeConditions(view, current);
  const weighed = new Set(nodeStates.flatMap((f) => f.evidence.map((e) => e.text)));
  const named = [
    ...applyTextRules(textRules, current, view).filter((f) => !(f.code === 'CNI_NOT_INSTALLED' && f.evidence.every((e) => weighed.has(e.text)))),
    // A second reading of the same texts: what they mean for the daemon that printed them.
    ...applyTextRules(daemonConsequenceRules, current, view),
    ...diagnoseProbeFailures(current, view),
    ...nodeStates,
    ...structuralRules.flatMap((rule) => rule(view)),
  ];
  // What no rule names is read from the structure of the evidence, ranked below every rule's finding.
  const naming = named.filter((f) => !isWrapperOnly(f));
  const cap = fallbackCap(naming);
  const structural = diagnoseByStructure(view, current, new Set(naming.flatMap((f) => f.evidence.map((e) => e.text))), cap);
  // The invariant: a failure no rule names still gets a finding and makes the verdict NG.
  const symptoms = failureSymptoms(view, current);
  const findings = mergeByCode([...named, ...structural, ...diagnoseUnexplainedFailures(view, symptoms, [...naming, ...structural], cap)]);
  if (findings.length === 0 && snapshot.unreadable.length > 0) findings.push(unreadableFinding(snapshot.unreadable));
  const hostNetwork = assessHostNetwork(view);
  const containerNetwork = assessContainerNetwork(view, current, findings, hostNetwork, symptoms);
  // NG with nothing named still says what failed, where it was seen and what to run next.
  if (containerNetwork.status === 'NG' && findings.length === 0) findings.push(unnamedFailureFinding(view, current, hostNetwork));
  const undecided = undecidedBetween(findings);
  return {
    hostNetwork,
    containerNetwork,
    findings,
    unreadable: snapshot.unreadable,
    history: historyNotes(observations.filter((o) => o.past !== undefined), view),
    ...(undecided && { undecided }),
  };
}

/**
 * A match of a runtime's or libcni's wrapper alone ("failed to setup network for sandbox ...", "plugin
 * type=... failed (add): ...", catalog/runtimes.ts and catalog/kubernetes.ts, 0.4 to 0.45) says only that
 * the plugin failed: what failed inside it is still to be read. Specific CNI_PLUGIN_ERROR wordings rank higher.
 */
function isWrapperOnly(finding: Finding): boolean {
  return finding.code === 'CNI_PLUGIN_ERROR' && finding.confidence <= 0.45;
}

/**
 * Structural readings rank below every rule's finding: at most just under the least confident named cause
 * (UNKNOWN names none).
 */
function fallbackCap(named: readonly Finding[]): number {
  let lowest = 1;
  for (const f of named) if (f.code !== 'UNKNOWN' && f.confidence < lowest) lowest = f.confidence;
  return lowest === 1 ? 1 : lowest - 0.02;
}

/** Past failure texts, with the cause a rule would give them: shown as history, never counted. */
function historyNotes(past: readonly Observation[], view: ClusterView): HistoryNote[] {
  const notes: HistoryNote[] = [];
  for (const observation of past) {
    if (notes.length >= maxHistoryNotes) break;
    const [finding] = applyTextRules(textRules, [observation], view);
    const failureShaped = cniAddFailed.test(observation.evidence.text) || cniConfigMissing.test(observation.evidence.text);
    if (!finding && !failureShaped) continue;
    notes.push({ evidence: observation.evidence, note: observation.past ?? 'history', ...(finding && { code: finding.code }) });
  }
  return notes;
}

/**
 * The top finding and the others within undecidedMargin of it, of causes that do not
 * explain one another: when there are two or more, the evidence does not decide.
 */
export function undecidedBetween(findings: readonly Finding[]): Undecided | undefined {
  // "Unrecognised" is not a cause to weigh against a named one.
  const named = findings.filter((f) => !genericCodes.has(f.code));
  const [top] = named;
  if (!top || top !== findings[0]) return undefined;
  const close = named.filter((f) => top.confidence - f.confidence <= undecidedMargin + 1e-9 &&
    (f === top || alternativeReadings(top, f) || (!causeExplains(top.code, f.code) && !causeExplains(f.code, top.code))));
  if (close.length < 2) return undefined;
  const names = close.map((f) => f.code);
  return {
    between: names,
    reason: `the evidence fits ${names.join(' and ')} about equally (confidence ${close.map((f) => f.confidence.toFixed(2)).join(' vs ')}); check each before acting on one`,
  };
}

/**
 * Two causes read from the structure of the very same texts are alternatives, even when one would explain
 * the other: a root cause explains a consequence only when it has evidence of its own.
 */
function alternativeReadings(a: Finding, b: Finding): boolean {
  if (a.basis !== 'structure' || b.basis !== 'structure' || a.evidence.length === 0 || b.evidence.length === 0) return false;
  const textsOf = (f: Finding) => new Set(f.evidence.map((e) => e.text));
  const [aTexts, bTexts] = [textsOf(a), textsOf(b)];
  const within = (x: Set<string>, y: Set<string>) => [...x].every((t) => y.has(t));
  return within(aTexts, bTexts) || within(bTexts, aTexts);
}

/**
 * One finding per cause: the most confident one speaks (explanation, commands),
 * the others add their evidence. Ordered by confidence, then specificity.
 */
export function mergeByCode(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort(compareFindings);
  const merged = new Map<string, Finding>();
  for (const finding of sorted) {
    const existing = merged.get(finding.code);
    if (!existing) {
      merged.set(finding.code, { ...finding, evidence: dedupeEvidence(finding.evidence), nextCommands: [...finding.nextCommands] });
      continue;
    }
    // Both stay within their caps as they grow: one finding per pod must not make merging quadratic.
    if (existing.evidence.length < maxEvidencePerFinding) existing.evidence = dedupeEvidence([...existing.evidence, ...finding.evidence]);
    for (const command of finding.nextCommands) {
      if (existing.nextCommands.length >= maxNextCommands) break;
      if (!existing.nextCommands.includes(command)) existing.nextCommands.push(command);
    }
  }
  for (const finding of merged.values()) finding.nextCommands = finding.nextCommands.slice(0, maxNextCommands);
  return promoteRootCauses([...merged.values()]).sort(compareFindings);
}

/** Strong evidence of a root cause counts for what it explains: it is at least as likely and shown first. */
function promoteRootCauses(findings: Finding[]): Finding[] {
  return findings.map((root) => {
    if (root.confidence < minRootConfidence) return root;
    const explained = findings.filter((other) => causeExplains(root.code, other.code) && other.confidence > root.confidence);
    const confidence = explained.reduce((highest, other) => Math.max(highest, other.confidence), root.confidence);
    return { ...root, confidence };
  });
}

function compareFindings(a: Finding, b: Finding): number {
  return b.confidence - a.confidence ||
    Number(causeExplains(b.code, a.code)) - Number(causeExplains(a.code, b.code)) ||
    causeRank(a.code) - causeRank(b.code);
}

function dedupeEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return evidence.filter((e) => {
    const key = `${e.object}\0${e.field}\0${e.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }).slice(0, maxEvidencePerFinding);
}

function unreadableFinding(unreadable: ClusterSnapshot['unreadable']): Finding {
  return {
    code: 'UNKNOWN', confidence: 0.2,
    evidence: unreadable.slice(0, maxEvidencePerFinding).map((u) => ({ object: u.what, field: 'unreadable', text: u.reason })),
    explanation: 'Nothing points at a cause, but parts of the cluster could not be read; the cause may be in what is missing.',
    nextCommands: ['kubectl auth can-i --list', 'rerun with node access (SSH) or a cluster-info dump that includes node facts'],
  };
}
