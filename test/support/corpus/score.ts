import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import type { CauseCode, Diagnosis } from '../../../shared/diagnose/types.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import { writeBundle } from '../../../shared/snapshot/write-bundle.js';
import { corpusCaseToSnapshot, type CorpusCaseInput } from './case-to-snapshot.js';

/**
 * Scores netcheck on a corpus file (test/fixtures/corpus/README.md): each case becomes
 * a cluster-info dump folder, is read back and diagnosed, and the top finding is
 * compared with the cause the thread established. Shared by the corpus test and
 * `npm run bench:accuracy`.
 */
export interface CorpusCase extends CorpusCaseInput {
  source: string;
  root_cause: string;
  fix: string;
  /** Causes the evidence fits equally: right when netcheck says it cannot decide between them. */
  undecidable?: string[];
}

/** "other" is right when the tool does not blame the container network. */
const notNetwork: (CauseCode | 'NONE')[] = ['NOT_A_NETWORK_FAULT', 'CNI_PLUGIN_ERROR', 'CNI_CREDENTIALS_REJECTED', 'PROBE_TARGET_NOT_LISTENING', 'UNKNOWN', 'NONE'];
export const expectedCodes: Record<string, (CauseCode | 'NONE')[]> = {
  'cni-not-installed': ['CNI_NOT_INSTALLED'],
  'cni-binary-missing': ['CNI_PLUGIN_BINARY_MISSING'],
  'cni-config-invalid': ['CNI_CONFIG_INVALID'],
  'cni-daemon-not-running': ['CNI_DAEMON_NOT_READY'],
  'subnet-env-missing': ['FLANNEL_SUBNET_ENV_MISSING'],
  'bridge-ip-conflict': ['BRIDGE_ADDRESS_CONFLICT'],
  'ipam-exhausted': ['IPAM_EXHAUSTED'],
  'podcidr-not-assigned': ['POD_CIDR_NOT_ASSIGNED'],
  'probe-network-unreachable': ['POD_NETWORK_UNREACHABLE'],
  'kube-proxy/iptables': ['SERVICE_PROXY_BROKEN'],
  'br_netfilter/sysctl': ['HOST_NETFILTER_SETTINGS'],
  'mtu': ['MTU_MISMATCH'],
  'dns-loop': ['DNS_FORWARDING_LOOP'],
  'other': notNetwork,
};

export interface CaseResult {
  id: string;
  rootCause: string;
  top: CauseCode | 'NONE';
  right: boolean;
  /** "Container network => OK" on a case whose evidence shows a failure. */
  falseAllClear: boolean;
  /** For undecidable cases: whether netcheck said it could not decide between the right causes. */
  saidUndecided?: boolean;
  findings: string;
}

export interface CorpusScore {
  file: string;
  cases: number;
  right: number;
  accuracy: number;
  falseAllClears: CaseResult[];
  misses: CaseResult[];
  /** root_cause → top code → count. */
  confusion: Map<string, Map<string, number>>;
  results: CaseResult[];
}

export function readCorpus(file: string | URL): CorpusCase[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CorpusCase);
}

/** One case, judged. Only the evidence reaches the converter, never the answer. */
export function judgeCase(corpusCase: CorpusCase, diagnosis: Diagnosis): CaseResult {
  const top = diagnosis.findings[0]?.code ?? 'NONE';
  const expected = expectedCodes[corpusCase.root_cause];
  if (!expected) throw new Error(`${corpusCase.id}: unknown root_cause ${corpusCase.root_cause}`);
  const findings = diagnosis.findings.map((f) => `${f.code} ${f.confidence.toFixed(2)}`).join(', ');
  const falseAllClear = diagnosis.containerNetwork.status === 'OK';
  if (corpusCase.undecidable && corpusCase.undecidable.length > 1) {
    const acceptable = new Set(corpusCase.undecidable.flatMap((cause) => expectedCodes[cause] ?? []));
    const named = (diagnosis.undecided?.between ?? []).filter((code) => acceptable.has(code));
    const saidUndecided = named.length >= 2;
    return { id: corpusCase.id, rootCause: corpusCase.root_cause, top, right: saidUndecided, falseAllClear, saidUndecided, findings };
  }
  return { id: corpusCase.id, rootCause: corpusCase.root_cause, top, right: expected.includes(top), falseAllClear, findings };
}

