import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePodLogs } from '../../../shared/snapshot/dump-layout.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';

describe('readDump', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'netcheck-dump-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('reads a lab dump: objects from kube-system and node facts', async () => {
    const snapshot = await readDump(new URL('../../fixtures/dumps/healthy-flannel', import.meta.url).pathname);
    expect(snapshot.nodes.map((n) => n.metadata?.name)).toEqual(['node-1', 'node-2']);
    expect(snapshot.pods).toHaveLength(10);
    expect(snapshot.configMaps.map((c) => c.metadata?.name)).toEqual(['kubeadm-config', 'kube-proxy']);
    expect(Object.keys(snapshot.nodeFacts['node-1']?.cniNetD ?? {})).toEqual(['10-flannel.conflist']);
    expect(snapshot.nodeFacts['node-1']?.flannelSubnetEnv).toMatch(/^FLANNEL_NETWORK=10.244.0.0\/16/);
  });

  it('fails clearly without nodes.json', async () => {
    await expect(readDump(dir)).rejects.toMatchObject({ message: expect.stringMatching(/not a cluster-info dump: nodes.json is missing/), exitCode: 3 });
  });

  it('names a file that is not JSON (e.g. a dump written with -o yaml)', async () => {
    await writeFile(path.join(dir, 'nodes.json'), 'kind: NodeList\n');
    await expect(readDump(dir)).rejects.toThrow(/nodes.json is not valid JSON/);
  });

  it('turns kubectl\'s log errors into unreadable entries', async () => {
    await writeFile(path.join(dir, 'nodes.json'), '{"kind":"NodeList","items":[]}');
    await mkdir(path.join(dir, 'kube-system', 'coredns-1'), { recursive: true });
    await writeFile(path.join(dir, 'kube-system', 'pods.json'), '{"kind":"PodList","items":[]}');
    await writeFile(path.join(dir, 'kube-system', 'coredns-1', 'logs.txt'),
      '==== START logs for container coredns of pod kube-system/coredns-1 ====\nRequest log error: the server rejected our request (Forbidden)\n==== END logs for container coredns of pod kube-system/coredns-1 ====\n');
    const snapshot = await readDump(dir);
    expect(snapshot.podLogs).toEqual({});
    expect(snapshot.unreadable).toEqual([{ what: 'logs of kube-system/coredns-1 container coredns', reason: 'the server rejected our request (Forbidden)' }]);
  });
});

describe('parsePodLogs', () => {
  it('splits containers at kubectl\'s markers', () => {
    const text = '==== START logs for container a of pod ns/p ====\nline 1\n==== END logs for container a of pod ns/p ====\n' +
      '==== START logs for container b of pod ns/p ====\n==== END logs for container b of pod ns/p ====\n';
    expect(parsePodLogs(text, 'x')).toEqual([{ container: 'a', text: 'line 1\n' }, { container: 'b', text: '' }]);
  });

  it('takes a file without markers as one container\'s log', () => {
    expect(parsePodLogs('hello\n', 'app')).toEqual([{ container: 'app', text: 'hello\n' }]);
  });
});
