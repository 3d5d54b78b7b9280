import fs from 'node:fs';
import path from 'node:path';
import { runBadInput } from '../../support/bad-input.js';
import { copyDump, fixtureDumps } from '../../support/damaged-dumps.js';

// Random mutations of the recorded dumps under test/fixtures/dumps, read by the built binary.
// Whatever the damage: no crash, no hang, no JavaScript internals on stderr, nothing written.
// npm test runs a fixed seed; NETCHECK_FUZZ_RUNS=2000 NETCHECK_FUZZ_SEED=n runs more on demand.

const runs = Number(process.env.NETCHECK_FUZZ_RUNS ?? 40);
const seed = Number(process.env.NETCHECK_FUZZ_SEED ?? 20261129);

/** mulberry32: small, seedable, good enough to pick mutations reproducibly. */
function prng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
}

const oddValues: unknown[] = [null, 0, -1, 1e308, '', 'x'.repeat(100_000), '\u001b[2J\n\r\u0000', [], {}, [[[[[]]]]], true, { items: 'no' }, [{}], 'Maybe'];

/** Replaces, deletes or duplicates one value somewhere in a JSON document. */
function mutateJson(doc: unknown, random: () => number): unknown {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  if (doc === null || typeof doc !== 'object' || random() < 0.15) return pick(oddValues);
  const container = doc as Record<string, unknown>;
  const keys = Object.keys(container);
  if (keys.length === 0) return pick(oddValues);
  const key = pick(keys);
  const roll = random();
  if (roll < 0.2 && !Array.isArray(container)) delete container[key];
  else if (roll < 0.3 && Array.isArray(container)) container.push(...container.slice(0, 3));
  else container[key] = mutateJson(container[key], random);
  return doc;
}

function mutateFile(file: string, random: () => number): string {
  const bytes = fs.readFileSync(file);
  const roll = random();
  if (file.endsWith('.json') && roll < 0.55) {
    try {
      const doc = mutateJson(JSON.parse(bytes.toString('utf8')), random);
      fs.writeFileSync(file, JSON.stringify(doc) ?? 'undefined');
      return `json value in ${file}`;
    } catch {
      // not JSON to begin with: fall through to byte damage
    }
  }
  if (roll < 0.65) {
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(random() * bytes.length)));
    return `truncated ${file}`;
  }
  if (roll < 0.75) {
    const copy = Buffer.from(bytes);
    for (let i = 0; i < 1 + random() * 20 && copy.length > 0; i++) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    fs.writeFileSync(file, copy);
    return `flipped bytes in ${file}`;
  }
  if (roll < 0.82) {
    fs.writeFileSync(file, Buffer.concat([bytes, Buffer.from(`\n${'A'.repeat(80_000)}\u001b]0;x\u0007\n`)]));
    return `long line appended to ${file}`;
  }
  if (roll < 0.88) {
    fs.rmSync(file);
    return `deleted ${file}`;
  }
  if (roll < 0.94) {
    fs.rmSync(file);
    fs.mkdirSync(file);
    return `folder instead of ${file}`;
  }
  fs.rmSync(file);
  fs.symlinkSync(random() < 0.5 ? '/dev/zero' : '/nonexistent', file);
  return `symlink instead of ${file}`;
}

const dumps = fs.readdirSync(fixtureDumps, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
const random = prng(seed);
const cases = Array.from({ length: runs }, (_, i) => {
  const dump = dumps[Math.floor(random() * dumps.length)]!;
  const mutations = 1 + Math.floor(random() * 3);
  const seeds = Array.from({ length: mutations }, () => Math.floor(random() * 2 ** 31));
  const output = ['text', 'json', 'yaml'][Math.floor(random() * 3)]!;
  return [`#${i} ${dump} x${mutations} -o ${output}`, dump, seeds, output] as const;
});

describe(`fuzzed dump folders (seed ${seed}, ${runs} runs)`, () => {
  it.concurrent.each(cases)('%s', async (_name, dump, seeds, output) => {
    const applied: string[] = [];
    const run = await runBadInput('kubectl-netcheck', ['--dump', 'dump', '-o', output], {
      setUp: (work) => {
        const copy = copyDump(dump, work);
        for (const s of seeds) {
          const r = prng(s);
          const files = filesUnder(copy);
          if (files.length === 0) break;
          applied.push(mutateFile(files[Math.floor(r() * files.length)]!, r).replace(`${work}/`, ''));
        }
      },
      hangGuardMs: 30_000,
    });
    const context = `mutations: ${applied.join('; ')}\nexit ${run.code} signal ${run.signal} in ${run.ms} ms\nstderr:\n${run.stderr}`;
    if (run.signal !== null) throw new Error(`hang or crash\n${context}`);
    if (![0, 1, 3].includes(run.code!)) throw new Error(`unexpected exit code\n${context}`);
    if (/^\s+at .+[(:]\d+/m.test(run.stderr) || /node:internal|\b(TypeError|ReferenceError|RangeError): |Maximum call stack/.test(run.stderr)) {
      throw new Error(`JavaScript internals on stderr\n${context}`);
    }
    if (run.code === 3 && !/^error: /.test(run.stderr)) throw new Error(`exit 3 without an error line\n${context}`);
    if (run.stderr.split('\n').filter((l) => l.startsWith('error: ')).length > 1) throw new Error(`more than one error line\n${context}`);
    if (run.changed.length > 0) throw new Error(`wrote ${run.changed.join(', ')}\n${context}`);
  }, 60_000);
});
