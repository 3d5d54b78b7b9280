import type { Unreadable } from '../snapshot/types.js';
import type { CauseCode } from './cause-catalog.js';

export type { CauseCode } from './cause-catalog.js';

/** Where the container network setup is stuck (see docs/causes.md). */
export type Step = 'waiting-for-cni' | 'ready' | 'case-a' | 'case-b' | 'unknown';

/** The exact object, field and text a finding rests on. */
export interface Evidence {
  /** e.g. `Pod kube-system/coredns-5d78c9869d-abcde`, `Node worker-1`. */
  object: string;
  /** e.g. `events[FailedCreatePodSandBox].message`, `status.conditions[Ready].message`, `kubelet.log`. */
  field: string;
  /** The text as read, one line for logs. */
  text: string;
}

export interface Finding {
  code: CauseCode;
  /** 0..1; see confidenceLabel for the bands rendered as high / medium / low. */
  confidence: number;
  /** Most telling first, at most maxEvidencePerFinding. */
  evidence: Evidence[];
  /** One or two sentences: what the evidence means. */
  explanation: string;
  /** Commands that confirm or fix it, to run in this order; at most maxNextCommands. */
  nextCommands: string[];
  /**
   * Set when no rule's wording matched and the cause was read from the structure of the evidence
   * (who printed it, that it is a failure, Go's error kind): such findings rank below every rule's.
   */
  basis?: 'structure';
}

export interface Diagnosis {
  hostNetwork: { status: 'OK' | 'NG'; reasons: string[] };
  containerNetwork: { status: 'OK' | 'NG'; step: Step };
  /** Most likely first. */
  findings: Finding[];
  /** What could not be read, so absent evidence is not mistaken for a healthy cluster. */
  unreadable: Unreadable[];
  /**
   * Failure texts that are history, not counted in the verdict: node log lines older than
   * the node's last Ready transition, or about pods that are Ready now or gone.
   */
  history: HistoryNote[];
  /** Set when the top findings are of similar confidence and different causes: netcheck cannot decide. */
  undecided?: Undecided;
}

export interface HistoryNote {
  evidence: Evidence;
  /** Why it is history, e.g. "older than node-1 becoming Ready at 2026-11-29T21:50:28.000Z". */
  note: string;
  /** The cause it would point at if it were current, when a rule names one. */
  code?: CauseCode;
}

export interface Undecided {
  /** The causes the evidence fits about equally, most likely first. */
  between: CauseCode[];
  /** One sentence for the report. */
  reason: string;
}

/** Findings within this much of the top one, of other causes, make the top a guess. */
export const undecidedMargin = 0.1;
export const maxHistoryNotes = 10;

export const maxEvidencePerFinding = 4;
export const maxNextCommands = 4;

export type ConfidenceLabel = 'high' | 'medium' | 'low';

export function confidenceLabel(confidence: number): ConfidenceLabel {
  if (confidence >= 0.8) return 'high';
  if (confidence >= 0.5) return 'medium';
  return 'low';
}
