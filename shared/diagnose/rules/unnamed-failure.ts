import type { ClusterView } from '../cluster-view.js';
import { isFailureLine, statedSeverity } from '../failure-vocabulary.js';
import type { Observation } from '../observations.js';
import { maxEvidencePerFinding, type Diagnosis, type Evidence, type Finding } from '../types.js';
import { quoteEvidence } from './sandbox-readings.js';
import { emitterOf, nextCommandsFor, whereSeen } from './structural-readings.js';

/**
 * The last word when the verdict is NG and nothing, not even the structure of the evidence, names a
 * cause: an UNKNOWN finding that quotes the most failure-like texts, says where each was seen and what
 * to run next, so the operator is never left with a bare "NG". Without any such text it names what
 * made the verdict NG (the host network's reasons) and how to look further.
 */
export function unnamedFailureFinding(view: ClusterView, observations: readonly Observation[], hostNetwork: Diagnosis['hostNetwork']): Finding {
  const failing = mostFailureLike(observations);
  const first = failing[0];
  if (first) {
    const emitter = emitterOf(first, view);
    return {
      code: 'UNKNOWN', confidence: 0.2, basis: 'structure',
      evidence: failing.map((o) => o.evidence),
      explanation: `The container network is NG and no rule or structural reading names a cause; the most telling failure is in ${whereSeen(first, emitter)}: ${quoteEvidence(first.evidence.text)}`,
      nextCommands: [...nextCommandsFor(first, emitter).slice(0, 2), 'kubectl netcheck --ssh   # reads the kubelet, runtime and CNI files on the nodes'],
    };
  }
  const evidence: Evidence[] = hostNetwork.reasons.slice(0, maxEvidencePerFinding).map((reason) => ({ object: 'Host network', field: 'reasons', text: reason }));
  return {
    code: 'UNKNOWN', confidence: 0.2, basis: 'structure', evidence,
    explanation: evidence.length > 0
      ? `The container network cannot be judged while the host network is NG (${hostNetwork.reasons[0]}); no text read points at a cause.`
      : 'The container network is NG but no text read points at a cause.',
    nextCommands: ['kubectl get nodes -o wide', 'kubectl describe nodes | grep -A8 Conditions', 'kubectl get pods -A -o wide | grep -Ev "Running|Completed"', 'kubectl netcheck --ssh   # reads the kubelet, runtime and CNI files on the nodes'],
  };
}

/** Up to maxEvidencePerFinding current texts, fatal before error before failure-worded, in order of reading. */
function mostFailureLike(observations: readonly Observation[]): Observation[] {
  const buckets: Observation[][] = [[], [], []];
  for (const o of observations) {
    if (o.past !== undefined) continue;
    const score = failureScore(o);
    const bucket = score > 0 ? buckets[3 - score] : undefined;
    if (bucket && bucket.length < maxEvidencePerFinding) bucket.push(o);
  }
  return buckets.flat().slice(0, maxEvidencePerFinding);
}

function failureScore(o: Observation): number {
  const text = o.evidence.text;
  // Events are read as Warnings (the gatherer lists type=Warning); conditions only when abnormal.
  if (o.source === 'event' || o.source === 'nodeCondition') return 2;
  const severity = statedSeverity(text);
  if (severity === 'fatal') return 3;
  if (severity === 'error') return 2;
  return isFailureLine(text) ? 1 : 0;
}
