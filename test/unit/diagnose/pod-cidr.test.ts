import type { V1Node } from '@kubernetes/client-node';
import { diagnose } from '../../../shared/diagnose/index.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';

// The lab's no-podcidr state, as the API shows it (condition text verbatim from kubelet v1.20.2).
const notReady = 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

function node(name: string, podCIDR: string | undefined, ready: boolean): V1Node {
  return {
    metadata: { name },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', reason: ready ? 'KubeletReady' : 'KubeletNotReady', message: ready ? 'kubelet is posting ready status' : notReady }] },
  };
}

it('a NotReady node without a pod CIDR among nodes that have one: POD_CIDR_NOT_ASSIGNED first', () => {
  const d = diagnose({ ...emptySnapshot(), nodes: [node('kube-master', '10.244.1.0/24', true), node('kube-node-1', '10.244.2.0/24', true), node('kube-node-2', undefined, false)] });
  expect(d.findings[0]?.code).toBe('POD_CIDR_NOT_ASSIGNED');
  expect(d.findings[0]?.evidence[0]?.object).toBe('Node kube-node-2');
  expect(d.containerNetwork.step).toBe('waiting-for-cni');
});

it('no node has a pod CIDR (a CNI with its own IPAM): not this cause', () => {
  const d = diagnose({ ...emptySnapshot(), nodes: [node('a', undefined, true), node('b', undefined, false)] });
  expect(d.findings.map((f) => f.code)).not.toContain('POD_CIDR_NOT_ASSIGNED');
});
