import type { ClusterSnapshot } from '../snapshot/types.js';
import { causeExplains, causeRank } from './cause-catalog.js';
import { catalogRules } from './catalog/index.js';
import { ClusterView } from './cluster-view.js';
import { assessContainerNetwork, assessHostNetwork } from './network-status.js';
import { collectObservations } from './observations.js';
import { diagnoseCniDaemons } from './rules/cni-daemon.js';
import { diagnoseCoreDnsCrashLoop, diagnoseCoreDnsUnschedulable } from './rules/coredns.js';
import { diagnoseKubeProxyPods, serviceProxyRules } from './rules/kube-proxy.js';
import { daemonLogRules } from './rules/daemon-logs.js';
import { diagnoseAddressing } from './rules/node-facts-addressing.js';
import { diagnoseCniFiles } from './rules/node-facts-cni.js';
import { diagnoseIptables } from './rules/node-facts-iptables.js';
import { diagnoseKernelSettings } from './rules/node-facts-kernel.js';
import { diagnoseMtu } from './rules/node-facts-mtu.js';
import { diagnoseNodeConditions, runtimeNetworkLogRules } from './rules/node-conditions.js';
import { nonNetworkRules } from './rules/non-network.js';
import { diagnoseProbeFailures, podIpTimeoutRules } from './rules/probe-failures.js';
import { sandboxErrorRules } from './rules/sandbox-errors.js';
import { diagnoseStuckSandboxes } from './rules/stuck-sandboxes.js';
import { diagnoseMissingPodCidr } from './rules/pod-cidr.js';
import { applyTextRules } from './text-rules.js';
import { maxEvidencePerFinding, maxNextCommands, type Diagnosis, type Evidence, type Finding } from './types.js';

/** Below this, a finding is too weak to be promoted over what it would explain. */
const minRootConfidence = 0.6;

/** Every text rule; for each text the most confident match wins. The catalogue's wordings come from the sources. */
export const textRules = [
  ...catalogRules, ...sandboxErrorRules, ...runtimeNetworkLogRules, ...daemonLogRules, ...serviceProxyRules, ...podIpTimeoutRules, ...nonNetworkRules,
];

/** Rules that look at objects and node facts rather than one text at a time. */
const structuralRules: ((view: ClusterView) => Finding[])[] = [
  diagnoseNodeConditions, diagnoseCniDaemons, diagnoseKubeProxyPods, diagnoseCoreDnsCrashLoop, diagnoseCoreDnsUnschedulable,
  diagnoseCniFiles, diagnoseAddressing, diagnoseKernelSettings, diagnoseMtu, diagnoseIptables, diagnoseStuckSandboxes, diagnoseMissingPodCidr,
];

/** Where the container network setup is stuck, and why, most likely cause first. Pure. */
export function diagnose(snapshot: ClusterSnapshot): Diagnosis {
  const view = new ClusterView(snapshot);
  const observations = collectObservations(view);
  const raw = [
    ...applyTextRules(textRules, observations, view),
    ...diagnoseProbeFailures(observations, view),
    ...structuralRules.flatMap((rule) => rule(view)),
  ];
  const findings = mergeByCode(raw);
  if (findings.length === 0 && snapshot.unreadable.length > 0) findings.push(unreadableFinding(snapshot.unreadable));
  const hostNetwork = assessHostNetwork(view);
  return {
    hostNetwork,
    containerNetwork: assessContainerNetwork(view, observations, findings, hostNetwork),
    findings,
    unreadable: snapshot.unreadable,
  };
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
    existing.evidence = dedupeEvidence([...existing.evidence, ...finding.evidence]);
    for (const command of finding.nextCommands) if (!existing.nextCommands.includes(command)) existing.nextCommands.push(command);
  }
  for (const finding of merged.values()) finding.nextCommands = finding.nextCommands.slice(0, maxNextCommands);
  return promoteRootCauses([...merged.values()]).sort(compareFindings);
}

/** Strong evidence of a root cause counts for what it explains: it is at least as likely and shown first. */
function promoteRootCauses(findings: Finding[]): Finding[] {
  return findings.map((root) => {
    if (root.confidence < minRootConfidence) return root;
    const explained = findings.filter((other) => causeExplains(root.code, other.code) && other.confidence > root.confidence);
    const confidence = Math.max(root.confidence, ...explained.map((other) => other.confidence));
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
