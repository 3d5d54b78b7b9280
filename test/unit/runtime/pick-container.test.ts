import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError, UsageError } from '../../../shared/cli/errors.js';
import { pickContainer } from '../../../shared/runtime/pick-container.js';

// Container IDs from the recorded fixtures; statuses shaped the way kubelet writes them.
const appId = 'containerd://62d394ee146b940bf89a629a1ff85b20fdc8202437248d6c30be48176961d1b6';
const sidecarId = 'containerd://1baf02452ec93bd9aecd9a559d293f7af8887cfaf2fe66e148b863fcf0f24bcf';
const oldRunId = 'containerd://e0e63a23bfb0c101bcf4d7fe2c23cb01fa20a4d9dc4b50db5a8c36393c93157b';

const running = (name: string, containerID: string): V1ContainerStatus => ({
  name, containerID, image: 'img', imageID: 'img', ready: true, restartCount: 0,
  state: { running: { startedAt: new Date('2026-11-26T05:00:00Z') } },
});

const crashLooping = (name: string, containerID: string): V1ContainerStatus => ({
  name, containerID, image: 'img', imageID: 'img', ready: false, restartCount: 7,
  state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' } },
  lastState: { terminated: { exitCode: 1, reason: 'Error', containerID } },
});

const waitingNeverStarted = (name: string, reason = 'ContainerCreating'): V1ContainerStatus => ({
  name, image: 'img', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason } },
});

function pod(statuses: V1ContainerStatus[], extra: { names?: string[]; phase?: string; annotations?: Record<string, string>; hostNetwork?: boolean } = {}): V1Pod {
  const names = extra.names ?? statuses.map((s) => s.name);
  return {
    metadata: { name: 'web-7d4b9', namespace: 'shop', uid: '6c552dea-d425-4d11-b71d-27bdb6608ce4', annotations: extra.annotations },
    spec: { nodeName: 'node-2', hostNetwork: extra.hostNetwork, containers: names.map((name) => ({ name })) },
    status: { phase: extra.phase ?? 'Running', containerStatuses: statuses },
  };
}

describe('pickContainer', () => {
  it('takes the first container of a running pod, with no note', () => {
    const picked = pickContainer(pod([running('app', appId), running('sidecar', sidecarId)]));
    expect(picked).toEqual({
      pod: 'shop/web-7d4b9', podUid: '6c552dea-d425-4d11-b71d-27bdb6608ce4', node: 'node-2', requested: 'app',
      container: 'app', ref: { runtime: 'containerd', id: appId.slice('containerd://'.length) }, state: 'running', hostNetwork: false,
    });
  });

  it('honours -c and the kubectl default-container annotation', () => {
    const statuses = [running('app', appId), running('sidecar', sidecarId)];
    expect(pickContainer(pod(statuses), 'sidecar').container).toBe('sidecar');
    expect(pickContainer(pod(statuses, { annotations: { 'kubectl.kubernetes.io/default-container': 'sidecar' } })).container).toBe('sidecar');
    expect(pickContainer(pod(statuses, { annotations: { 'kubectl.kubernetes.io/default-container': 'gone' } })).container).toBe('app');
  });

  it('a crash-looping container: uses a running sibling, which shares the network namespace, and says so', () => {
    const picked = pickContainer(pod([crashLooping('app', oldRunId), running('sidecar', sidecarId)]));
    expect(picked.container).toBe('sidecar');
    expect(picked.state).toBe('running');
    expect(picked.note).toBe('container app is CrashLoopBackOff; using container sidecar, which shares the pod\'s network namespace');
  });

  it('a not-ready pod whose only container crash-loops: the last run, with a warning note', () => {
    const picked = pickContainer(pod([crashLooping('app', oldRunId)]));
    expect(picked.state).toBe('last-run');
    expect(picked.ref.id).toBe(oldRunId.slice('containerd://'.length));
    expect(picked.note).toMatch(/^container app is CrashLoopBackOff and no container of the pod is running \(phase Running\); trying the last run of app/);
  });

  it('the last run comes from lastState when status.containerID is already gone', () => {
    const status = crashLooping('app', oldRunId);
    delete status.containerID;
    expect(pickContainer(pod([status])).ref.id).toBe(oldRunId.slice('containerd://'.length));
  });

  it('a requested container that never started, next to one that ran before: that one\'s last run', () => {
    const picked = pickContainer(pod([waitingNeverStarted('app', 'ImagePullBackOff'), crashLooping('sidecar', oldRunId)]));
    expect(picked.container).toBe('sidecar');
    expect(picked.note).toMatch(/^container app is ImagePullBackOff and no container/);
  });

  it('no container ever started: an error naming the pod and phase, with a hint', () => {
    const pending = pod([waitingNeverStarted('app')], { phase: 'Pending' });
    expect(() => pickContainer(pending)).toThrow('pod shop/web-7d4b9 has no started container (phase Pending); its sandbox may still be creating');
    try {
      pickContainer({ ...pending, status: { phase: 'Pending' } });
    } catch (error) {
      expect(error).toBeInstanceOf(PluginError);
      expect((error as PluginError).exitCode).toBe(ExitCode.couldNotCheck);
      expect((error as PluginError).hint).toContain('kubectl describe pod -n shop web-7d4b9');
    }
  });

  it('an unknown -c is a usage error listing the containers', () => {
    expect(() => pickContainer(pod([running('app', appId)]), 'db')).toThrow(UsageError);
    expect(() => pickContainer(pod([running('app', appId)]), 'db')).toThrow('pod shop/web-7d4b9 has no container "db"');
  });

  it('notes that a hostNetwork pod\'s namespace is the node\'s', () => {
    expect(pickContainer(pod([running('app', appId)], { hostNetwork: true })).note).toMatch(/host network/);
  });
});
