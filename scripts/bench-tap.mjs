#!/usr/bin/env node
// Tap throughput: UDP packets sent from a lab pod at a fixed rate versus packets
// seen on the receiving node's vxlan device, at 10k and 50k packets per second.
// Goal: 0 loss at 50k pps. Needs root (the lab) and `npm run build`.
//   node scripts/bench-tap.mjs [--seconds 5] [--rates 10000,50000]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const seconds = Number(flag('--seconds', '5'));
const rates = flag('--rates', '10000,50000').split(',').map(Number);
const lab = (...args) => execFileSync('bash', [path.join(root, 'scripts', 'lab', 'lab.sh'), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

const env = { ...process.env, PATH: `${path.join(root, 'dist', 'bin')}:${process.env.PATH}` };
delete env.NODE_EXTRA_CA_CERTS;
if (spawnSync('bash', [path.join(root, 'scripts', 'lab', 'lab.sh'), 'status']).status !== 0) lab('up');
lab('scenario', 'ready');
for (const line of lab('env').trim().split('\n')) {
  const m = /^export ([A-Z_]+)=(.*)$/.exec(line);
  if (m) env[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
}
const pods = JSON.parse(execFileSync('kubectl', ['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'json'], { env, encoding: 'utf8' })).items
  .map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, ip: p.status.podIP }));
const source = pods[0];
const dest = pods.find((p) => p.node !== source.node);
const ssh = (node, cmd) => execFileSync('ssh', ['-F', env.NETCHECK_SSH_CONFIG, '-o', 'BatchMode=yes', node, cmd], { encoding: 'utf8' }).trim();

// A paced UDP sender, run inside the pod's network namespace with the node's python3.
const sender = `
import socket, sys, time
rate, secs, dst = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
payload, total, sent = b"x" * 64, int(rate * secs), 0
start = time.perf_counter()
while sent < total:
    due = min(total, int((time.perf_counter() - start) * rate) + 1)
    while sent < due:
        s.sendto(payload, (dst, 9)); sent += 1
    if sent < total: time.sleep(0.0002)
print(sent, time.perf_counter() - start)
`;

const tap = spawn('kubectl', ['tap', '-n', 'kube-system', source.name, '--dest', dest.node, '--mirrortype', 'egress'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let tapLog = '';
tap.stderr.on('data', (d) => { tapLog += d; });
for (let i = 0; i < 300 && !tapLog.includes('tap up'); i++) await new Promise((r) => setTimeout(r, 100));
if (!tapLog.includes('tap up')) throw new Error(`tap did not come up: ${tapLog}`);

console.log(`tap ${source.name} (${source.node}) -> ${dest.node}, UDP 64-byte payloads to ${dest.ip}:9 for ${seconds} s per rate`);
const rows = [];
try {
  for (const rate of rates) {
    const before = Number(ssh(dest.node, 'cat /sys/class/net/ntap4242/statistics/rx_packets'));
    const out = execFileSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--', 'python3', '-c', sender, String(rate), String(seconds), dest.ip], { env, encoding: 'utf8' }).trim();
    await new Promise((r) => setTimeout(r, 1000));
    const after = Number(ssh(dest.node, 'cat /sys/class/net/ntap4242/statistics/rx_packets'));
    const [sent, elapsed] = out.split(' ').map(Number);
    const seen = after - before;
    const row = { rate, achievedPps: Math.round(sent / elapsed), sent, seen, lost: Math.max(0, sent - seen), lossPct: (Math.max(0, sent - seen) / sent) * 100 };
    rows.push(row);
    console.log(`target ${rate} pps: sent ${sent} (${row.achievedPps} pps achieved), seen on ${dest.node} ntap4242: ${seen}, lost ${row.lost} (${row.lossPct.toFixed(3)}%)`);
  }
} finally {
  tap.kill('SIGINT');
  await new Promise((r) => tap.on('exit', r));
}
const worst = rows.find((r) => r.rate === Math.max(...rates));
console.log(`goal 0 loss at ${worst.rate} pps: ${worst.lost === 0 ? 'met' : 'not met'}`);
