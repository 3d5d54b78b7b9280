#!/usr/bin/env node
// How often netcheck names the cause an issue thread established, on the corpus of real
// cases (test/fixtures/corpus/README.md): the dev set (rules may be tuned on it) and the
// held-out set (scored, never tuned on) separately. For each: top-cause accuracy, the
// false all-clear count ("Container network => OK" on a case with failure evidence) and
// the confusion between causes. Misses are listed for dev and extra files only.
//   npm run bench:accuracy [-- [--dev-only] more.jsonl ...]     (extra files are scored as dev sets)
// Where blind readers have read the cases (blind-readings*.jsonl), their figures follow netcheck's.
// --dev-only leaves the held-out figures out: what whoever tunes rules runs, so that no
// figure of the held-out set steers a rule change.
// The scorer is TypeScript shared with the corpus test; esbuild (as in scripts/build.mjs)
// bundles it once into dist/bench/ and this script imports it: no TypeScript at run time.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'bench', 'corpus-score.mjs');
await esbuild.build({
  entryPoints: [path.join(root, 'test', 'support', 'corpus', 'score.ts')],
  outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20',
  packages: 'external', logLevel: 'warning',
});
const { scoreCorpus, renderScore, readCorpus, readBlindReadings, scoreReaders, renderReaders } = await import(pathToFileURL(outfile).href);

const corpus = path.join(root, 'test', 'fixtures', 'corpus');
// What blind readers name from the same evidence: the limit the evidence itself sets (scripts/corpus/blind-reading.mjs).
const blindReadings = readBlindReadings(path.join(corpus, 'blind-readings.jsonl'), path.join(corpus, 'blind-readings.held-out.jsonl'));
const devOnly = process.argv.includes('--dev-only');
const sets = [
  { name: 'dev', file: path.join(corpus, 'dev.jsonl'), showCases: true },
  ...(devOnly ? [] : [{ name: 'held-out', file: path.join(corpus, 'held-out.jsonl'), showCases: false }]),
  ...process.argv.slice(2).filter((arg) => arg !== '--dev-only').map((file) => ({ name: `extra ${path.basename(file)}`, file: path.resolve(file), showCases: !/held-out|collector/.test(path.basename(file)) })),
];

let falseAllClears = 0;
for (const set of sets) {
  if (!fs.existsSync(set.file)) {
    console.log(`${set.name}: ${path.relative(root, set.file)} not present, skipped\n`);
    continue;
  }
  const started = process.hrtime.bigint();
  const cases = readCorpus(set.file);
  const score = await scoreCorpus(set.file, cases);
  falseAllClears += score.falseAllClears.length;
  console.log(renderScore(set.name, score, set.showCases));
  const readers = scoreReaders(cases, score, blindReadings);
  if (readers) console.log(renderReaders(readers, score.cases));
  console.log(`  (${score.cases} cases in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)\n`);
}
console.log(`false all-clears over all sets: ${falseAllClears}`);
