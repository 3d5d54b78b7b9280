#!/usr/bin/env node
// The two ways to the nodes side by side in one run on the lab (as it is), with
// OpenSSH as the yardstick: time to a first command's output (cold and with the
// connection / helper pod up), a 100 MB capture-like stream, tap start to
// "tap up", tap --dry-run, nsenter POD -- true against `ssh NODE true`,
// netcheck --ssh, and node facts from every lab node against a sequential
// OpenSSH loop running the same commands. Medians of --runs (default 3).
// Needs root (the lab) and `npm run build`. Hold /work/lab-session.lock.
//   node scripts/bench-transport.mjs [--runs 3] [--only first-output,nsenter,dry-run,tap-up,netcheck,fan-out]
// (--only fan-out on a lab brought up with `lab.sh up --nodes 20` gives the 20-node figure.)
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const runs = Number(flag('--runs', '3'));
const only = flag('--only', undefined)?.split(',');
const wanted = (section) => only === undefined || only.includes(section);
const labSh = path.join(root, 'scripts', 'lab', 'lab.sh');
const lab = (...args) => execFileSync('bash', [labSh, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const env = { ...process.env, PATH: `${path.join(root, 'dist', 'bin')}:${process.env.PATH}` };
delete env.NODE_EXTRA_CA_CERTS;
// The fan-out alone reads node facts in whatever state the nodes are: a 20-node lab on 2 cores
// registers its nodes but may not reach the "ready" scenario (kube-proxy and CoreDNS on every node) in time.
const fanOutOnly = only !== undefined && only.every((section) => section === 'fan-out');
if (!fanOutOnly) {
  if (spawnSync('bash', [labSh, 'status']).status !== 0) lab('up');
  lab('scenario', 'ready');
}
for (const line of lab('env').trim().split('\n')) {
  const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
  if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
function timed(cmd, args, options = {}) {
  const start = performance.now();
  const result = spawnSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 256 << 20, ...options });
  const ms = performance.now() - start;
  if (result.status !== 0 && !options.anyStatus) throw new Error(`${cmd} ${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return { ms, result };
}
const medianOf = (fn) => median(Array.from({ length: runs }, fn));

const pods = fanOutOnly ? [] : JSON.parse(execFileSync('kubectl', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'json'], { env, encoding: 'utf8' })).items
  .map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, ip: p.status.podIP }));
const nodes = JSON.parse(execFileSync('kubectl', ['get', 'nodes', '-o', 'json'], { env, encoding: 'utf8' })).items.map((n) => n.metadata.name);
const source = pods[0] ?? { name: '-', node: nodes[0] };
const dest = pods.find((p) => p.node !== source.node) ?? { name: '-', node: nodes[1] };
const rows = [];
const row = (what, ssh, pod, openssh, target) => {
  rows.push({ what, ssh, pod, openssh, target });
  console.log(`${what.padEnd(44)} ${String(ssh ?? '-').padEnd(14)} ${String(pod ?? '-').padEnd(14)} ${String(openssh ?? '-').padEnd(14)} ${target ?? ''}`);
};
console.log(`lab: ${nodes.length} nodes (${nodes.join(', ')}); pod ${source.name} on ${source.node}, --dest ${dest.node}; medians of ${runs}`);
console.log(`${'measure'.padEnd(44)} ${'--via ssh'.padEnd(14)} ${'--via pod'.padEnd(14)} ${'OpenSSH'.padEnd(14)} target`);

// 1. First output and a 100 MB stream, through the product's NodeShells (bundled from TypeScript).
const sshTrue = medianOf(() => timed('ssh', ['-F', env.NETCHECK_SSH_CONFIG, '-o', 'BatchMode=yes', source.node, 'true']).ms);
if (wanted('first-output')) {
  const probe = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-transport-')), 'probe.cjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'scripts', 'bench', 'transport-probe.ts')], outfile: probe, bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['cpu-features', '*.node'], logLevel: 'warning',
    // As scripts/build.mjs: yargs and client-node read import.meta.url, CommonJS has __filename.
    define: { 'import.meta.url': '__import_meta_url' },
    banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
  });
  const probes = Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [probe, source.node], { env, encoding: 'utf8' }).trim().split('\n').at(-1)));
  const pick = (via, key) => median(probes.map((p) => p[via][key]));
  row('first output, cold (connect / pod start)', `${pick('ssh', 'coldFirstOutputMs')} ms`, `${pick('pod', 'coldFirstOutputMs')} ms`, `${Math.round(sshTrue)} ms (ssh true)`, 'pod <= 3000 ms');
  row('first output, connection / pod up', `${pick('ssh', 'warmFirstOutputMs')} ms`, `${pick('pod', 'warmFirstOutputMs')} ms`, '', '');
  row('100 MB stream (head -c /dev/zero)', `${pick('ssh', 'captureMbPerS')} MB/s`, `${pick('pod', 'captureMbPerS')} MB/s`, '', '>= 50 MB/s');
}

/** A section that fails (the shared lab changed under us) is reported and the others still run. */
async function section(name, fn) {
  try {
    await fn();
  } catch (error) {
    console.log(`${name.padEnd(44)} failed: ${String(error.message).split('\n').slice(0, 3).join(' | ')}`);
  }
}

// 2. nsenter POD -- true against ssh NODE true.
if (wanted('nsenter')) await section('nsenter POD -- true', () => {
  const nsenter = (via) => medianOf(() => timed('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--via', via, '--', 'true']).ms);
  row('nsenter POD -- true', seconds(nsenter('ssh')), seconds(nsenter('pod')), seconds(sshTrue), `ssh <= ${seconds(sshTrue + 500)}`);
});

// 3. tap --dry-run, and tap from start to "tap up".
if (wanted('dry-run')) await section('tap --dry-run', () => {
  const dryRun = (via) => medianOf(() => timed('kubectl', ['tap', '-n', 'kube-system', source.name, '--dest', dest.node, '--via', via, '--dry-run']).ms);
  row('tap --dry-run', seconds(dryRun('ssh')), seconds(dryRun('pod')), '', '<= 1.50 s');
});
async function tapUp(via) {
  const start = performance.now();
  const tap = spawn('kubectl', ['tap', '-n', 'kube-system', source.name, '--dest', dest.node, '--via', via], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  let upAt;
  tap.stderr.on('data', (d) => {
    log += d;
    if (upAt === undefined && log.includes('tap up')) upAt = performance.now();
  });
  for (let i = 0; i < 600 && upAt === undefined && tap.exitCode === null; i++) await new Promise((r) => setTimeout(r, 20));
  tap.kill('SIGINT');
  await new Promise((r) => (tap.exitCode !== null ? r() : tap.on('exit', r)));
  if (upAt === undefined) throw new Error(`tap --via ${via} did not come up: ${log}`);
  return upAt - start;
}
if (wanted('tap-up')) await section('tap start -> "tap up"', async () => {
  const tapTimes = { ssh: [], pod: [] };
  for (let i = 0; i < runs; i++) for (const via of ['ssh', 'pod']) tapTimes[via].push(await tapUp(via));
  row('tap start -> "tap up"', seconds(median(tapTimes.ssh)), seconds(median(tapTimes.pod)), '', '<= 2.50 s');
});

// 4. netcheck reading every node's facts.
const netcheck = (via) => medianOf(() => timed('kubectl', ['netcheck', '--ssh', '--via', via, '-o', 'json'], { anyStatus: true }).ms);
if (wanted('netcheck')) row(`netcheck --ssh (${nodes.length} nodes)`, seconds(netcheck('ssh')), seconds(netcheck('pod')), '', 'ssh <= 3.00 s');

// 5. Fan-out: the same node-facts commands one OpenSSH exec at a time, node after node.
const factCommands = [
  'journalctl -u kubelet -n 300 --no-pager', 'tail -n 300 /var/log/kubelet.log', 'journalctl -u containerd -n 300 --no-pager', 'journalctl -u crio -n 300 --no-pager',
  'journalctl -u docker -n 300 --no-pager', 'tail -n 300 /var/log/containerd.log', 'tail -n 300 /var/log/crio.log', 'ip -d addr show', 'ip route show', 'iptables-save',
  'sysctl -e net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.ipv4.conf.all.rp_filter', 'cat /proc/modules',
  'ls -l /opt/cni/bin', 'ls -1AR /var/lib/cni/networks', 'ls -1 /etc/cni/net.d', 'cat /run/flannel/subnet.env',
];
if (wanted('fan-out')) {
  const loopStart = performance.now();
  for (const node of nodes) for (const command of factCommands) spawnSync('ssh', ['-F', env.NETCHECK_SSH_CONFIG, '-o', 'BatchMode=yes', node, command], { env, stdio: 'ignore' });
  const loopMs = performance.now() - loopStart;
  const gather = (via) => timed('kubectl', ['netcheck', '--ssh', '--via', via, '-o', 'json'], { anyStatus: true }).ms;
  const fanSsh = gather('ssh');
  row(`node facts, ${nodes.length} nodes (${factCommands.length} commands each)`, `${seconds(fanSsh)} (${(loopMs / fanSsh).toFixed(1)}x)`, seconds(gather('pod')), `${seconds(loopMs)} sequential`, '>= 5x faster');
}
const leftovers = execFileSync('kubectl', ['get', 'pods', '-A', '-l', 'kubectl-netcheck/helper=true', '--no-headers'], { env, encoding: 'utf8' }).trim();
console.log(`helper pods left: ${leftovers === '' ? 0 : leftovers.split('\n').length}`);
fs.writeFileSync(path.join(os.tmpdir(), 'bench-transport.json'), JSON.stringify(rows, null, 2));
