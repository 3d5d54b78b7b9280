import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { emptySnapshot, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeNode, makePod } from './snapshot-builders.js';

/**
 * The cluster DNS crash-looping with nothing else read. CoreDNS's usual reason on kubeadm clusters is its loop
 * plugin; kube-dns (before CoreDNS) has none, and its kubedns container exits when the API server cannot be reached
 * through the kubernetes service: a path netcheck cannot narrow down from the crash alone.
 */
function crashing(name: string, container: string, labels: Record<string, string> | undefined = { 'k8s-app': 'kube-dns' }): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'True' })];
  snapshot.pods = [makePod('kube-system', name, { node: 'node-1', container, waiting: 'CrashLoopBackOff', ready: false, labels })];
  return snapshot;
}

describe('the cluster DNS in CrashLoopBackOff, nothing else known', () => {
  it('CoreDNS: a forwarding loop is the lead', () => {
    const d = diagnose(crashing('coredns-74ff55c5b-8xq2w', 'coredns'));
    expect(d.containerNetwork.status).toBe('NG');
    expect(d.findings[0]!.code).toBe('DNS_FORWARDING_LOOP');
  });

  it.each([
    ['by its label and its kubedns container', 'kube-dns-7797cb8758-tqd5v', 'kubedns', { 'k8s-app': 'kube-dns' }],
    ['by its name alone (a dump without labels)', 'kube-dns-7797cb8758-tqd5v', 'kubedns', undefined],
  ])('kube-dns, known %s: cannot decide between the settings, kube-proxy and the pod network; no loop', (_how, name, container, labels) => {
    const d = diagnose(crashing(name, container, labels));
    expect(d.containerNetwork.status).toBe('NG');
    expect(d.findings.map((f) => f.code)).not.toContain('DNS_FORWARDING_LOOP');
    expect([...d.undecided!.between].sort()).toEqual(['HOST_NETFILTER_SETTINGS', 'POD_NETWORK_UNREACHABLE', 'SERVICE_PROXY_BROKEN']);
    // The settings come first: they would explain the other two.
    expect(d.findings[0]!.code).toBe('HOST_NETFILTER_SETTINGS');
    expect(d.findings[0]!.evidence).toEqual([{ object: `Pod kube-system/${name}`, field: expect.stringContaining('containerStatuses'), text: 'CrashLoopBackOff' }]);
    expect(d.findings[0]!.explanation).toContain('kubedns container exits when it cannot reach the API server');
  });

  it('a CoreDNS that is Ready now: an old OOM kill of coredns in the kernel log is no crash loop', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'True' })];
    snapshot.pods = [makePod('kube-system', 'coredns-74ff55c5b-8xq2w', { node: 'node-1', container: 'coredns', labels: { 'k8s-app': 'kube-dns' } })];
    snapshot.nodeFacts['node-1'] = { kernelLog: '2026-11-23T07:10:00+0000 node-1 kernel: Out of memory: Killed process 4121 (coredns) total-vm:812344kB\n' };
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('OK');
    expect(d.findings.map((f) => f.code)).not.toContain('DNS_FORWARDING_LOOP');
  });
});

