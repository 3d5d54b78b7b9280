import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectKube } from '../../../shared/kube/kube-client.js';
import type { NodeShellPool } from '../../../shared/ssh/node-shell-pool.js';
import { listOrDeleteTaps } from '../../../plugins/tap/list.js';
import type { TapArgs } from '../../../plugins/tap/command.js';
import { FakeApiServer } from '../../support/fake-api-server.js';
import { recordedNodeShell } from '../../support/recorded-node-shell.js';
import { captureIo } from '../../support/capture-io.js';

// tap --delete --dry-run used to delete for real (list/delete ran before --dry-run was looked at).
// Here: a real KubeSession against an API server on 127.0.0.1 listing one node, and that node's
// recorded answer to `ip -j -d link show type vxlan` holding one of our taps. Dry run: the teardown
// is printed, one command per line, and the node is asked nothing but the read.

const alias = 'kubectl-tap:v1 pod=default/web-0 role=source peer=kube-node-2 veth=veth1a2b3c4d pref=49152 clsact=ours hooks=ingress,egress';
const links = JSON.stringify([{ ifname: 'flannel.1' }, { ifname: 'ntap4242', ifalias: alias }]);

describe('tap --delete --dry-run changes nothing', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-tap-dry-'));
  const server = new FakeApiServer(() => ({ json: { kind: 'NodeList', metadata: {}, items: [{ metadata: { name: 'kube-node-1' }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } }] } }));
  let kubeconfig = '';
  beforeAll(async () => { kubeconfig = server.kubeconfig(dir, await server.start()); });
  afterAll(async () => { await server.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  const run = async (dryRun: boolean) => {
    const kube = await connectKube({ kubeconfig, requestTimeout: '5s' }, {});
    const shell = recordedNodeShell('kube-node-1', { ip: { code: 0, stdout: links }, tc: { code: 0 } });
    const pool = { shell: async () => shell } as unknown as NodeShellPool;
    const io = captureIo();
    const code = await listOrDeleteTaps({ delete: true, list: false, dryRun, output: 'text' } as TapArgs, kube, pool, io, { dryRun });
    return { code, shell, io: io.text() };
  };

  it('--dry-run: prints the teardown, one command per line, and runs only the read', async () => {
    const { code, shell, io } = await run(true);
    expect(code).toBe(0);
    expect(io.out).toBe([
      '# would remove ntap4242 (source of default/web-0) from node kube-node-1:',
      'tc filter del dev veth1a2b3c4d egress pref 49152',
      'tc filter del dev veth1a2b3c4d ingress pref 49152',
      'tc qdisc del dev veth1a2b3c4d clsact',
      'ip link del ntap4242',
      '',
    ].join('\n'));
    expect(shell.asked).toEqual([['ip', '-j', '-d', 'link', 'show', 'type', 'vxlan']]);
  });

  it('without --dry-run the same teardown really runs (so the test above can fail)', async () => {
    const { code, shell, io } = await run(false);
    expect(code).toBe(0);
    expect(io.err).toContain('removed ntap4242 (source of default/web-0) from node kube-node-1');
    // Reverts may be batched into one remote script: the deletion is somewhere in what the node was asked.
    expect(shell.asked.some((argv) => argv.join(' ').includes('ip link del ntap4242'))).toBe(true);
  });
});
