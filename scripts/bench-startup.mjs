#!/usr/bin/env node
// Start-up benchmark: median wall time of `kubectl-netcheck --version` next to
// `kubectl version --client`, measured in the same run, and their ratio.
// Goal: ratio <= 1.0. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 21);
// NODE_EXTRA_CA_CERTS makes every Node start read a CA bundle; users rarely set it.
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

function medianMs(cmd, args) {
  const times = [];
  spawnSync(cmd, args, { env }); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(cmd, args, { env, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${result.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const plugin = medianMs(path.join(root, 'dist', 'bin', 'kubectl-netcheck'), ['--version']);
const kubectl = medianMs('kubectl', ['version', '--client']);
const ratio = plugin / kubectl;
console.log(`runs: ${runs} each, medians`);
console.log(`kubectl-netcheck --version   ${plugin.toFixed(1)} ms`);
console.log(`kubectl version --client     ${kubectl.toFixed(1)} ms`);
console.log(`ratio                        ${ratio.toFixed(2)} (goal <= 1.00: ${ratio <= 1 ? 'met' : 'not met'})`);
