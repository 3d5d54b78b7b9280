#!/usr/bin/env node
// netcheck at scale, two parts:
// - dump: a generated 200,000-pod dump (cluster-info dump layout, every pod on one node)
//   read and diagnosed by `kubectl netcheck --dump DIR -o json`. Goal: < 10 s, < 1 GiB.
// - live: the lab's apiserver loaded with 1,000 API-only nodes and 30,000 pods (and a few
//   thousand events): `kubectl netcheck -o json` next to ONE unpaged raw list of all pods
//   with the same credentials (curl, output discarded), and kubectl get pods -A -o json.
//   Goal: netcheck <= 1.5x the raw list, <= 300 MiB. Needs root (the lab) and `npm run build`.
//   node scripts/bench-netcheck.mjs [--runs 3] [--only dump|live] [--dump-only] [--dump-pods 200000] [--keep-scale] [--bin DIR] [--dump-dir DIR]
//     [--compare-bin DIR]   also time the build in DIR (e.g. the previous release) in the same run
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ensureBigDump } from './bench-dump.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const runs = Number(flag('--runs', 3));
const only = flag('--only', process.argv.includes('--dump-only') ? 'dump' : undefined);
const binDir = path.resolve(flag('--bin', path.join(root, 'dist', 'bin')));
const compareBin = flag('--compare-bin', undefined);
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
const summarize = (rs) => ({ seconds: median(rs.map((r) => r.seconds)), peakMiB: Math.max(...rs.map((r) => r.peakMiB)) });
const row = (label, r) => console.log(`${label.padEnd(44)} ${r.seconds.toFixed(2).padStart(6)} s   peak ${r.peakMiB.toFixed(0).padStart(5)} MiB`);

const env = { ...process.env, PATH: `${binDir}:${process.env.PATH}` };
delete env.NODE_EXTRA_CA_CERTS;

if (only !== 'live') {
  const dumpDir = path.resolve(flag('--dump-dir', path.join(os.tmpdir(), 'netcheck-bench-dump-200k')));
  console.error(`writing (or reusing) the 200,000-pod dump in ${dumpDir} ...`);
  const layout = JSON.parse(ensureBigDump(dumpDir, { pods: Number(flag('--dump-pods', 200_000)) }));
  const results = [];
  const compared = [];
  for (let i = 0; i < runs; i++) {
    results.push(await measure('kubectl', ['netcheck', '--dump', dumpDir, '-o', 'json'], env));
    if (compareBin) compared.push(await measureOther(['--dump', dumpDir, '-o', 'json']));
  }
  const r = summarize(results);
  console.log(`dump: ${layout.pods} pods on one node (${Math.round(layout.pods * layout.bigNamespaceShare)} in one list), ${runs} runs, median time, max peak`);
  row('kubectl netcheck --dump DIR -o json', r);
  if (compareBin) row(`  the same with ${compareBin}`, summarize(compared));
  console.log(`goals: < 10 s ${r.seconds < 10 ? 'met' : 'NOT met'}; < 1 GiB ${r.peakMiB < 1024 ? 'met' : 'NOT met'}`);
}
if (only !== 'dump') await benchLive();

/** The other build, started directly (not through kubectl's plugin lookup, which would find ours first). */
function measureOther(args) {
  return measure(path.join(path.resolve(compareBin), 'kubectl-netcheck'), args, env);
}

/** The lab loaded by `lab.sh scale`: netcheck next to one raw list of all pods. */
async function benchLive() {
  // Brings the lab up when it is not (the scenario does not matter: only the API is measured).
  if (spawnSync('bash', [path.join(root, 'scripts', 'lab', 'lab.sh'), 'status']).status !== 0) lab('up');
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
  console.log(`cluster: ${counts.join(', ')}; ${runs} runs each, median time, max peak`);

  const credentials = curlCredentials(env);
  try {
    const results = { raw: [], rawCache: [], netcheck: [], kubectl: [], compared: [] };
    for (let i = 0; i < runs; i++) {
      results.raw.push(await measure('curl', [...credentials.args, `${credentials.server}/api/v1/pods`], env));
      results.rawCache.push(await measure('curl', [...credentials.args, `${credentials.server}/api/v1/pods?resourceVersion=0`], env));
      results.netcheck.push(await measure('kubectl', ['netcheck', '-o', 'json'], env));
      if (compareBin) results.compared.push(await measureOther(['-o', 'json']));
      results.kubectl.push(await measure('kubectl', ['get', 'pods', '-A', '-o', 'json'], env));
    }
    const s = Object.fromEntries(Object.entries(results).filter(([, rs]) => rs.length > 0).map(([k, rs]) => [k, summarize(rs)]));
    row('raw list: curl GET /api/v1/pods (unpaged)', s.raw);
    row('raw list from the watch cache (RV=0)', s.rawCache);
    row('kubectl get pods -A -o json', s.kubectl);
    row('kubectl netcheck -o json', s.netcheck);
    if (compareBin) row(`  the same with ${compareBin}`, s.compared);
    const ratio = s.netcheck.seconds / s.raw.seconds;
    console.log(`netcheck / raw list: ${ratio.toFixed(2)} (goal <= 1.5: ${ratio <= 1.5 ? 'met' : 'NOT met'}); ` +
      `netcheck / kubectl get: ${(s.netcheck.seconds / s.kubectl.seconds).toFixed(2)}; memory goal <= 300 MiB: ${s.netcheck.peakMiB <= 300 ? 'met' : 'NOT met'}`);
  } finally {
    fs.rmSync(credentials.dir, { recursive: true, force: true });
    if (!process.argv.includes('--keep-scale')) lab('scale', '--remove');
  }
}

/** curl arguments with the current context's CA, client certificate and key (or token), in a private temp folder. */
function curlCredentials(env) {
  const config = JSON.parse(execFileSync('kubectl', ['config', 'view', '--raw', '--minify', '-o', 'json'], { env, encoding: 'utf8' }));
  const cluster = config.clusters[0].cluster;
  const user = config.users[0]?.user ?? {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-bench-'));
  const file = (name, data, pathField) => {
    if (pathField) return pathField;
    const target = path.join(dir, name);
    fs.writeFileSync(target, Buffer.from(data, 'base64'), { mode: 0o600 });
    return target;
  };
  const args = ['-sS', '--fail', '-o', '/dev/null', '-H', 'Accept: application/json'];
  if (cluster['certificate-authority-data'] || cluster['certificate-authority']) args.push('--cacert', file('ca.crt', cluster['certificate-authority-data'], cluster['certificate-authority']));
  if (user['client-certificate-data'] || user['client-certificate']) args.push('--cert', file('client.crt', user['client-certificate-data'], user['client-certificate']));
  if (user['client-key-data'] || user['client-key']) args.push('--key', file('client.key', user['client-key-data'], user['client-key']));
  if (user.token) args.push('-H', `Authorization: Bearer ${user.token}`);
  return { server: cluster.server.replace(/\/$/, ''), args, dir };
}
