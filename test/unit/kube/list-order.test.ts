import { inNameOrder } from '../../../shared/kube/list-all.js';

const item = (namespace: string | undefined, name: string) => ({ metadata: { ...(namespace === undefined ? {} : { namespace }), name } });

describe('list answers in namespace/name order', () => {
  it('a watch-cache answer in hash order comes back sorted as etcd would list it', () => {
    const answer = [item(undefined, 'kube-node-2'), item(undefined, 'kube-master'), item(undefined, 'kube-node-1')];
    expect(inNameOrder(answer).map((n) => n.metadata.name)).toEqual(['kube-master', 'kube-node-1', 'kube-node-2']);
  });
  it('namespace sorts before name', () => {
    const answer = [item('kube-system', 'a'), item('default', 'z'), item('kube-system', '0')];
    expect(inNameOrder(answer).map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['default/z', 'kube-system/0', 'kube-system/a']);
  });
  it('an answer already in order is returned as is, and items without metadata do not throw', () => {
    const sorted = [item('a', '1'), item('a', '2')];
    expect(inNameOrder(sorted)).toBe(sorted);
    expect(inNameOrder([{}, item('a', '1')] as unknown[])).toHaveLength(2);
  });
});
