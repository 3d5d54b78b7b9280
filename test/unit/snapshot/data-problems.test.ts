import { findDataProblems } from '../../../shared/snapshot/data-problems.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';
import { makeNode } from '../diagnose/snapshot-builders.js';

const withNode = (edit: (node: Record<string, any>) => void) => {
  const snapshot = emptySnapshot();
  const node = makeNode('node-1', { podCIDR: '10.244.0.0/24' }) as Record<string, any>;
  edit(node);
  snapshot.nodes = [node as never];
  return findDataProblems(snapshot).map((p) => `${p.what}: ${p.reason}`);
};

describe('findDataProblems', () => {
  it('a plain Ready node with a good podCIDR has none', () => {
    expect(withNode(() => undefined)).toEqual([]);
  });

  it.each([
    ['garbage podCIDR', (n: Record<string, any>) => { n.spec.podCIDR = 'banana'; }, /podCIDR "banana" is not a CIDR/],
    ['podCIDRs not a list', (n: Record<string, any>) => { n.spec.podCIDRs = '10.0.0.0/8'; }, /podCIDRs .* is not a list of CIDRs/],
  ])('%s', (_name, edit, says) => {
    expect(withNode(edit)).toEqual([expect.stringMatching(says)]);
  });

  it('accepts IPv6 pod CIDRs (dual stack)', () => {
    expect(withNode((n) => { n.spec.podCIDRs = ['10.244.0.0/24', 'fd00:10:244::/64']; })).toEqual([]);
  });

  it('a kubeadm-config whose podSubnet is a number', () => {
    const snapshot = emptySnapshot();
    snapshot.configMaps = [{ metadata: { namespace: 'kube-system', name: 'kubeadm-config' }, data: { ClusterConfiguration: 'networking:\n  podSubnet: 42\n' } }];
    expect(findDataProblems(snapshot)).toEqual([expect.objectContaining({ kind: 'data', reason: 'networking.podSubnet 42 is not a CIDR' })]);
  });
});
