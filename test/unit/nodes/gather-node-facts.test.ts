import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { gatherNodeFacts } from '../../../shared/nodes/gather-node-facts.js';
import type { ExecOptions, ExecResult, NodeShell } from '../../../shared/ssh/node-shell.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';
import { makeNode } from './../diagnose/snapshot-builders.js';

/**
 * gatherNodeFacts against a node that is this machine: the batch script runs in a real sh, every command is the
 * real tool (ip, sysctl, ls, cat, tail ...). Only where a test needs a kernel journal this machine does not keep
 * (it runs no journald), a `journalctl` placed first on PATH prints a recorded one.
 */
function localNode(pathPrefix?: string): NodeShell {
  const env = pathPrefix ? { ...process.env, PATH: `${pathPrefix}:${process.env['PATH'] ?? ''}` } : process.env;
  const exec = async (argv: readonly string[], _options: ExecOptions = {}): Promise<ExecResult> => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), stderrTail: Buffer.concat(err).toString('utf8') };
  };
  return { node: 'node-1', address: '127.0.0.1', port: 22, user: os.userInfo().username, exec, run: async (argv) => (await exec(argv)).stdout!.toString('utf8'), close: () => undefined };
}

// `journalctl -k -o short-iso` lines as a node with a full conntrack table writes them.
const kernelJournal = [
  '2026-11-30T07:01:37+0000 node-1 kernel: IPv6: ADDRCONF(NETDEV_CHANGE): veth4f1c2a9b: link becomes ready',
  '2026-11-30T07:01:38+0000 node-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet',
].join('\n');

/** Whether this machine keeps a kernel log of its own (journald's or syslog's): the test of its absence needs none. */
const kernelLogHere = (() => {
  if (fs.existsSync('/var/log/kern.log')) return true;
  const probe = spawnSync('journalctl', ['-k', '-n', '1', '--no-pager'], { encoding: 'utf8' });
  return probe.status === 0 && !/No entries|No journal files/.test(`${probe.stdout}${probe.stderr}`);
})();

describe('gatherNodeFacts: the kernel log', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-facts-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is read from journalctl -k and named where a rule reads it', async () => {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    fs.writeFileSync(path.join(dir, 'kernel.journal'), `${kernelJournal}\n`);
    // Only `journalctl -k` answers; every other use of journalctl (the kubelet's unit) has no entries, as on this machine.
    fs.writeFileSync(path.join(bin, 'journalctl'), `#!/bin/sh\nfor a in "$@"; do [ "$a" = -k ] && exec cat ${JSON.stringify(path.join(dir, 'kernel.journal'))}; done\necho '-- No entries --'\n`, { mode: 0o755 });
    const { facts } = await gatherNodeFacts(localNode(bin));
    expect(facts.kernelLog).toBe(`${kernelJournal}\n`);

    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' })];
    snapshot.nodeFacts['node-1'] = { kernelLog: facts.kernelLog };
    const finding = diagnose(snapshot).findings.find((f) => f.code === 'HOST_NETFILTER_SETTINGS');
    expect(finding?.evidence).toEqual([{ object: 'Node node-1', field: 'kernel.log', text: kernelJournal.split('\n')[1] }]);
  }, 30_000);

  (kernelLogHere ? it.skip : it)('a node without a kernel journal or kern.log: no kernel log, and nothing reported missing for it (the kubelet log still is)', async () => {
    const { facts, unreadable } = await gatherNodeFacts(localNode());
    expect(facts.kernelLog).toBeUndefined();
    expect(unreadable.filter((u) => /journalctl -k|kern\.log/.test(u.what))).toEqual([]);
    // The kubelet log is required: read, or reported unreadable.
    expect(facts.kubeletLog !== undefined || unreadable.some((u) => u.what.includes('journalctl -u kubelet'))).toBe(true);
  }, 30_000);
});

describe('kernel lines are events: one from more than an hour before the snapshot is history', () => {
  const at = (kernelTime: string) => {
    const snapshot = emptySnapshot();
    const node = makeNode('node-1', { podCIDR: '10.244.0.0/24' });
    // The snapshot's time is the newest heartbeat its nodes posted.
    node.status!.conditions![0]!.lastHeartbeatTime = new Date('2026-11-30T07:30:00Z');
    node.status!.conditions![0]!.lastTransitionTime = new Date('2026-11-20T00:00:00Z');
    snapshot.nodes = [node];
    snapshot.nodeFacts['node-1'] = { kernelLog: `${kernelTime} node-1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet\n` };
    return diagnose(snapshot);
  };

  it('20 minutes before: it counts', () => {
    expect(at('2026-11-30T07:10:00+0000').findings[0]?.code).toBe('HOST_NETFILTER_SETTINGS');
  });

  it('two hours before: listed as history, the verdict is OK', () => {
    const d = at('2026-11-30T05:30:00+0000');
    expect(d.containerNetwork.status).toBe('OK');
    expect(d.findings).toEqual([]);
    expect(d.history).toEqual([expect.objectContaining({ note: expect.stringContaining('a kernel event more than an hour before the snapshot'), code: 'HOST_NETFILTER_SETTINGS' })]);
  });

  it('a syslog kern.log line has a local time without zone: it cannot be aged, and counts', () => {
    const snapshot = emptySnapshot();
    const node = makeNode('node-1', { podCIDR: '10.244.0.0/24' });
    node.status!.conditions![0]!.lastHeartbeatTime = new Date('2026-11-30T07:30:00Z');
    snapshot.nodes = [node];
    snapshot.nodeFacts['node-1'] = { kernelLog: 'Nov 30 02:25:00 node-1 kernel: [812345.118201] nf_conntrack: nf_conntrack: table full, dropping packet\n' };
    expect(diagnose(snapshot).findings[0]?.code).toBe('HOST_NETFILTER_SETTINGS');
  });
});

