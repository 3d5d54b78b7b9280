import { readFileSync } from 'node:fs';
import { catalogEntries, fillFormat, patternFromFormat } from '../../../../shared/diagnose/catalog/index.js';
import { ruleFromEntry } from '../../../../shared/diagnose/catalog/catalog-entry.js';
import { diagnose, textRules } from '../../../../shared/diagnose/diagnose.js';
import { emptySnapshot } from '../../../../shared/snapshot/types.js';
import { makeNode } from '../snapshot-builders.js';
import { arrivalsOf, escapeQuoted } from './arrivals.js';

/**
 * One test per catalogued wording: the message as its source writes it (format filled with
 * realistic values), arriving every way it can (events, kubelet and runtime logs in klog,
 * journald and logfmt, node conditions, daemon logs and probes), names the entry's cause first.
 */
const verbCount = (format: string) => [...format.matchAll(/%%|%[#+ 0-9.-]*[a-zA-Z]/g)].filter((m) => m[0] !== '%%').length;
const genericPluginError = /netcheck knows no more specific cause/;
const wrappers = new Set(catalogEntries.filter((e) => e.emitter === 'runtime-sandbox' && e.code === 'CNI_PLUGIN_ERROR').map((e) => e.id));

const cases = catalogEntries.flatMap((entry) => entry.examples.map((values, i) => ({ entry, values, name: `${entry.id}${entry.examples.length > 1 ? ` #${i + 1}` : ''}` })));

describe('the catalogue', () => {
  it('every entry names its source and gives values for every verb of its format', () => {
    for (const entry of catalogEntries) {
      expect(entry.source.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      // Go, or C for the daemons some agents run (Open vSwitch, BIRD).
      expect(entry.source.file).toMatch(/\.(go|c)$/);
      expect(entry.source.format.length).toBeGreaterThan(0);
      expect(entry.examples.length).toBeGreaterThan(0);
      for (const values of entry.examples) expect([entry.id, values.length]).toEqual([entry.id, verbCount(entry.source.format)]);
    }
  });

  it('docs/causes.md lists every project and file the catalogue reads', () => {
    const docs = readFileSync(new URL('../../../../docs/causes.md', import.meta.url), 'utf8');
    const coverage = docs.slice(docs.indexOf('### Coverage'));
    const missing = catalogEntries.flatMap((entry) => {
      const file = (entry.source.file.split('/').pop() ?? '').replace(/\.(go|c)$/, '');
      return [entry.source.repo, file].filter((name) => !coverage.includes(name)).map((name) => `${entry.id}: ${name}`);
    });
    expect(missing).toEqual([]);
  });

  it('ids are unique', () => {
    const ids = catalogEntries.map((e) => e.id);
    expect(ids.length).toBe(new Set(ids).size);
  });
});

describe('patternFromFormat', () => {
  it('matches the printed text, plain and with escaped quotes, and names the verbs', () => {
    const pattern = patternFromFormat('%q already has an IP address different from %v', ['bridge', 'address']);
    const printed = fillFormat('%q already has an IP address different from %v', ['cni0', 'fd00:10:244:1::1/64']);
    expect(printed).toBe('"cni0" already has an IP address different from fd00:10:244:1::1/64');
    expect(pattern.exec(printed)?.groups).toEqual({ bridge: 'cni0', address: 'fd00:10:244:1::1/64' });
    expect(pattern.exec(`error="${escapeQuoted(printed)}"`)?.groups).toEqual({ bridge: 'cni0', address: 'fd00:10:244:1::1/64' });
  });

  it('leaves out unnamed verbs at either end and keeps literal punctuation literal', () => {
    expect(patternFromFormat('%s: check that the calico/node container is running (%d)').source).toBe(': check that the calico\\/node container is running \\((?:-?\\d+)\\)');
    expect(patternFromFormat('no IP addresses available in range set: %s').test('no IP addresses available in range set')).toBe(false);
  });

  it('does not match a different wording', () => {
    expect(patternFromFormat('node %q pod cidr not assigned', ['nodeName']).test('node "node-2" pod cidr assigned')).toBe(false);
  });
});

describe.each(cases)('$name', ({ entry, values }) => {
  const message = fillFormat(entry.source.format, values);
  const rule = ruleFromEntry(entry);

  it(`its pattern matches the message as ${entry.source.repo} ${entry.source.file} prints it`, () => {
    expect(rule.pattern.test(message)).toBe(true);
    expect(rule.pattern.test(escapeQuoted(message))).toBe(true);
  });

  it.each(arrivalsOf(entry, message).map((a) => [a.route, a] as const))(`names ${entry.code} first when it arrives as %s`, (_route, arrival) => {
    // This entry itself recognises the text, wherever and however quoted it arrives.
    expect(rule.pattern.test(arrival.text)).toBe(true);
    const diagnosis = diagnose(arrival.snapshot);
    const top = diagnosis.findings[0];
    expect({ top: top?.code, text: arrival.text }).toEqual({ top: entry.code, text: arrival.text });
    expect(diagnosis.containerNetwork.status).toBe(entry.code === 'NOT_A_NETWORK_FAULT' ? diagnosis.containerNetwork.status : 'NG');
    expect(top?.evidence.map((e) => e.text)).toContain(arrival.text);
    expect(top?.explanation).not.toMatch(/\{\w+\}/);
    // A plugin error with its own entry speaks for itself, not through the catch-all.
    if (entry.code === 'CNI_PLUGIN_ERROR' && !wrappers.has(entry.id)) expect(top?.explanation).not.toMatch(genericPluginError);
  });
});

describe('every text rule is cheap on long lines', () => {
  // A pattern that can start with "any run of characters" is tried from every character of every
  // line: quadratic on the long tokens logs contain. Each must start with something literal
  // (or a word start), so a failed match is one pass over the line.
  const startsUnbounded = (source: string) => /^(?:\((?:\?<\w+>|\?:)?)*(?:\.|\\S|\[\^)/.test(source);
  it.each(textRules.map((rule) => [rule.id, rule.pattern.source] as const))('%s', (_id, source) => {
    expect(startsUnbounded(source)).toBe(false);
  });
});

describe('a node condition saying "no CNI config"', () => {
  it('is judged with its context (other nodes work): no second, contradicting "nothing installed" finding', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [
      makeNode('node-1', { podCIDR: '10.244.1.0/24', ready: 'False', message: 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized' }),
      makeNode('node-2', { podCIDR: '10.244.2.0/24' }),
    ];
    expect(diagnose(snapshot).findings.map((f) => f.code)).toEqual(['CNI_DAEMON_NOT_READY']);
  });
});
