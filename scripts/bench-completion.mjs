#!/usr/bin/env node
// Completion benchmark: median wall time of the answers kubectl asks for on
// each Tab (the helper kubectl runs is `kubectl-netcheck __complete PLUGIN ...`).
// Goal: every median <= 300 ms. Pods and nodes come from the cluster in
// KUBECONFIG (the lab: eval "$(bash scripts/lab/lab.sh env)", under the lab lock);
// the unreachable case uses a kubeconfig pointing at a closed local port.
// Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const binary = path.join(root, 'dist', 'bin', 'kubectl-netcheck');
const runs = Number(process.env.BENCH_RUNS ?? 15);
const goalMs = 300;
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

const unreachable = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-completion-')), 'kubeconfig');
fs.writeFileSync(unreachable, 'apiVersion: v1\nkind: Config\ncurrent-context: gone\nclusters: [{name: gone, cluster: {server: "https://127.0.0.1:9"}}]\n' +
  'contexts: [{name: gone, context: {cluster: gone, user: gone}}]\nusers: [{name: gone, user: {token: x}}]\n');

function median(words, extraEnv = {}) {
  const args = ['__complete', ...words];
  const times = [];
  let lines = 0;
  spawnSync(binary, args, { env: { ...env, ...extraEnv } });
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(binary, args, { env: { ...env, ...extraEnv }, encoding: 'utf8' });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    lines = result.stdout.trim().split('\n').length - 1;
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], lines };
}

const cases = [
  ['flags (no cluster)', ['tap', '--']],
  ['enum values (no cluster)', ['tap', '--mirrortype', '']],
  ['pods in kube-system', ['nsenter', '-n', 'kube-system', '']],
  ['nodes for --dest', ['tap', 'web-0', '--dest', '']],
  ['contexts (kubeconfig only)', ['nsenter', '--context', '']],
  ['pods, cluster unreachable', ['nsenter', ''], { KUBECONFIG: unreachable }],
];
let met = true;
console.log(`runs: ${runs} each, medians (goal <= ${goalMs} ms)`);
for (const [name, words, extraEnv] of cases) {
  const { ms, lines } = median(words, extraEnv);
  met &&= ms <= goalMs;
  console.log(`${name.padEnd(30)} ${ms.toFixed(1).padStart(7)} ms  ${lines} candidates`);
}
console.log(`goal ${met ? 'met' : 'not met'}`);
fs.rmSync(path.dirname(unreachable), { recursive: true, force: true });
