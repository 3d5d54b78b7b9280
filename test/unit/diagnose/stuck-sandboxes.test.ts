import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { diagnose } from '../../../shared/diagnose/index.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';

// Without events (RBAC), pods waiting in ContainerCreating still tell case A.
const heartbeat = '2026-11-26T07:00:00Z';
const node: V1Node = {
  metadata: { name: 'kube-node-1' },
  status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: new Date(heartbeat) }] },
};

function creatingPod(scheduledSecondsBefore: number): V1Pod {
  return {
    metadata: { name: 'coredns-a', namespace: 'kube-system' },
    spec: { nodeName: 'kube-node-1', containers: [{ name: 'coredns' }] },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: new Date(Date.parse(heartbeat) - scheduledSecondsBefore * 1000) }],
      containerStatuses: [{ name: 'coredns', ready: false, restartCount: 0, image: 'x', imageID: '', state: { waiting: { reason: 'ContainerCreating' } } }],
    },
  };
}

const unreadable = [{ what: 'events (all namespaces)', reason: 'forbidden' }];

it('a pod in ContainerCreating for over a minute: case-a, NG, pointing at describe and --ssh', () => {
  const d = diagnose({ ...emptySnapshot(), nodes: [node], pods: [creatingPod(300)], unreadable });
  expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
  expect(d.findings[0]?.evidence[0]).toEqual({ object: 'Pod kube-system/coredns-a', field: 'status.containerStatuses[].state.waiting.reason', text: 'ContainerCreating' });
  expect(d.findings[0]?.nextCommands.join('\n')).toContain('kubectl netcheck --ssh');
});

it('a pod that has just been scheduled is not stuck', () => {
  const d = diagnose({ ...emptySnapshot(), nodes: [node], pods: [creatingPod(10)] });
  expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
});
