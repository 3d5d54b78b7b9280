import type { NodeFacts } from './types.js';

/**
 * The on-disk layout shared by read-dump.ts and write-bundle.ts. The base is what
 * `kubectl cluster-info dump --output-directory=DIR` writes:
 *   DIR/nodes.json, DIR/NS/{pods,events,daemonsets,...}.json, DIR/NS/POD/logs.txt
 * and netcheck adds (all optional): DIR/NS/configmaps.json, DIR/_node-facts/NODE/<facts>,
 * DIR/unreadable.json, and DIR/.netcheck-bundle (marks a folder netcheck wrote, so --force may replace it).
 */

export const nodesFile = 'nodes.json';
export const unreadableFile = 'unreadable.json';
/** Node facts live under a name no namespace can have ("_" is not allowed in one), so they never collide. */
export const nodeFactsDir = '_node-facts';
/** Where bundles before 0.2 kept node facts: still read, when that folder is not a namespace. */
export const legacyNodeFactsDir = 'nodes';
/** Written first into every bundle: the folder is ours, --force may replace it. */
export const bundleMarkerFile = '.netcheck-bundle';
export const podLogFile = 'logs.txt';

/** Namespaced list files, with the List kind kubectl writes into them. */
export const namespacedLists = {
  pods: { file: 'pods.json', kind: 'PodList', apiVersion: 'v1' },
  events: { file: 'events.json', kind: 'EventList', apiVersion: 'v1' },
  daemonSets: { file: 'daemonsets.json', kind: 'DaemonSetList', apiVersion: 'apps/v1' },
  configMaps: { file: 'configmaps.json', kind: 'ConfigMapList', apiVersion: 'v1' },
} as const;

type TextFactKey = Exclude<keyof NodeFacts, 'cniNetD' | 'flannelSubnetEnv'>;

/** Node facts that are one text file each. */
export const nodeTextFactFiles: Record<TextFactKey, string> = {
  kubeletLog: 'kubelet.log',
  runtimeLog: 'runtime.log',
  kernelLog: 'kernel.log',
  ipAddr: 'ip-addr.txt',
  ipRoute: 'ip-route.txt',
  iptablesSave: 'iptables-save.txt',
  sysctl: 'sysctl.txt',
  modules: 'modules.txt',
  cniBin: 'cni-bin.txt',
  cniIpam: 'cni-ipam.txt',
};

export const cniNetDDir = 'cni-net.d';
export const flannelSubnetEnvFile = 'flannel-subnet.env';
/** Marks "we looked and /run/flannel/subnet.env does not exist" (flannelSubnetEnv: null). */
export const flannelSubnetEnvAbsentFile = 'flannel-subnet.env.absent';

// kubectl cluster-info dump concatenates every container's log into one logs.txt per pod.
const startMarker = /^==== START logs for container (\S+) of pod (\S+?)\/(\S+) ====$/;
const endMarker = /^==== END logs for container \S+ of pod \S+ ====$/;
/** What kubectl writes in place of a log it could not fetch. */
const logErrorLine = /^(Create log request error|Request log error): (.*)$/;

export interface ContainerLog {
  container: string;
  text: string;
  /** Set when kubectl could not fetch this log. */
  error?: string;
}

export function formatPodLogs(namespace: string, pod: string, logs: readonly ContainerLog[]): string {
  return logs
    .map(({ container, text }) => {
      const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
      return `==== START logs for container ${container} of pod ${namespace}/${pod} ====\n${body}` +
        `==== END logs for container ${container} of pod ${namespace}/${pod} ====\n`;
    })
    .join('');
}

/**
 * Splits a logs.txt into containers. A file without markers (written by hand)
 * becomes one log under `fallbackContainer`.
 */
export function parsePodLogs(fileText: string, fallbackContainer: string): ContainerLog[] {
  const logs: ContainerLog[] = [];
  let current: { container: string; lines: string[] } | undefined;
  let sawMarker = false;
  for (const line of fileText.split('\n')) {
    const start = startMarker.exec(line);
    if (start) {
      sawMarker = true;
      current = { container: start[1] ?? '', lines: [] };
      continue;
    }
    if (endMarker.test(line) && current) {
      logs.push(toContainerLog(current.container, current.lines));
      current = undefined;
      continue;
    }
    current?.lines.push(line);
  }
  if (current) logs.push(toContainerLog(current.container, current.lines));
  if (!sawMarker && fileText.trim() !== '') return [{ container: fallbackContainer, text: fileText }];
  return logs;
}

function toContainerLog(container: string, lines: string[]): ContainerLog {
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  const error = lines.length === 1 ? logErrorLine.exec(lines[0] ?? '')?.[2] : undefined;
  return error === undefined ? { container, text } : { container, text: '', error };
}
