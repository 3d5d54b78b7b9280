#!/usr/bin/env node
// netcheck at scale: against the lab's apiserver loaded with 1,000 API-only nodes
// and 30,000 pods (and a few thousand events), the wall time and peak memory of
// `kubectl netcheck -o json` next to `kubectl get pods -A -o json` in the same run.
// Goal: <= 1.5x kubectl's time, <= 300 MiB. Needs root (the lab) and `npm run build`.
// Beside them, the raw list: one unpaged GET /api/v1/pods with the same credentials, and netcheck's ratio to it.
// First, without the lab: a generated dump of 200,000 pods all on one node, read and diagnosed
// (`--dump`): goal < 10 s and < 1 GiB. `--dump-only` stops after that part.
//   node scripts/bench-netcheck.mjs [--runs 3] [--keep-scale] [--dump-only] [--dump-pods 200000]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv.includes('--runs') ? process.argv[process.argv.indexOf('--runs') + 1] : 3);
const lab = (...args) => execFileSync('bash', [path.join(root, 'scripts', 'lab', 'lab.sh'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

/** Runs a command with stdout discarded; wall time, and peak RSS of the process tree sampled from /proc. */
function measure(cmd, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    let peakKiB = 0;
    const sample = () => {
      let total = 0;
      const pids = [child.pid, ...descendants(child.pid)];
      for (const pid of pids) {
        try {
          const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) total += Number(m[1]);
        } catch { /* gone */ }
      }
      peakKiB = Math.max(peakKiB, total);
    };
    const timer = setInterval(sample, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0 && code !== 1) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      else resolve({ seconds, peakMiB: peakKiB / 1024 });
    });
  });
}

function descendants(pid) {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children.flatMap((c) => [c, ...descendants(c)]);
  } catch {
    return [];
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A cluster-info dump of `count` running pods, every one on node-1 (the case that was quadratic). */
function writeOneNodeDump(dir, count) {
  fs.mkdirSync(path.join(dir, 'default'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'nodes.json'), JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', items: [{
    metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.0.0/16' },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
  }] }));
  const fd = fs.openSync(path.join(dir, 'default', 'pods.json'), 'w');
  fs.writeSync(fd, '{"kind":"PodList","apiVersion":"v1","items":[');
  for (let i = 0; i < count; i++) {
    fs.writeSync(fd, `${i ? ',' : ''}${JSON.stringify({
      metadata: { name: `web-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app: 'web' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'web', image: 'nginx' }] },
      status: { phase: 'Running', podIP: `10.244.${(i >> 8) & 255}.${i & 255}`, conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: { startedAt: '2026-11-29T00:00:00Z' } }, containerID: `containerd://${String(i).padStart(64, '0')}` }] },
    })}`);
  }
  fs.writeSync(fd, ']}');
  fs.closeSync(fd);
  fs.writeFileSync(path.join(dir, 'default', 'events.json'), '{"kind":"EventList","apiVersion":"v1","items":[]}');
}

{
  const pods = Number(process.argv.includes('--dump-pods') ? process.argv[process.argv.indexOf('--dump-pods') + 1] : 200_000);
  const dir = fs.mkdtempSync(path.join((await import('node:os')).tmpdir(), 'netcheck-bench-dump-'));
  try {
    writeOneNodeDump(dir, pods);
    const binEnv = { ...process.env, PATH: `${path.join(root, 'dist', 'bin')}:${process.env.PATH}` };
    const dumpRuns = [];
    for (let i = 0; i < runs; i++) dumpRuns.push(await measure(path.join(root, 'dist', 'bin', 'kubectl-netcheck'), ['--dump', dir, '-o', 'json'], binEnv));
    const seconds = median(dumpRuns.map((r) => r.seconds));
    const peak = Math.max(...dumpRuns.map((r) => r.peakMiB));
    console.log(`dump of ${pods} pods on one node: read + diagnosed in ${seconds.toFixed(2)} s, peak ${peak.toFixed(0)} MiB ` +
      `(goal < 10 s: ${seconds < 10 ? 'met' : 'not met'}; < 1 GiB: ${peak < 1024 ? 'met' : 'not met'})`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (process.argv.includes('--dump-only')) process.exit(0);
}

// Brings the lab up when it is not (the scenario does not matter: only the API is measured).
if (spawnSync('bash', [path.join(root, 'scripts', 'lab', 'lab.sh'), 'status']).status !== 0) lab('up');

const env = { ...process.env, PATH: `${path.join(root, 'dist', 'bin')}:${process.env.PATH}` };
delete env.NODE_EXTRA_CA_CERTS;
for (const line of lab('env').trim().split('\n')) {
  const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
  if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
}
if (execFileSync('kubectl', ['get', 'nodes', '-l', 'netcheck-lab/scale=true', '--no-headers', '-o', 'name'], { env, encoding: 'utf8' }).trim() === '') {
  console.error('loading the lab with 1,000 nodes and 30,000 pods (lab.sh scale)...');
  lab('scale');
}
const counts = ['nodes', 'pods', 'events'].map((kind) =>
  `${execFileSync('kubectl', ['get', kind, '-A', '--no-headers', '-o', 'name'], { env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim().split('\n').length} ${kind}`);
console.log(`cluster: ${counts.join(', ')}; ${runs} runs each, medians`);

const results = { netcheck: [], kubectl: [], rawList: [] };
for (let i = 0; i < runs; i++) {
  results.kubectl.push(await measure('kubectl', ['get', 'pods', '-A', '-o', 'json'], env));
  // One unpaged list of all pods with the same credentials: the floor any reader of the pods has.
  results.rawList.push(await measure('kubectl', ['get', '--raw', '/api/v1/pods'], env));
  results.netcheck.push(await measure('kubectl', ['netcheck', '-o', 'json'], env));
}
const summary = Object.fromEntries(Object.entries(results).map(([k, rs]) => [k, { seconds: median(rs.map((r) => r.seconds)), peakMiB: Math.max(...rs.map((r) => r.peakMiB)) }]));
const ratio = summary.netcheck.seconds / summary.kubectl.seconds;
console.log(`kubectl get pods -A -o json   ${summary.kubectl.seconds.toFixed(2)} s   peak ${summary.kubectl.peakMiB.toFixed(0)} MiB`);
console.log(`kubectl get --raw /api/v1/pods ${summary.rawList.seconds.toFixed(2)} s   peak ${summary.rawList.peakMiB.toFixed(0)} MiB   (one unpaged raw list)`);
console.log(`kubectl netcheck -o json      ${summary.netcheck.seconds.toFixed(2)} s   peak ${summary.netcheck.peakMiB.toFixed(0)} MiB`);
const rawRatio = summary.netcheck.seconds / summary.rawList.seconds;
console.log(`netcheck / raw list ${rawRatio.toFixed(2)}x (goal <= 1.5: ${rawRatio <= 1.5 ? 'met' : 'not met'})`);
console.log(`time ratio ${ratio.toFixed(2)} (goal <= 1.5: ${ratio <= 1.5 ? 'met' : 'not met'}); memory goal <= 300 MiB: ${summary.netcheck.peakMiB <= 300 ? 'met' : 'not met'}`);
if (!process.argv.includes('--keep-scale')) lab('scale', '--remove');