/** Diagnoses every case through a dump folder (the path a user's `--dump DIR` takes). */
export async function scoreCorpus(file: string | URL, cases: readonly CorpusCase[] = readCorpus(file)): Promise<CorpusScore> {
  const workDir = await mkdtemp(path.join(tmpdir(), 'netcheck-corpus-'));
  const results: CaseResult[] = [];
  try {
    for (const [index, corpusCase] of cases.entries()) {
      const { root_cause: _rootCause, fix: _fix, source: _source, undecidable: _undecidable, ...input } = corpusCase;
      const dumpDir = path.join(workDir, String(index));
      await writeBundle(corpusCaseToSnapshot(input), dumpDir);
      results.push(judgeCase(corpusCase, diagnose(await readDump(dumpDir))));
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  const confusion = new Map<string, Map<string, number>>();
  for (const r of results) {
    const row = confusion.get(r.rootCause) ?? new Map<string, number>();
    const column = r.saidUndecided ? 'UNDECIDED' : r.top;
    row.set(column, (row.get(column) ?? 0) + 1);
    confusion.set(r.rootCause, row);
  }
  const right = results.filter((r) => r.right).length;
  return {
    file: String(file instanceof URL ? file.pathname : file), cases: results.length, right,
    accuracy: results.length === 0 ? 0 : right / results.length,
    falseAllClears: results.filter((r) => r.falseAllClear),
    misses: results.filter((r) => !r.right),
    confusion, results,
  };
}

/** The report bench:accuracy prints; `showCases` lists the misses (never for a held-out set). */
export function renderScore(name: string, score: CorpusScore, showCases: boolean): string {
  const lines = [
    `${name}: ${score.file}`,
    `  top cause right: ${score.right}/${score.cases} = ${(score.accuracy * 100).toFixed(1)}%`,
    `  false all-clears (failure evidence, "Container network => OK"): ${score.falseAllClears.length}`,
  ];
  const undecidable = score.results.filter((r) => r.saidUndecided !== undefined);
  if (undecidable.length > 0) lines.push(`  undecidable cases where netcheck said it cannot decide: ${undecidable.filter((r) => r.saidUndecided).length}/${undecidable.length}`);
  lines.push('  confusion (established cause -> netcheck\'s top finding: count):');
  for (const [cause, row] of [...score.confusion].sort(([a], [b]) => a.localeCompare(b))) {
    const cells = [...row].sort((a, b) => b[1] - a[1]).map(([code, n]) => `${(expectedCodes[cause] ?? []).includes(code as CauseCode) ? '' : '!'}${code} ${n}`);
    lines.push(`    ${cause.padEnd(26)} ${cells.join(', ')}`);
  }
  if (showCases) {
    for (const m of score.misses) lines.push(`  miss ${m.id}: expected ${m.rootCause}, got ${m.top} [${m.findings}]`);
    for (const f of score.falseAllClears) lines.push(`  false all-clear ${f.id}`);
  }
  return lines.join('\n');
}

/** The blind readers' classes for one case (scripts/corpus/blind-reading.mjs): evidence only, no id, no thread. */
export interface CaseReadings {
  id: string;
  readings: Record<string, { class: string; decidable?: string }>;
}

/** Every case's readings from the files given (dev and held-out readings live apart); files that are not there add none. */
export function readBlindReadings(...files: (string | URL)[]): Map<string, CaseReadings> {
  return new Map(files.filter((file) => existsSync(file)).flatMap((file) => readFileSync(file, 'utf8').split('\n')
    .filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as CaseReadings)).map((r) => [r.id, r]));
}

export interface ReaderFigures {
  /** Cases of the set that every reader read. */
  casesRead: number;
  /** Per reader: cases where its class is the established cause (or one of an undecidable case's causes). */
  right: Record<string, number>;
  /** Cases every reader gets right, and how many of them netcheck gets right. */
  allReadersRight: number;
  netcheckOnThose: number;
}

/** How blind readers of the same evidence fare on a scored set: the evidence's own limit, next to netcheck's figure. */
export function scoreReaders(cases: readonly CorpusCase[], score: CorpusScore, readings: ReadonlyMap<string, CaseReadings>): ReaderFigures | undefined {
  const readers = [...new Set([...readings.values()].flatMap((r) => Object.keys(r.readings)))].sort();
  const netcheckRight = new Map(score.results.map((r) => [r.id, r.right]));
  const read = cases.filter((c) => readers.length > 0 && readers.every((reader) => readings.get(c.id)?.readings[reader]));
  if (read.length === 0) return undefined;
  const readerRight = (c: CorpusCase, reader: string) => {
    const named = readings.get(c.id)!.readings[reader]!.class;
    return c.undecidable && c.undecidable.length > 1 ? c.undecidable.includes(named) : named === c.root_cause;
  };
  const right = Object.fromEntries(readers.map((reader) => [reader, read.filter((c) => readerRight(c, reader)).length]));
  const allRight = read.filter((c) => readers.every((reader) => readerRight(c, reader)));
  return { casesRead: read.length, right, allReadersRight: allRight.length, netcheckOnThose: allRight.filter((c) => netcheckRight.get(c.id)).length };
}

export function renderReaders(figures: ReaderFigures, cases: number): string {
  const pct = (n: number, of: number) => `${n}/${of}${of === 0 ? '' : ` = ${(100 * n / of).toFixed(1)}%`}`;
  return [
    `  blind readers of the same evidence (test/fixtures/corpus/blind-readings*.jsonl; ${figures.casesRead} of ${cases} cases read):`,
    ...Object.entries(figures.right).map(([reader, n]) => `    ${reader}: ${pct(n, figures.casesRead)}`),
    `    every reader right: ${figures.allReadersRight}; netcheck right on those: ${pct(figures.netcheckOnThose, figures.allReadersRight)}`,
  ].join('\n');
}
