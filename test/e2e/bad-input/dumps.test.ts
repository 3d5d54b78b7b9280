import fs from 'node:fs';
import path from 'node:path';
import { expectCleanFailure, expectNotOk, runBadInput, type BadInputRun } from '../../support/bad-input.js';
import {
  copyDump, editJson, editNodes, replaceWith, replaceWithFifo, replaceWithSparse, replaceWithSymlink, writeBigDump,
} from '../../support/damaged-dumps.js';

// Damaged dump folders (a recorded healthy dump, then one thing broken) through the built binary.
// Unreadable files: exit 3 naming the file. Contradictory or unknown states: never a clean OK.
// Never a hang, a stack trace, or a write.

type Json = Record<string, unknown>;
type Edit = (dump: string, work: string) => void;
const nodes = (dump: string) => path.join(dump, 'nodes.json');
const kubeSystem = (dump: string, file: string) => path.join(dump, 'kube-system', file);

/** Unreadable input: exit 3, the file named. */
const unreadable: [string, Edit, string | RegExp][] = [
  ['nodes.json missing', (d) => fs.rmSync(nodes(d)), 'nodes.json is missing'],
  ['nodes.json empty', (d) => replaceWith(nodes(d), ''), /nodes\.json is not valid JSON/],
  ['nodes.json truncated', (d) => replaceWith(nodes(d), fs.readFileSync(nodes(d), 'utf8').slice(0, 200)), /nodes\.json is not valid JSON/],
  ['nodes.json is YAML', (d) => replaceWith(nodes(d), 'kind: NodeList\nitems: []\n'), /nodes\.json is not valid JSON/],
  ['nodes.json binary garbage', (d) => replaceWith(nodes(d), Buffer.from([0xff, 0xfe, 0, 1, 2, 0x7b])), /nodes\.json is not valid JSON/],
  ['nodes.json is null', (d) => replaceWith(nodes(d), 'null'), /nodes\.json does not hold a node list/],
  ['nodes.json is a number', (d) => replaceWith(nodes(d), '42'), /nodes\.json does not hold a node list/],
  ['nodes.json is a string', (d) => replaceWith(nodes(d), '"NodeList"'), /nodes\.json does not hold a node list/],
  ['nodes.json is an array', (d) => replaceWith(nodes(d), '[]'), /nodes\.json does not hold a node list/],
  ['nodes.json items is a string', (d) => replaceWith(nodes(d), '{"items":"none"}'), /nodes\.json does not hold a node list/],
  ['nodes.json items is an object', (d) => replaceWith(nodes(d), '{"items":{"a":1}}'), /nodes\.json does not hold a node list/],
  ['nodes.json is a folder', (d) => { fs.rmSync(nodes(d)); fs.mkdirSync(nodes(d)); }, /nodes\.json is not a regular file/],
  ['nodes.json is /dev/zero', (d) => replaceWithSymlink(nodes(d), '/dev/zero'), /nodes\.json is not a regular file/],
  ['nodes.json is /dev/urandom', (d) => replaceWithSymlink(nodes(d), '/dev/urandom'), /nodes\.json is not a regular file/],
  ['nodes.json is a FIFO nobody writes', (d) => replaceWithFifo(nodes(d)), /nodes\.json is not a regular file/],
  ['nodes.json is a dangling symlink', (d) => replaceWithSymlink(nodes(d), '/nonexistent/nodes.json'), 'nodes.json is missing'],
  // Lists are streamed item by item: 600 MiB is readable, and zero bytes are not JSON; the cap is far higher.
  ['nodes.json is a 600 MiB sparse file', (d) => replaceWithSparse(nodes(d), 600 * 1024 * 1024), /nodes\.json is not valid JSON/],
  ['nodes.json is a 9 GiB sparse file', (d) => replaceWithSparse(nodes(d), 9 * 1024 * 1024 * 1024), /nodes\.json is 9216 MiB, more than/],
  ['pods.json is not JSON', (d) => replaceWith(kubeSystem(d, 'pods.json'), '{"items": ['), /pods\.json is not valid JSON/],
  ['pods.json is null', (d) => replaceWith(kubeSystem(d, 'pods.json'), 'null'), /pods\.json does not hold a pod list/],
  ['pods.json items is a number', (d) => replaceWith(kubeSystem(d, 'pods.json'), '{"items":7}'), /pods\.json does not hold a pod list/],
  ['pods.json is /dev/zero', (d) => replaceWithSymlink(kubeSystem(d, 'pods.json'), '/dev/zero'), /pods\.json is not a regular file/],
  ['pods.json is a FIFO', (d) => replaceWithFifo(kubeSystem(d, 'pods.json')), /pods\.json is not a regular file/],
  ['events.json is garbage', (d) => replaceWith(kubeSystem(d, 'events.json'), '<<<'), /events\.json is not valid JSON/],
  ['events.json is an array', (d) => replaceWith(kubeSystem(d, 'events.json'), '[1,2]'), /events\.json does not hold an? event list/],
  ['configmaps.json items is a string', (d) => replaceWith(kubeSystem(d, 'configmaps.json'), '{"items":"x"}'), /configmaps\.json does not hold a config map list/],
  ['unreadable.json is an object', (d) => replaceWith(path.join(d, 'unreadable.json'), '{"what":1}'), /unreadable\.json does not hold/],
  ['unreadable.json has numbers', (d) => replaceWith(path.join(d, 'unreadable.json'), '[1,2]'), /unreadable\.json does not hold/],
  ['unreadable.json is not JSON', (d) => replaceWith(path.join(d, 'unreadable.json'), 'oops'), /unreadable\.json is not valid JSON/],
  ['a node fact is a FIFO', (d) => replaceWithFifo(path.join(d, 'nodes', 'node-1', 'iptables-save.txt')), /iptables-save\.txt is not a regular file/],
  ['a node fact is /dev/zero', (d) => replaceWithSymlink(path.join(d, 'nodes', 'node-1', 'sysctl.txt'), '/dev/zero'), /sysctl\.txt is not a regular file/],
  ['a node fact is 100 MiB', (d) => replaceWithSparse(path.join(d, 'nodes', 'node-1', 'ip-addr.txt'), 100 * 1024 * 1024), /ip-addr\.txt is 100 MiB, more than/],
  ['a pod log is /dev/zero', (d) => { fs.mkdirSync(path.join(d, 'kube-system', 'coredns-74ff55c5b-8xq2w'), { recursive: true }); replaceWithSymlink(path.join(d, 'kube-system', 'coredns-74ff55c5b-8xq2w', 'logs.txt'), '/dev/zero'); }, /logs\.txt is not a regular file/],
];

