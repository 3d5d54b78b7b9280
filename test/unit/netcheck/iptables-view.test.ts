import { fileURLToPath } from 'node:url';
import { runIptablesView } from '../../../plugins/netcheck/iptables-view.js';
import type { NetcheckArgs } from '../../../plugins/netcheck/command.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';
import { captureIo } from '../../support/capture-io.js';

// `netcheck iptables NODE` reads the snapshot the verdict reads (live, --ssh/--via or --dump), so the
// view of a saved bundle and of the cluster come from the same node facts and the same pod CIDR.
const bundle = fileURLToPath(new URL('../../fixtures/dumps/healthy-flannel', import.meta.url));
const args = (node: string, extra: Partial<NetcheckArgs> = {}) => ({ iptablesNode: node, output: 'json', ...extra }) as NetcheckArgs;

describe('netcheck iptables NODE on a snapshot', () => {
  it('shows the node\'s rules grouped by owner and the cluster pod CIDR from the same snapshot', async () => {
    const snapshot = await readDump(bundle, { slim: true });
    const io = captureIo();
    expect(await runIptablesView(args('node-1', { dump: bundle }), snapshot, io)).toBe(0);
    const view = JSON.parse(io.text().out) as { node: string; podCidr: string; owners: { owner: string }[] };
    expect(view.node).toBe('node-1');
    expect(view.podCidr).toBe('10.244.0.0/16');
    expect(view.owners.length).toBeGreaterThan(0);
  });

  it('says what is missing: the rules in a bundle, the node in the cluster, or the node\'s answer', async () => {
    const snapshot = await readDump(bundle, { slim: true });
    await expect(runIptablesView(args('node-9', { dump: bundle }), snapshot, captureIo())).rejects.toThrow(/no iptables-save\.txt for node node-9/);
    await expect(runIptablesView(args('node-9'), snapshot, captureIo())).rejects.toMatchObject({ message: 'node node-9 not found', exitCode: 3 });
    const unreachable = { ...emptySnapshot(), nodes: [{ metadata: { name: 'node-2' } }], unreadable: [{ what: 'node node-2 over SSH', reason: 'connect ECONNREFUSED 10.0.0.2:22' }] };
    await expect(runIptablesView(args('node-2'), unreachable, captureIo())).rejects.toMatchObject({
      message: 'could not read iptables-save on node node-2: node node-2 over SSH: connect ECONNREFUSED 10.0.0.2:22', exitCode: 3,
    });
  });
});
