// Measured by scripts/bench-transport.mjs (bundled on the fly): the two
// transports side by side through the product's own NodeShells, on one node.
//   node probe.mjs NODE  (KUBECONFIG, NETCHECK_SSH_CONFIG, NETCHECK_HELPER_IMAGE set)
import { Writable } from 'node:stream';
import { connectKube } from '../../shared/kube/kube-client.js';
import { getText } from '../../shared/kube/raw-get.js';
import { openNodeShells, type NodeShells } from '../../shared/nodes/open-shells.js';
import type { Io } from '../../shared/cli/io.js';

const node = process.argv[2]!;
const captureBytes = 100 * 1024 * 1024;
const io = { out: process.stdout, err: process.stderr, env: process.env, color: false } as unknown as Io;

function firstOutput(pool: NodeShells, nodeObject: object): Promise<number> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const sink = new Writable({ write(_chunk, _encoding, done) { resolve(performance.now() - start); done(); } });
    pool.shell(nodeObject).then((shell) => shell.exec(['echo', 'first'], { stdout: sink })).catch(reject);
  });
}

async function throughput(pool: NodeShells, nodeObject: object): Promise<{ mbPerS: number; bytes: number }> {
  let bytes = 0;
  const sink = new Writable({ write(chunk: Buffer, _encoding, done) { bytes += chunk.length; done(); } });
  const shell = await pool.shell(nodeObject);
  const start = performance.now();
  await shell.exec(['head', '-c', String(captureBytes), '/dev/zero'], { stdout: sink });
  return { mbPerS: bytes / 1024 / 1024 / ((performance.now() - start) / 1000), bytes };
}

async function main(): Promise<void> {
const kube = await connectKube({}, process.env);
const nodeObject = JSON.parse(await getText(kube.config, `/api/v1/nodes/${node}`)) as object;
const result: Record<string, unknown> = {};
for (const via of ['ssh', 'pod'] as const) {
  const pool = await openNodeShells({ via, verbose: 0 }, io, kube);
  try {
    const cold = await firstOutput(pool, nodeObject);
    const warm = await firstOutput(pool, nodeObject);
    const stream = await throughput(pool, nodeObject);
    result[via] = { coldFirstOutputMs: Math.round(cold), warmFirstOutputMs: Math.round(warm), captureMbPerS: Math.round(stream.mbPerS), captureBytes: stream.bytes };
  } finally {
    await pool.closeAll();
  }
}
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
}

void main();