const setCondition = (status: unknown, more: Json = {}) => (d: string) => editNodes(d, (items) => {
  (items[0]!.status as Json).conditions = [{ type: 'Ready', status, reason: 'Odd', message: 'odd', ...more }];
});

/** Contradictory or unknown: must not be a clean "OK". */
const notOk: [string, Edit][] = [
  ['every node without conditions', (d) => editNodes(d, (items) => { for (const n of items) delete (n.status as Json).conditions; })],
  ['one node without conditions', (d) => editNodes(d, (items) => { delete (items[0]!.status as Json).conditions; })],
  ['one node without a status', (d) => editNodes(d, (items) => { delete items[0]!.status; })],
  ['conditions is a string', (d) => editNodes(d, (items) => { (items[0]!.status as Json).conditions = 'Ready'; })],
  ['Ready "Maybe"', setCondition('Maybe')],
  ['Ready "Unknown"', setCondition('Unknown')],
  ['Ready true (lowercase boolean)', setCondition(true)],
  ['Ready status missing', setCondition(undefined)],
  ['two contradicting Ready conditions', (d) => editNodes(d, (items) => {
    (items[0]!.status as Json).conditions = [{ type: 'Ready', status: 'True' }, { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'x' }];
  })],
  ['garbage podCIDR', (d) => editNodes(d, (items) => { items[0]!.spec = { podCIDR: 'banana', podCIDRs: ['banana'] }; })],
  ['podCIDR with a prefix of 99', (d) => editNodes(d, (items) => { items[0]!.spec = { podCIDR: '10.244.0.0/99', podCIDRs: ['10.244.0.0/99'] }; })],
  ['podCIDR is a number', (d) => editNodes(d, (items) => { items[0]!.spec = { podCIDR: 42 }; })],
  ['nodes items: [{}]', (d) => replaceWith(nodes(d), '{"items":[{}]}')],
  ['nodes items: [{}, ...real nodes]', (d) => editNodes(d, (items) => { items.push({}); })],
  ['a node without a name', (d) => editNodes(d, (items) => { delete (items[0]!.metadata as Json).name; })],
  ['no nodes at all', (d) => replaceWith(nodes(d), '{"items":[]}')],
  ['pods items: [{}]', (d) => editJson(kubeSystem(d, 'pods.json'), (doc) => { (doc.items as unknown[]).push({}); })],
  ['pods items: [null]', (d) => editJson(kubeSystem(d, 'pods.json'), (doc) => { (doc.items as unknown[]).push(null); })],
  ['kubeadm-config podSubnet is a number', (d) => editJson(kubeSystem(d, 'configmaps.json'), (doc) => {
    const items = doc.items as Json[];
    (items[0]!.data as Json).ClusterConfiguration = 'networking:\n  podSubnet: 42\n  serviceSubnet: [1, 2]\n';
  })],
  ['kubeadm-config ClusterConfiguration is not YAML', (d) => editJson(kubeSystem(d, 'configmaps.json'), (doc) => {
    ((doc.items as Json[])[0]!.data as Json).ClusterConfiguration = '{{{: [';
  })],
];

