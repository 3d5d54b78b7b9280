import { existsSync } from 'node:fs';
import { expectedCodes, judgeCase, readBlindReadings, readCorpus, renderScore, scoreCorpus, scoreReaders, type CorpusScore } from '../../support/corpus/score.js';

/**
 * Real failure cases from public issue threads (test/fixtures/corpus/README.md), each
 * written as a cluster-info dump folder, read back and diagnosed (test/support/corpus/).
 * dev.jsonl is what rules may be tuned on; held-out.jsonl is only scored, here and by
 * `npm run bench:accuracy`: this test opens it at run time and prints no case of it.
 * NETCHECK_CORPUS=path/to/other.jsonl scores another file as a dev set.
 */
const corpusDir = new URL('../../fixtures/corpus/', import.meta.url);
const devFile = process.env['NETCHECK_CORPUS'] ?? new URL('dev.jsonl', corpusDir).pathname;
const heldOutFile = new URL('held-out.jsonl', corpusDir).pathname;

/** The cases the rules were first written on (README: "The first 37 cases of dev.jsonl came first"). */
const firstDevCases = 37;
/** dev.jsonl before the fourth collection round (2026-11-30) appended its cases. */
const devCasesBeforeRound4 = 119;

describe('corpus of real cases', () => {
  // The floors are regression guards at today's level, per generation of the dev set: the first 37 cases (the rules
  // were written on them), the 119 of 2026-11-30 morning, and all of them after rounds 4 and 5 added 43 fresh cases
  // (2026-11-30: 136/162, the first 119 at 108/119; the 43 fresh ones scored 20/43 with the rules of that morning, 28/43 after).
  it('dev set: no false all-clear; the established cause first in at least 80%, and in 90% of the first 37 and of the first 119 cases', async () => {
    const score = await scoreCorpus(devFile);
    console.log(renderScore('dev', score, true));
    expect(score.cases).toBeGreaterThan(0);
    expect(score.falseAllClears.map((r) => r.id)).toEqual([]);
    // Every case shows a failure: each gets at least one finding (a cause, or an UNKNOWN quoting what failed).
    expect(score.results.filter((r) => r.top === 'NONE').map((r) => r.id)).toEqual([]);
    if (process.env['NETCHECK_CORPUS'] === undefined) {
      const first = await scoreCorpus(devFile, readCorpus(devFile).slice(0, firstDevCases));
      expect(first.accuracy).toBeGreaterThanOrEqual(0.9);
      const morning = await scoreCorpus(devFile, readCorpus(devFile).slice(0, devCasesBeforeRound4));
      expect(morning.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(score.accuracy).toBeGreaterThanOrEqual(0.8);
    }
  });

  // The goal on held-out cases is 90% (issue 9) and is not reached (105/209 = 50.2% on 2026-11-30; blind readers of the same
  // evidence 75-78%, see `npm run bench:accuracy`). Asserted here: never a false all-clear, and never below what the rules
  // scored when the split was fixed (44/96), so a rule change that loses held-out cases shows up red.
  (existsSync(heldOutFile) ? it : it.skip)('held-out set: no false all-clear, never below its first score (scored, never tuned on)', async () => {
    // No figures printed here: whoever runs the unit tests while tuning rules must not see them (bench:accuracy prints them).
    const score = await scoreCorpus(heldOutFile);
    expect(score.cases).toBeGreaterThan(0);
    expect(score.falseAllClears.length).toBe(0);
    expect(score.accuracy).toBeGreaterThanOrEqual(44 / 96);
  });
});

describe('scoring an undecidable case', () => {
  const corpusCase = { id: 'x', source: 'github:o/r#1', root_cause: 'mtu', fix: '', undecidable: ['mtu', 'kube-proxy/iptables'], evidence: {} };
  const diagnosis = (undecided?: { between: ('MTU_MISMATCH' | 'SERVICE_PROXY_BROKEN' | 'DNS_FORWARDING_LOOP')[]; reason: string }) => ({
    hostNetwork: { status: 'OK' as const, reasons: [] }, containerNetwork: { status: 'NG' as const, step: 'case-b' as const },
    findings: [{ code: 'MTU_MISMATCH' as const, confidence: 0.6, evidence: [], explanation: '', nextCommands: [] }], unreadable: [], history: [], ...(undecided && { undecided }),
  });

  it('is right only when netcheck says it cannot decide between two of its causes', () => {
    expect(judgeCase(corpusCase, diagnosis({ between: ['MTU_MISMATCH', 'SERVICE_PROXY_BROKEN'], reason: '' })).right).toBe(true);
    expect(judgeCase(corpusCase, diagnosis()).right).toBe(false);
    expect(judgeCase(corpusCase, diagnosis({ between: ['MTU_MISMATCH', 'DNS_FORWARDING_LOOP'], reason: '' })).right).toBe(false);
  });
});

describe('blind readers\' figures next to netcheck\'s', () => {
  const cases = [
    { id: 'a', source: 'github:o/r#1', root_cause: 'mtu', fix: '', evidence: {} },
    { id: 'b', source: 'github:o/r#2', root_cause: 'dns-loop', fix: '', evidence: {} },
    { id: 'c', source: 'github:o/r#3', root_cause: 'mtu', fix: '', undecidable: ['mtu', 'kube-proxy/iptables'], evidence: {} },
    { id: 'unread', source: 'github:o/r#4', root_cause: 'mtu', fix: '', evidence: {} },
  ];
  const score = { results: [{ id: 'a', right: true }, { id: 'b', right: false }, { id: 'c', right: false }, { id: 'unread', right: true }] } as unknown as CorpusScore;
  // Only the fields scoreReaders reads: the ids and whether netcheck was right.
  const readings = new Map([
    ['a', { id: 'a', readings: { r1: { class: 'mtu' }, r2: { class: 'mtu' } } }],
    ['b', { id: 'b', readings: { r1: { class: 'dns-loop' }, r2: { class: 'other' } } }],
    ['c', { id: 'c', readings: { r1: { class: 'kube-proxy/iptables' }, r2: { class: 'mtu' } } }],
  ]);

  it('counts each reader\'s right classes (an undecidable case\'s causes all count), the cases all get and netcheck on those', () => {
    expect(scoreReaders(cases, score, readings)).toEqual({ casesRead: 3, right: { r1: 3, r2: 2 }, allReadersRight: 2, netcheckOnThose: 1 });
  });

  it('says nothing for a set no reader has read', () => {
    expect(scoreReaders(cases.slice(3), score, readings)).toBeUndefined();
  });

  it('the recorded readings are of corpus cases (dev readings of dev cases only), each by every reader, with a known class', () => {
    // The held-out readings are checked without printing any of them.
    const devReadings = readBlindReadings(new URL('blind-readings.jsonl', corpusDir));
    const recorded = readBlindReadings(new URL('blind-readings.jsonl', corpusDir), new URL('blind-readings.held-out.jsonl', corpusDir));
    const readers = new Set([...recorded.values()].flatMap((r) => Object.keys(r.readings)));
    const devIds = new Set(readCorpus(devFile).map((c) => c.id));
    const ids = new Set(devIds);
    if (existsSync(heldOutFile)) readCorpus(heldOutFile).forEach((c) => ids.add(c.id));
    expect(readers.size).toBeGreaterThanOrEqual(2);
    expect([...devReadings.keys()].filter((id) => !devIds.has(id))).toEqual([]);
    expect([...recorded.keys()].filter((id) => !ids.has(id)).length).toBe(0);
    expect([...recorded.values()].filter((r) => Object.keys(r.readings).length !== readers.size).length).toBe(0);
    const classes = new Set(Object.keys(expectedCodes));
    expect([...recorded.values()].flatMap((r) => Object.values(r.readings)).filter((r) => !classes.has(r.class)).length).toBe(0);
  });
});
