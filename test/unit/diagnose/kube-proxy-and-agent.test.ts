import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { emptySnapshot, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * kube-proxy not running and a CNI agent failing: on the same node the agent is most likely the consequence (it
 * reaches the API server through the kubernetes service IP, which kube-proxy translates); on another node it is not.
 */
function cluster(kubeProxyNode: string): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'True' }), makeNode('node-2', { podCIDR: '10.244.1.0/24', ready: 'True' })];
  snapshot.pods = [
    makePod('kube-system', 'kindnet-hgv87', { node: 'node-1', container: 'kindnet-cni', waiting: 'CrashLoopBackOff', ready: false }),
    makePod('kube-system', 'kube-proxy-p9fss', { node: kubeProxyNode, container: 'kube-proxy', waiting: 'CrashLoopBackOff', ready: false }),
  ];
  return snapshot;
}

describe('kube-proxy and a CNI agent both failing', () => {
  it('on the same node: kube-proxy first, and the explanation says why', () => {
    const d = diagnose(cluster('node-1'));
    expect(d.findings.map((f) => f.code).slice(0, 2)).toEqual(['SERVICE_PROXY_BROKEN', 'CNI_DAEMON_NOT_READY']);
    expect(d.findings[0]!.explanation).toContain('The CNI agent kindnet-hgv87 on the same node fails too');
  });

  it('on different nodes: the agent\'s own finding leads', () => {
    const d = diagnose(cluster('node-2'));
    expect(d.findings[0]!.code).toBe('CNI_DAEMON_NOT_READY');
    expect(d.findings.find((f) => f.code === 'SERVICE_PROXY_BROKEN')!.explanation).not.toContain('same node');
  });

  it('a precise agent failure on one node is not overruled by kube-proxy crashing on another', () => {
    const snapshot = cluster('node-2');
    snapshot.pods[0] = makePod('kube-system', 'calico-node-5x2vq', { node: 'node-1', container: 'calico-node', phase: 'Running', ready: false });
    snapshot.events.push(makeEvent({ kind: 'Pod', namespace: 'kube-system', name: 'calico-node-5x2vq' }, 'Unhealthy',
      'Readiness probe failed: calico/node is not ready: BIRD is not ready: BGP not established with 10.0.0.12', { host: 'node-1' }));
    const d = diagnose(snapshot);
    expect(d.findings[0]!.code).toBe('CNI_DAEMON_NOT_READY');
    expect(d.containerNetwork.step).toBe('waiting-for-cni');
  });

  it('a node coming up (kube-proxy being created, the agent initializing) is not "start with kube-proxy"', () => {
    const snapshot = cluster('node-1');
    snapshot.pods = [
      makePod('kube-system', 'kindnet-hgv87', { node: 'node-1', container: 'kindnet-cni', waiting: 'PodInitializing', ready: false }),
      makePod('kube-system', 'kube-proxy-p9fss', { node: 'node-1', container: 'kube-proxy', waiting: 'ContainerCreating', ready: false }),
    ];
    const proxy = diagnose(snapshot).findings.find((f) => f.code === 'SERVICE_PROXY_BROKEN');
    expect(proxy?.explanation ?? '').not.toContain('same node');
    expect(proxy?.confidence ?? 0).toBeLessThan(0.76);
  });
});