/** Fields of the wrong type in every pod or node of the dump: left out and reported, never a crash or an all-clear. */
const setPath = (object: Json, fieldPath: string, value: unknown) => {
  const parts = fieldPath.split('.');
  const key = parts.pop()!;
  let parent = object;
  for (const part of parts) parent = ((parent[part] ??= {}) as Json);
  parent[key] = value;
};
const wrongTypes: [string, string, unknown][] = [
  ['pods.json', 'spec.containers', 5], ['pods.json', 'spec.containers', [null]], ['pods.json', 'spec.containers', [{ name: 5 }]],
  ['pods.json', 'spec.volumes', 'x'], ['pods.json', 'spec', null], ['pods.json', 'status', 7], ['pods.json', 'status.conditions', {}],
  ['pods.json', 'status.containerStatuses', 'running'], ['pods.json', 'status.containerStatuses', [{ name: 'x', state: 'running' }]],
  ['pods.json', 'metadata.labels', [1]], ['pods.json', 'metadata.namespace', 5], ['pods.json', 'spec.nodeName', ['node-1']],
  ['nodes.json', 'status.conditions', {}], ['nodes.json', 'status.addresses', 'x'], ['nodes.json', 'spec.podCIDRs', 'x'],
  ['nodes.json', 'status', 'Ready'], ['nodes.json', 'metadata.labels', 'x'], ['nodes.json', 'status.conditions', [{ type: 5, status: 'True' }]],
  ['events.json', 'involvedObject', 'pod/x'], ['events.json', 'message', { text: 'x' }],
];
for (const [file, fieldPath, value] of wrongTypes) {
  notOk.push([`${file}: every ${fieldPath} is ${JSON.stringify(value)}`, (d) => {
    const target = file === 'nodes.json' ? nodes(d) : kubeSystem(d, file);
    editJson(target, (doc) => {
      const items = doc.items as Json[];
      if (items.length === 0) items.push({ metadata: { name: 'added', namespace: 'kube-system' }, involvedObject: { kind: 'Pod', name: 'x' }, message: 'm', reason: 'r', type: 'Warning' });
      for (const item of items) setPath(item, fieldPath, value);
    });
  }]);
}

async function runDump(edit: Edit, extraArgs: string[] = []): Promise<BadInputRun> {
  return runBadInput('kubectl-netcheck', ['--dump', 'dump', ...extraArgs], {
    setUp: (work) => { const dump = copyDump('healthy-flannel', work); edit(dump, work); },
    hangGuardMs: 30_000,
  });
}

describe('damaged dump folders (built binary)', () => {
  it('the undamaged dump is OK (so every case below tests its one damage)', async () => {
    const run = await runDump(() => undefined);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  }, 30_000);

  it.concurrent.each(unreadable)('%s: exit 3 naming the file', async (_name, edit, says) => {
    expectCleanFailure(await runDump(edit), { code: 3, says });
  }, 40_000);

  it.concurrent.each(notOk)('%s: not OK', async (_name, edit) => {
    expectNotOk(await runDump(edit));
  }, 40_000);

  it.concurrent.each(notOk)('%s: not OK in -o json either', async (_name, edit) => {
    expectNotOk(await runDump(edit, ['-o', 'json']));
  }, 40_000);
});

describe('hostile names from the dump reach the terminal escaped', () => {
  const hostile: [string, string][] = [
    ['a newline and a command', 'node-1\ntouch /tmp/netcheck-pwned'],
    ['a terminal escape that clears the screen', 'node-1\u001b[2J\u001b[H'],
    ['an OSC title sequence', 'node-1\u001b]0;pwned\u0007'],
    ['a carriage return that hides the start', 'harmless\rnode-1'],
    ['a bidi override', 'node-1\u202egnp.exe'],
  ];
  it.concurrent.each(hostile)('a node name with %s', async (_name, name) => {
    const run = await runDump((d) => editNodes(d, (items) => {
      (items[0]!.metadata as Json).name = name;
      (items[0]!.status as Json).conditions = [{ type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: `${name} is not ready` }];
    }));
    expect(run.signal).toBeNull();
    expect([1, 3]).toContain(run.code);
    expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    expect(run.stdout.split('\n').some((line) => line.startsWith('touch '))).toBe(false);
    expect(run.changed).toEqual([]);
  }, 40_000);
});

describe('large dumps stay linear', () => {
  it('50,000 pods on one node, in one list: read and diagnosed, no stack overflow', async () => {
    const run = await runBadInput('kubectl-netcheck', ['--dump', 'big-dump', '-o', 'json'], {
      setUp: (work) => { writeBigDump(work, 50_000); },
      hangGuardMs: 120_000,
    });
    expect(run.signal).toBeNull();
    expect(run.stderr).not.toMatch(/Maximum call stack|RangeError|heap out of memory/);
    expect([0, 1]).toContain(run.code);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'Diagnosis' });
  }, 150_000);
});
