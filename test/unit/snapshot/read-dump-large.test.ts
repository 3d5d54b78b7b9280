import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readDump } from '../../../shared/snapshot/read-dump.js';

// A dump holding one list of 200,000 pods, every pod on one node: the old reader
// overflowed the call stack at ~125k items (push(...items)) and matched each pod
// folder's logs by scanning the whole pod list. Hang guard only, no timing.
describe('readDump on a large dump', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-large-dump-'));
  const count = 200_000;
  const withLogs = 2_000;
  beforeAll(() => {
    fs.writeFileSync(path.join(dir, 'nodes.json'), JSON.stringify({ kind: 'NodeList', items: [{ metadata: { name: 'node-1' } }] }, null, 4));
    fs.mkdirSync(path.join(dir, 'bench'));
    const pods = Array.from({ length: count }, (_, i) => ({
      metadata: { name: `app-${i}`, namespace: 'bench', managedFields: [{ manager: 'kubelet' }] },
      spec: { nodeName: 'node-1', containers: [{ name: `c${i % 3}`, image: 'app:1' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    }));
    fs.writeFileSync(path.join(dir, 'bench', 'pods.json'), JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items: pods }, null, 4));
    fs.writeFileSync(path.join(dir, 'bench', 'events.json'), '{"kind":"EventList","items":[]}');
    for (let i = 0; i < withLogs; i++) {
      fs.mkdirSync(path.join(dir, 'bench', `app-${i * 97}`));
      fs.writeFileSync(path.join(dir, 'bench', `app-${i * 97}`, 'logs.txt'), `started ${i}\n`);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads every pod and matches each log folder to its pod', async () => {
    const snapshot = await readDump(dir);
    expect(snapshot.pods).toHaveLength(count);
    expect(snapshot.pods[count - 1]?.metadata?.name).toBe(`app-${count - 1}`);
    expect(Object.keys(snapshot.podLogs)).toHaveLength(withLogs);
    // A hand-written logs.txt (no markers) is filed under the pod's first container.
    expect(snapshot.podLogs[`bench/app-${97 * 5}/c${(97 * 5) % 3}`]).toBe('started 5\n');
  }, 120_000);

  it('keeps only what the diagnosis reads when asked to slim', async () => {
    const snapshot = await readDump(dir, { slim: true });
    expect(snapshot.pods).toHaveLength(count);
    expect(snapshot.pods[0]?.metadata).not.toHaveProperty('managedFields');
    expect(snapshot.pods[0]?.spec?.nodeName).toBe('node-1');
  }, 120_000);
});
