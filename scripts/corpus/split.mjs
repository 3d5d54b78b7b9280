#!/usr/bin/env node
// Adds new corpus cases (JSONL files given as arguments) to test/fixtures/corpus/{dev,held-out}.jsonl
// by the rule fixed in test/fixtures/corpus/README.md: held out when the first byte of sha256(id)
// is below 0xa0. The assignment depends on the id alone, never on what netcheck says about a case.
// Usage: node scripts/corpus/split.mjs NEW.jsonl... [--out DIR]  (DIR defaults to test/fixtures/corpus)
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outDir = outIndex >= 0 ? args.splice(outIndex, 2)[1] : new URL('../../test/fixtures/corpus/', import.meta.url).pathname;
const files = { dev: path.join(outDir, 'dev.jsonl'), heldOut: path.join(outDir, 'held-out.jsonl') };

export function isHeldOut(id) {
  return createHash('sha256').update(id, 'utf8').digest()[0] < 0xa0;
}

function readCases(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((line, i) => {
    try { return JSON.parse(line); } catch (e) { throw new Error(`${file}:${i + 1}: ${e.message}`); }
  });
}

const known = new Map([...readCases(files.dev), ...readCases(files.heldOut)].map((c) => [c.id, c]));
const knownSources = new Set([...known.values()].map((c) => c.source.replace(/ .*/, '')));
const added = { dev: [], heldOut: [] };
for (const file of args) {
  for (const c of readCases(file)) {
    if (known.has(c.id)) continue;
    const thread = c.source.replace(/ .*/, '');
    if (knownSources.has(thread)) { console.error(`skip ${c.id}: thread ${thread} is already in the corpus`); continue; }
    for (const field of ['id', 'source', 'evidence', 'root_cause']) if (!(field in c)) throw new Error(`${file}: ${c.id ?? '?'} has no ${field}`);
    known.set(c.id, c);
    knownSources.add(thread);
    added[isHeldOut(c.id) ? 'heldOut' : 'dev'].push(c);
  }
}
for (const part of ['dev', 'heldOut']) {
  if (added[part].length === 0) continue;
  const before = existsSync(files[part]) ? readFileSync(files[part], 'utf8') : '';
  writeFileSync(files[part], before + (before === '' || before.endsWith('\n') ? '' : '\n') + added[part].map((c) => JSON.stringify(c)).join('\n') + '\n');
}
console.log(`added ${added.dev.length} to dev, ${added.heldOut.length} to held-out`);
