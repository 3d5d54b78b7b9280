import yaml from 'js-yaml';
import { causeCatalog } from './cause-catalog.js';
import { confidenceLabel, type ConfidenceLabel, type Diagnosis, type Finding } from './types.js';

export interface RenderTextOptions {
  color: boolean;
  /** Evidence text longer than this is cut in the middle with "…" (JSON and YAML keep it whole). */
  maxEvidenceChars?: number;
}

const ansi = { red: '\x1b[31m', green: '\x1b[32m', yellow: '\x1b[33m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const labelColor: Record<ConfidenceLabel, string> = { high: ansi.red, medium: ansi.yellow, low: ansi.dim };

/**
 * The human report. The first two lines are always
 *   Host network => OK|NG
 *   Container network => OK|NG (<step>)
 * then host reasons, findings (most likely first) and what could not be read.
 */
export function renderText(diagnosis: Diagnosis, options: RenderTextOptions): string {
  const paint = (code: string, text: string) => (options.color ? `${code}${text}${ansi.reset}` : text);
  const status = (s: 'OK' | 'NG') => paint(s === 'OK' ? ansi.green : ansi.red, s);
  const maxChars = options.maxEvidenceChars ?? 400;
  const lines = [
    `Host network => ${status(diagnosis.hostNetwork.status)}`,
    `Container network => ${status(diagnosis.containerNetwork.status)} (${diagnosis.containerNetwork.step})`,
  ];
  for (const reason of diagnosis.hostNetwork.reasons) lines.push(`  - ${reason}`);
  if (diagnosis.undecided) {
    const names = diagnosis.undecided.between.map((code) => `${code} (${causeCatalog[code].title})`);
    lines.push('', `Cannot decide between ${names.slice(0, -1).join(', ')} and ${names.at(-1)}: ${diagnosis.undecided.reason}.`);
  }
  if (diagnosis.findings.length === 0) lines.push('', 'No findings.');
  diagnosis.findings.forEach((finding, index) => {
    const label = confidenceLabel(finding.confidence);
    lines.push('', `${index + 1}. ${paint(ansi.bold, finding.code)}  ${paint(labelColor[label], `${label} (${finding.confidence.toFixed(2)})`)}  ${causeCatalog[finding.code].title}`);
    lines.push(`   ${finding.explanation}`);
    for (const e of finding.evidence) {
      lines.push(`   evidence: ${e.object} ${paint(ansi.dim, e.field)}`, `     ${JSON.stringify(truncate(e.text, maxChars))}`);
    }
    if (finding.nextCommands.length > 0) lines.push('   next:', ...finding.nextCommands.map((c) => `     $ ${c}`));
  });
  const { history } = diagnosis;
  if (history.length > 0) {
    lines.push('', 'History (past failures, not counted in the verdict):');
    for (const h of history) {
      lines.push(`  - ${h.evidence.object} ${paint(ansi.dim, h.evidence.field)}${h.code ? ` (${h.code})` : ''}: ${h.note}`, `     ${JSON.stringify(truncate(h.evidence.text, maxChars))}`);
    }
  }
  if (diagnosis.unreadable.length > 0) {
    lines.push('', 'Could not read:', ...diagnosis.unreadable.map((u) => `  - ${u.what}: ${u.reason}`));
  }
  return `${lines.join('\n')}\n`;
}

/** Cuts the middle: runtimes wrap the cause, so the end of a message matters most. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - head - 1))}`;
}

/** The machine-readable document behind `-o json` / `-o yaml` (schema in docs/causes.md). */
export interface DiagnosisReport extends Omit<Diagnosis, 'findings'> {
  apiVersion: 'netcheck/v1';
  kind: 'Diagnosis';
  findings: (Finding & { title: string; confidenceLabel: ConfidenceLabel })[];
}

export function toReport(diagnosis: Diagnosis): DiagnosisReport {
  return {
    apiVersion: 'netcheck/v1',
    kind: 'Diagnosis',
    hostNetwork: diagnosis.hostNetwork,
    containerNetwork: diagnosis.containerNetwork,
    findings: diagnosis.findings.map((f) => ({ ...f, title: causeCatalog[f.code].title, confidenceLabel: confidenceLabel(f.confidence) })),
    unreadable: diagnosis.unreadable,
    history: diagnosis.history,
    ...(diagnosis.undecided && { undecided: diagnosis.undecided }),
  };
}

export function renderJson(diagnosis: Diagnosis): string {
  return `${JSON.stringify(toReport(diagnosis), null, 2)}\n`;
}

export function renderYaml(diagnosis: Diagnosis): string {
  return yaml.dump(toReport(diagnosis), { lineWidth: -1, noRefs: true });
}
