import { PluginError } from '../../../shared/cli/errors.js';
import { pickNodeAddress, type NodeLike } from '../../../shared/ssh/node-address.js';

const node = (name: string, addresses: Array<[string, string]>): NodeLike => ({
  metadata: { name },
  status: { addresses: addresses.map(([type, address]) => ({ type, address })) },
});

const worker = node('worker-1', [['InternalIP', '10.0.0.11'], ['InternalIP', 'fd00::11'], ['ExternalIP', '203.0.113.11'], ['Hostname', 'worker-1']]);
const noConfig = (): boolean => false;

describe('pickNodeAddress', () => {
  it('uses the first address of the chosen type (InternalIP by default)', () => {
    expect(pickNodeAddress(worker, 'InternalIP', new Map(), noConfig)).toEqual({ node: 'worker-1', connectTo: '10.0.0.11', source: 'node-status' });
    expect(pickNodeAddress(worker, 'ExternalIP', new Map(), noConfig).connectTo).toBe('203.0.113.11');
    expect(pickNodeAddress(worker, 'Hostname', new Map(), noConfig).connectTo).toBe('worker-1');
  });

  it('prefers an ssh config Host entry named like the node, and connects to the alias', () => {
    const hasHost = (alias: string): boolean => alias === 'worker-1';
    expect(pickNodeAddress(worker, 'InternalIP', new Map(), hasHost)).toEqual({ node: 'worker-1', connectTo: 'worker-1', source: 'ssh-config' });
  });

  it('prefers --node-address over everything', () => {
    const overrides = new Map([['worker-1', '192.168.5.5']]);
    expect(pickNodeAddress(worker, 'ExternalIP', overrides, () => true)).toEqual({ node: 'worker-1', connectTo: '192.168.5.5', source: 'override' });
  });

  it('explains what the node has when the chosen type is missing', () => {
    const internalOnly = node('cp-1', [['InternalIP', '10.0.0.2']]);
    let error: PluginError | undefined;
    try {
      pickNodeAddress(internalOnly, 'ExternalIP', new Map(), noConfig);
    } catch (thrown) {
      error = thrown as PluginError;
    }
    expect(error?.message).toBe('node cp-1 has no ExternalIP address to SSH to (it has InternalIP 10.0.0.2)');
    expect(error?.hint).toMatch(/--node-address cp-1=ADDRESS/);
    expect(() => pickNodeAddress(node('bare', []), 'InternalIP', new Map(), noConfig)).toThrow(/reports no addresses at all/);
  });
});
