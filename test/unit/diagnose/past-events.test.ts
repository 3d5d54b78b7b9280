import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { diagnose } from '../../../shared/diagnose/index.js';
import { emptySnapshot } from '../../../shared/snapshot/types.js';

// Events live an hour: after a fix (or a scenario change) the old failures are still listed.
const sandboxFailure = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "a4c1ff67afbf1cd40a42d1a347d73d67a6be3f0a7317710a318953e7988518cf": plugin type="flannel" failed (add): failed to find plugin "flannel" in path [/opt/cni/bin]';

function pod(name: string, uid: string, ready: boolean): V1Pod {
  return {
    metadata: { name, namespace: 'kube-system', uid },
    spec: { nodeName: 'kube-node-1', containers: [{ name: 'coredns' }] },
    status: { phase: ready ? 'Running' : 'Pending', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

function event(podName: string, uid: string): CoreV1Event {
  return {
    metadata: { name: `${podName}.1`, namespace: 'kube-system' },
    involvedObject: { kind: 'Pod', namespace: 'kube-system', name: podName, uid },
    reason: 'FailedCreatePodSandBox', type: 'Warning', message: sandboxFailure,
  };
}

function topCode(pods: V1Pod[], events: CoreV1Event[]) {
  return diagnose({ ...emptySnapshot(), pods, events }).findings[0]?.code;
}

describe('events about the past are not evidence', () => {
  it('counts a failure of a pod that still fails', () => {
    expect(topCode([pod('coredns-a', 'u1', false)], [event('coredns-a', 'u1')])).toBe('CNI_PLUGIN_BINARY_MISSING');
  });

  it('ignores a failure of a pod that is gone, replaced under the same name, or Ready now', () => {
    expect(topCode([pod('coredns-b', 'u2', true)], [event('coredns-a', 'u1')])).not.toBe('CNI_PLUGIN_BINARY_MISSING');
    expect(topCode([pod('coredns-a', 'u9', false)], [event('coredns-a', 'u1')])).not.toBe('CNI_PLUGIN_BINARY_MISSING');
    expect(topCode([pod('coredns-a', 'u1', true)], [event('coredns-a', 'u1')])).not.toBe('CNI_PLUGIN_BINARY_MISSING');
  });

  it('keeps events when pods could not be listed (a dump with events only)', () => {
    expect(topCode([], [event('coredns-a', 'u1')])).toBe('CNI_PLUGIN_BINARY_MISSING');
  });
});
