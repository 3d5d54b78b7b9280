import type { CoreV1Event, V1ConfigMap, V1DaemonSet, V1Node, V1Pod } from '@kubernetes/client-node';

/**
 * What was read from one node's file system and tools. Every field is optional:
 * undefined means "not collected", which is different from "collected and empty".
 */
export interface NodeFacts {
  /** kubelet journal or log file, newest lines last. */
  kubeletLog?: string;
  /** containerd / cri-o / dockerd journal or log file. */
  runtimeLog?: string;
  /** The kernel's messages (`journalctl -k`, /var/log/kern.log): conntrack and neighbour tables, bridge and veth events. */
  kernelLog?: string;
  /** `ip -d addr` (or plain `ip addr`) output. */
  ipAddr?: string;
  /** `ip route` output. */
  ipRoute?: string;
  /** `iptables-save` output. */
  iptablesSave?: string;
  /** `sysctl -a` output, or selected `key = value` lines. */
  sysctl?: string;
  /** `lsmod` output or the contents of /proc/modules. */
  modules?: string;
  /** `ls -l /opt/cni/bin` (or `ls -1`) output. */
  cniBin?: string;
  /** /etc/cni/net.d: file name → content. */
  cniNetD?: Record<string, string>;
  /** /run/flannel/subnet.env content; null when the file does not exist. */
  flannelSubnetEnv?: string | null;
  /** `ls -1A /var/lib/cni/networks/*` output: reserved addresses per host-local network. */
  cniIpam?: string;
}

/** The facts that are logs and journals: scanned line by line, each line capped where it is read. */
export const logFactKeys: ReadonlySet<keyof NodeFacts> = new Set<keyof NodeFacts>(['kubeletLog', 'runtimeLog', 'kernelLog']);

/** Something we tried to read and could not (RBAC, SSH, a missing file). */
export interface Unreadable {
  what: string;
  reason: string;
  /** 'data': read, but unknown or contradictory (never an all-clear); absent: could not be read (RBAC, SSH, a file). */
  kind?: 'data';
}

/**
 * Everything the diagnosis looks at, as plain JSON: what the API server and the
 * nodes said, nothing derived. Gatherers (live API, SSH, `cluster-info dump`)
 * fill it; `diagnose` only reads it.
 */
export interface ClusterSnapshot {
  nodes: V1Node[];
  pods: V1Pod[];
  events: CoreV1Event[];
  daemonSets: V1DaemonSet[];
  /** Only the ones the diagnosis uses: kube-system/kubeadm-config, kube-system/kube-proxy, CNI config maps. */
  configMaps: V1ConfigMap[];
  /** Key `namespace/pod/container` (see podLogKey) → the tail of that container's log. */
  podLogs: Record<string, string>;
  /** Node name → facts read on that node. */
  nodeFacts: Record<string, NodeFacts>;
  unreadable: Unreadable[];
}

export function emptySnapshot(): ClusterSnapshot {
  return { nodes: [], pods: [], events: [], daemonSets: [], configMaps: [], podLogs: {}, nodeFacts: {}, unreadable: [] };
}

export function podLogKey(namespace: string, pod: string, container: string): string {
  return `${namespace}/${pod}/${container}`;
}

export function splitPodLogKey(key: string): { namespace: string; pod: string; container: string } {
  const [namespace = '', pod = '', ...rest] = key.split('/');
  return { namespace, pod, container: rest.join('/') };
}
