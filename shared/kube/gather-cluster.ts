import type { CoreV1Event, V1ConfigMap, V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { isCniDaemonPod, isPodReady } from '../diagnose/cluster-view.js';
import { capLineLength } from '../files/bounded-read.js';
import { findDataProblems } from '../snapshot/data-problems.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../snapshot/types.js';
import { isForbidden, KubeApiError, type ApiAction } from './api-errors.js';
import { objectShape } from './api-shapes.js';
import { listAll as listAllPages } from './list-all.js';
import type { KubeSession } from './kube-client.js';
import { getText, type Query } from './raw-get.js';
import { slimEvent, slimNode, slimPod } from './slim-objects.js';

export interface GatherOptions {
  /** Items per list request: never the whole cluster in one response. */
  pageSize?: number;
  logTailLines?: number;
  /** Log tails of at most this many CNI daemon pods (not-ready ones first). */
  maxCniLogPods?: number;
  onStep?: (step: string) => void;
}


/** Reads what the diagnosis needs from the live API; RBAC refusals are recorded, not fatal. */
export async function gatherClusterSnapshot(kube: KubeSession, options: GatherOptions = {}): Promise<ClusterSnapshot> {
  const { pageSize = 500, logTailLines = 100, maxCniLogPods = 6, onStep = () => {} } = options;
  const snapshot = emptySnapshot();

  const listAll = <T>(action: ApiAction, apiPath: string, slim: (item: T) => T, query: Query = {}): Promise<T[]> =>
    listAllPages<T>(kube, action, apiPath, { pageSize, query, each: slim });

  /** Runs one read; a 403 (or 404 for optional objects) becomes an "unreadable" note. */
  const tolerant = async <T>(what: string, read: () => Promise<T>, fallback: T, notFoundIsFine = false): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (notFoundIsFine && error instanceof KubeApiError && error.status === 404) return fallback;
      if (isForbidden(error) || (error instanceof KubeApiError && error.status === 404)) {
        snapshot.unreadable.push({ what, reason: (error as Error).message });
        return fallback;
      }
      throw error;
    }
  };

  const same = <T>(x: T) => x;
  onStep('listing nodes');
  snapshot.nodes = await tolerant('nodes', () => listAll<V1Node>({ verb: 'list', resource: 'nodes' }, '/api/v1/nodes', slimNode), []);
  onStep('listing pods');
  snapshot.pods = await tolerant('pods (all namespaces)', () => listAll<V1Pod>({ verb: 'list', resource: 'pods' }, '/api/v1/pods', slimPod), []);
  onStep('listing warning events');
  snapshot.events = await tolerant('events (all namespaces)', () =>
    listAll<CoreV1Event>({ verb: 'list', resource: 'events' }, '/api/v1/events', slimEvent, { fieldSelector: 'type=Warning' }), []);
  onStep('listing daemonsets');
  snapshot.daemonSets = await tolerant('daemonsets (all namespaces)', () =>
    listAll<V1DaemonSet>({ verb: 'list', resource: 'daemonsets' }, '/apis/apps/v1/daemonsets', same), []);

  onStep('reading kubeadm-config and kube-proxy config maps');
  for (const name of ['kubeadm-config', 'kube-proxy']) {
    const action: ApiAction = { verb: 'get', resource: 'configmaps', namespace: 'kube-system', name };
    const configMap = await tolerant(`configmap kube-system/${name}`, () =>
      kube.getJson(action, `/api/v1/namespaces/kube-system/configmaps/${name}`, objectShape<V1ConfigMap>('config map')), undefined, true);
    if (configMap) snapshot.configMaps.push(configMap);
  }

  onStep('reading CNI daemon and CoreDNS logs');
  for (const pod of podsWorthLogs(snapshot.pods, maxCniLogPods)) {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    for (const container of pod.spec?.containers ?? []) {
      const action: ApiAction = { verb: 'get', resource: 'pods/log', namespace, name };
      const log = await tolerant(`logs of pod ${namespace}/${name} container ${container.name}`, () =>
        kube.call(action, (signal) => getText(kube.config, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log`,
          { container: container.name, tailLines: logTailLines }, signal)), undefined);
      if (log !== undefined) snapshot.podLogs[podLogKey(namespace, name, container.name)] = capLineLength(log);
    }
  }
  for (const problem of findDataProblems(snapshot)) snapshot.unreadable.push(problem);
  return snapshot;
}

/** CNI daemon pods (not-ready first, bounded) and CoreDNS pods that have started containers. */
function podsWorthLogs(pods: V1Pod[], maxCniLogPods: number): V1Pod[] {
  const started = (p: V1Pod) => (p.status?.containerStatuses ?? []).some((c) => c.state?.running || c.state?.terminated || c.lastState?.terminated);
  const cni = pods.filter((p) => isCniDaemonPod(p) && started(p))
    .sort((a, b) => Number(isPodReady(a)) - Number(isPodReady(b)))
    .slice(0, maxCniLogPods);
  const dns = pods.filter((p) => p.metadata?.labels?.['k8s-app'] === 'kube-dns' && started(p)).slice(0, 4);
  return [...cni, ...dns];
}
