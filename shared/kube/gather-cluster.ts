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
  /**
   * Items per list request when the API server pages (lists from etcd). Lists
   * are parsed and slimmed as they stream, so a page's size costs us no memory.
   */
  pageSize?: number;
  logTailLines?: number;
  /** Log tails of at most this many CNI daemon pods (not-ready ones first). */
  maxCniLogPods?: number;
  onStep?: (step: string) => void;
}

/**
 * Reads what the diagnosis needs from the live API; RBAC refusals are recorded, not fatal.
 * The lists are independent: they are requested at once (from the watch cache, see listAll)
 * and parsed while they arrive, so the time is the API server's, about one list of all pods.
 */
export async function gatherClusterSnapshot(kube: KubeSession, options: GatherOptions = {}): Promise<ClusterSnapshot> {
  const { pageSize = 5000, logTailLines = 100, maxCniLogPods = 6, onStep = () => {} } = options;
  const snapshot = emptySnapshot();

  const listAll = <T>(action: ApiAction, apiPath: string, slim: (item: T) => T, query: Query = {}): Promise<T[]> =>
    listAllPages<T>(kube, action, apiPath, { pageSize, query, each: slim, abandoned: () => failed });
  /** Set when a read fails for good: the lists read beside it stop paging. */
  let failed = false;

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
      failed = true;
      throw error;
    }
  };

  const same = <T>(x: T) => x;
  const readConfigMap = (name: string) => {
    const action: ApiAction = { verb: 'get', resource: 'configmaps', namespace: 'kube-system', name };
    return tolerant(`configmap kube-system/${name}`, () =>
      kube.getJson(action, `/api/v1/namespaces/kube-system/configmaps/${name}`, objectShape<V1ConfigMap>('config map')), undefined, true);
  };
  onStep('listing nodes, pods, warning events and daemonsets; reading kubeadm-config and kube-proxy config maps');
  const [nodes, pods, events, daemonSets, ...configMaps] = await Promise.all([
    tolerant('nodes', () => listAll<V1Node>({ verb: 'list', resource: 'nodes' }, '/api/v1/nodes', slimNode), []),
    tolerant('pods (all namespaces)', () => listAll<V1Pod>({ verb: 'list', resource: 'pods' }, '/api/v1/pods', slimPod), []),
    tolerant('events (all namespaces)', () =>
      listAll<CoreV1Event>({ verb: 'list', resource: 'events' }, '/api/v1/events', slimEvent, { fieldSelector: 'type=Warning' }), []),
    tolerant('daemonsets (all namespaces)', () =>
      listAll<V1DaemonSet>({ verb: 'list', resource: 'daemonsets' }, '/apis/apps/v1/daemonsets', same), []),
    readConfigMap('kubeadm-config'),
    readConfigMap('kube-proxy'),
  ]);
  // Notes arrive in completion order: keep them in the order the reads are listed.
  snapshot.unreadable.sort((a, b) => readOrder(a.what) - readOrder(b.what));
  Object.assign(snapshot, { nodes, pods, events, daemonSets });
  for (const configMap of configMaps) if (configMap) snapshot.configMaps.push(configMap);

  onStep('reading CNI daemon and CoreDNS logs');
  const logReads = podsWorthLogs(snapshot.pods, maxCniLogPods).flatMap((pod) => {
    const namespace = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    return (pod.spec?.containers ?? []).map(async (container) => {
      const action: ApiAction = { verb: 'get', resource: 'pods/log', namespace, name };
      const log = await tolerant(`logs of pod ${namespace}/${name} container ${container.name}`, () =>
        kube.call(action, (signal) => getText(kube.config, `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log`,
          { container: container.name, tailLines: logTailLines }, signal)), undefined);
      return { key: podLogKey(namespace, name, container.name), log };
    });
  });
  for (const { key, log } of await Promise.all(logReads)) if (log !== undefined) snapshot.podLogs[key] = capLineLength(log);
  for (const problem of findDataProblems(snapshot)) snapshot.unreadable.push(problem);
  return snapshot;
}

const readOrderPrefixes = ['nodes', 'pods', 'events', 'daemonsets', 'configmap kube-system/kubeadm-config', 'configmap kube-system/kube-proxy'];

function readOrder(what: string): number {
  const index = readOrderPrefixes.findIndex((prefix) => what.startsWith(prefix));
  return index === -1 ? readOrderPrefixes.length : index;
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
