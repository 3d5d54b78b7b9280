import type { CoreV1Event, V1ConfigMap, V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';
import { capLineLength } from '../files/bounded-read.js';
import { sanitizeSnapshot } from '../snapshot/sanitize.js';
import { findDataProblems } from '../snapshot/data-problems.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot, type Unreadable } from '../snapshot/types.js';
import { isForbidden, KubeApiError, type ApiAction } from './api-errors.js';
import { objectShape } from './api-shapes.js';
import { listAll as listAllPages } from './list-all.js';
import type { KubeSession } from './kube-client.js';
import { getText, type Query } from './raw-get.js';
import { slimEvent, slimNode, slimPod } from './slim-objects.js';

export interface GatherOptions {
  /**
   * Items per list request when the API server pages (lists from etcd; see listAll for the
   * watch cache). Lists are parsed and slimmed as they stream: a page's size costs no memory.
   */
  pageSize?: number;
  logTailLines?: number;
  /** Which pods' logs to read (the diagnosis knows which matter); none when not given. */
  podsWorthLogs?: (pods: readonly V1Pod[]) => V1Pod[];
  onStep?: (step: string) => void;
  /** Called with the node list as soon as it is read, while the other lists are still coming (node facts start there). */
  onNodes?: (nodes: readonly V1Node[]) => void;
}


/** Reads what the diagnosis needs from the live API; RBAC refusals are recorded, not fatal. */
export async function gatherClusterSnapshot(kube: KubeSession, options: GatherOptions = {}): Promise<ClusterSnapshot> {
  const { pageSize = 5000, logTailLines = 100, podsWorthLogs = () => [], onStep = () => {}, onNodes = () => {} } = options;
  const snapshot = emptySnapshot();

  const listAll = <T>(action: ApiAction, apiPath: string, slim: (item: T) => T, query: Query = {}): Promise<T[]> =>
    listAllPages<T>(kube, action, apiPath, { pageSize, query, each: slim, abandoned: () => failed });
  /** Set when a read fails for good: the lists read beside it stop paging. */
  let failed = false;

  /** Runs one read; a 403 (or 404 for optional objects) becomes an "unreadable" note in `into`. */
  const tolerantInto = async <T>(into: Unreadable[], what: string, read: () => Promise<T>, fallback: T, notFoundIsFine = false): Promise<T> => {
    try {
      return await read();
    } catch (error) {
      if (notFoundIsFine && error instanceof KubeApiError && error.status === 404) return fallback;
      if (isForbidden(error) || (error instanceof KubeApiError && error.status === 404)) {
        into.push({ what, reason: (error as Error).message });
        return fallback;
      }
      failed = true;
      throw error;
    }
  };
  const tolerant = <T>(what: string, read: () => Promise<T>, fallback: T, notFoundIsFine = false): Promise<T> =>
    tolerantInto(snapshot.unreadable, what, read, fallback, notFoundIsFine);

  const same = <T>(x: T) => x;
  // The lists do not depend on each other: asked for at once, the API server works on them in parallel.
  // Their "unreadable" notes are kept in this fixed order, whatever order the answers come in.
  onStep('listing nodes, pods, warning events, daemonsets and config maps');
  const notes: Unreadable[][] = [];
  const inOrder = <T>(index: number, what: string, read: () => Promise<T>, fallback: T, notFoundIsFine = false): Promise<T> =>
    tolerantInto((notes[index] = []), what, read, fallback, notFoundIsFine);
  const [nodes, pods, events, daemonSets, ...configMaps] = await Promise.all([
    inOrder(0, 'nodes', () => listAll<V1Node>({ verb: 'list', resource: 'nodes' }, '/api/v1/nodes', slimNode).then((list) => {
      onNodes(list);
      return list;
    }), []),
    inOrder(1, 'pods (all namespaces)', () => listAll<V1Pod>({ verb: 'list', resource: 'pods' }, '/api/v1/pods', slimPod), []),
    inOrder(2, 'events (all namespaces)', () =>
      listAll<CoreV1Event>({ verb: 'list', resource: 'events' }, '/api/v1/events', slimEvent, { fieldSelector: 'type=Warning' }), []),
    inOrder(3, 'daemonsets (all namespaces)', () => listAll<V1DaemonSet>({ verb: 'list', resource: 'daemonsets' }, '/apis/apps/v1/daemonsets', same), []),
    ...['kubeadm-config', 'kube-proxy'].map((name, i) => inOrder(4 + i, `configmap kube-system/${name}`, () =>
      kube.getJson({ verb: 'get', resource: 'configmaps', namespace: 'kube-system', name },
        `/api/v1/namespaces/kube-system/configmaps/${name}`, objectShape<V1ConfigMap>('config map')), undefined, true)),
  ] as const);
  snapshot.nodes = nodes;
  snapshot.pods = pods;
  snapshot.events = events;
  snapshot.daemonSets = daemonSets;
  for (const configMap of configMaps) if (configMap) snapshot.configMaps.push(configMap as V1ConfigMap);
  for (const list of notes) for (const note of list) snapshot.unreadable.push(note);

  // Before anything reads the objects: fields of the wrong type go (and are reported).
  for (const problem of sanitizeSnapshot(snapshot)) snapshot.unreadable.push(problem);

  onStep('reading CNI daemon and CoreDNS logs');
  for (const pod of podsWorthLogs(snapshot.pods)) {
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
