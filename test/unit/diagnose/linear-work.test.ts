import type { V1Pod } from '@kubernetes/client-node';
import { diagnose } from '../../../shared/diagnose/index.js';
import { ClusterView } from '../../../shared/diagnose/cluster-view.js';
import { podsStuckCreating } from '../../../shared/diagnose/rules/stuck-sandboxes.js';
import { emptySnapshot, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

// Grouping, indexing and merging must stay linear in the number of objects. These
// tests do not time anything: they count work, or use inputs so large that the old
// quadratic or recursive code could not finish (a hang guard, far above the real time).

const probeTimeout = (ip: string) => `Readiness probe failed: Get "http://${ip}:8181/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`;

/** N pods on one node, none Ready, each with a probe that times out: every rule has to look at that node's pods. */
function busyNode(count: number): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/16' })];
  for (let i = 0; i < count; i++) {
    const name = `app-${i}`;
    const ip = `10.244.${(i >> 8) & 255}.${i & 255}`;
    snapshot.pods.push(makePod('default', name, { node: 'node-1', ready: false, httpProbe: true, podIp: ip }));
    snapshot.events.push(makeEvent({ kind: 'Pod', namespace: 'default', name }, 'Unhealthy', probeTimeout(ip), { host: 'node-1' }));
  }
  return snapshot;
}

/** Counts reads of `spec` on every pod: a pass over a node's pods per observation shows up as N² reads. */
function countSpecReads(snapshot: ClusterSnapshot): () => number {
  let reads = 0;
  for (const pod of snapshot.pods) {
    const spec = pod.spec;
    Object.defineProperty(pod, 'spec', { get: () => { reads++; return spec; }, enumerable: true });
  }
  return () => reads;
}

describe('linear work', () => {
  it('reads each pod a bounded number of times, however many pods share a node', () => {
    const readsFor = (count: number) => {
      const snapshot = busyNode(count);
      const reads = countSpecReads(snapshot);
      diagnose(snapshot);
      return reads();
    };
    const small = readsFor(1000);
    const large = readsFor(4000);
    // Linear: 4x the pods, about 4x the reads. Quadratic would be about 16x.
    expect(large / small).toBeLessThan(5);
    expect(large / 4000).toBeLessThan(50);
  });

  it('diagnoses 200,000 pods on one node, each with a probe-failure event', () => {
    const snapshot = busyNode(200_000);
    const diagnosis = diagnose(snapshot);
    expect(diagnosis.findings[0]?.code).toBe('POD_NETWORK_UNREACHABLE');
    expect(diagnosis.findings[0]?.evidence.length).toBeLessThanOrEqual(4);
    expect(diagnosis.findings[0]?.nextCommands.length).toBeLessThanOrEqual(4);
    expect(new ClusterView(snapshot).podsOnNode('node-1')).toHaveLength(200_000);
  }, 120_000);

  it('reads the structure of 200,000 unknown sandbox failures, daemon log lines and workload timeouts (no rule knows them)', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/16' })];
    const inner = ['dial unix /var/run/zebra/zebra.sock: connect: no such file or directory', 'cannot wind /etc/cni/net.d/10-zebra.conflist', 'spool lattice unwound'];
    const logLines: string[] = [];
    for (let i = 0; i < 200_000; i++) {
      const name = `app-${i}`;
      snapshot.pods.push(makePod('default', name, { node: 'node-1', waiting: 'ContainerCreating' }));
      snapshot.events.push(makeEvent({ kind: 'Pod', namespace: 'default', name }, 'FailedCreatePodSandBox',
        `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${i.toString(16).padStart(64, '0')}": plugin type="zebra" failed (add): ${inner[i % 3]} ${i}`, { host: 'node-1' }));
      logLines.push(`E1129 08:14:02.118274       1 agent.go:${i}] "Failed to wind spool" lattice=${i} err="dial tcp 10.244.${(i >> 8) & 255}.${i & 255}:8080: i/o timeout"`);
    }
    snapshot.pods.push(makePod('kube-system', 'antrea-agent-5kq9z', { node: 'node-1', container: 'antrea-agent', noStatus: true }));
    snapshot.podLogs['kube-system/antrea-agent-5kq9z/antrea-agent'] = `${logLines.join('\n')}\n`;
    const diagnosis = diagnose(snapshot);
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    expect(diagnosis.findings.map((f) => f.code)).toEqual(expect.arrayContaining(['CNI_DAEMON_NOT_READY', 'CNI_CONFIG_INVALID', 'CNI_PLUGIN_ERROR']));
    for (const finding of diagnosis.findings) expect(finding.evidence.length).toBeLessThanOrEqual(4);
  }, 120_000);

  it('finds the newest heartbeat among 200,000 nodes (no Math.max over a spread array)', () => {
    const snapshot = emptySnapshot();
    for (let i = 0; i < 200_000; i++) {
      const node = makeNode(`node-${i}`);
      node.status!.conditions![0]!.lastHeartbeatTime = new Date(Date.UTC(2026, 10, 29, 20, 0, 0) + i * 1000);
      snapshot.nodes.push(node);
    }
    const stuck: V1Pod = makePod('default', 'web-0', { node: 'node-7', waiting: 'ContainerCreating' });
    stuck.status!.conditions = [{ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date(Date.UTC(2026, 10, 29, 20, 0, 0)) }];
    snapshot.pods.push(stuck);
    expect(podsStuckCreating(new ClusterView(snapshot))).toEqual([stuck]);
  }, 120_000);
});
