/**
 * Recognising corpus texts by their shape: which tool printed a line, what a
 * `kubectl get` row or a condition says. Used by case-to-snapshot.ts.
 */

export type LogPlace = 'sysctl' | 'ipAddr' | 'coredns' | 'kubelet' | 'runtime' | 'event' | 'podRow' | 'daemon';

/** Source files of the kubelet (and dockershim inside it) as they appear in klog headers. */
const kubeletSourceFile = /^(cni|kubelet\w*|kuberuntime_\w+|remote_runtime|pod_workers|prober|docker_\w+)\.go:\d+\]/;

/** Where a log line would have been found on a real cluster, judged by its shape only. */
export function placeLogLine(line: string): LogPlace {
  if (/^\s*[a-z0-9_]+(\.[\w-]+)+\s*=\s*\S+\s*$/.test(line)) return 'sysctl';
  if (/^\d+:\s+\S+:\s+<[^>]*>\s+mtu\s+\d+/.test(line) || /^\s+(inet6? |link\/)/.test(line)) return 'ipAddr';
  if (/^\[(INFO|WARNING|ERROR|FATAL)\] plugin\//.test(line)) return 'coredns';
  if (parseEventText(line)) return 'event';
  if (isPodTableRow(line)) return 'podRow';
  if (/\blevel=(info|warning|error|fatal)\b|^time="/.test(line)) return 'runtime';
  const afterJournalPrefix = line.replace(/^.*?\bkubelet(\[\d+\])?: /, '');
  const klog = /^[IWEF]\d{4} [\d:.]+\s+(\d+) /.exec(afterJournalPrefix);
  // A klog header with PID 1 comes from inside a container; the kubelet runs with a real PID.
  if (/\bkubelet(\[\d+\])?: /.test(line) || (klog && klog[1] !== '1')) return 'kubelet';
  if (kubeletSourceFile.test(line)) return 'kubelet';
  if (/NetworkPlugin cni failed|Failed to setup network for pod|NetworkReady=false|failed to find plugin|network plugins? \\?"cni/.test(line)) return 'kubelet';
  return 'daemon';
}

/**
 * Event text quoted outside an events table: a `kubectl describe` events row
 * ("Warning  FailedCreatePodSandBox  2m (x4 over 3m)  kubelet  Failed to create ..."),
 * or a bare sandbox / probe failure message, which only kubelet events word that way.
 */
export function parseEventText(line: string): { type: string; reason: string; message: string } | undefined {
  const columns = line.trim().split(/\s{2,}|\t/);
  if (columns.length >= 3 && /^(Warning|Normal)$/.test(columns[0] ?? '') && /^[A-Z]\w+$/.test(columns[1] ?? '')) {
    return { type: columns[0]!, reason: columns[1]!, message: columns.at(-1)! };
  }
  const sandbox = /(?:^|\s)(Failed (?:to )?create pod sandbox:.*)$/.exec(line);
  if (sandbox) return { type: 'Warning', reason: 'FailedCreatePodSandBox', message: sandbox[1]! };
  const probe = /^\s*((?:Readiness|Liveness|Startup) probe failed:.*)$/.exec(line);
  if (probe) return { type: 'Warning', reason: 'Unhealthy', message: probe[1]! };
  return undefined;
}

function isPodTableRow(line: string): boolean {
  return /^(?:\S+\s+)?(?:pod\/)?[a-z0-9][a-z0-9.-]*\s+\d+\/\d+\s+\S+\s+\d+/.test(line.trim());
}

/** A CNI provider's daemon pod and container, from the case's cni field or the text's own words. */
export interface DaemonPod { name: string; container: string }

const daemons: [RegExp, DaemonPod][] = [
  [/flannel|subnet\.env|Error registering network|failed to register network/i, { name: 'kube-flannel-ds-7rxss', container: 'kube-flannel' }],
  [/calico|felix|\bbird\b/i, { name: 'calico-node-5x2vq', container: 'calico-node' }],
  [/weave|\[kube-peers\]/i, { name: 'weave-net-8kz4d', container: 'weave' }],
  [/cilium/i, { name: 'cilium-q7lwn', container: 'cilium-agent' }],
  [/kindnet/i, { name: 'kindnet-c6hjm', container: 'kindnet-cni' }],
];

export function guessDaemonPod(cni: string | null, line: string): DaemonPod | undefined {
  return daemons.find(([pattern]) => pattern.test(cni ?? ''))?.[1] ?? daemons.find(([pattern]) => pattern.test(line))?.[1];
}

export interface ConditionState { type: 'Ready' | 'NetworkUnavailable'; status: 'True' | 'False' | 'Unknown'; message: string }

/** A `kubectl describe node` condition row, or just its message; pressure conditions are not read. */
export function parseCondition(text: string): ConditionState | undefined {
  if (/^\s*(MemoryPressure|DiskPressure|PIDPressure)\b|KubeletHasSufficient|KubeletHasNo/.test(text)) return undefined;
  const message = /(?:KubeletNotReady|KubeletReady|NodeStatusUnknown|NoRouteCreated|RouteCreated)\s+(.*)$/.exec(text)?.[1]?.trim() ?? text.trim();
  const row = /^\s*(Ready|NetworkUnavailable)\s+(True|False|Unknown)\b/.exec(text);
  if (row) return { type: row[1] as ConditionState['type'], status: row[2] as ConditionState['status'], message };
  if (/NoRouteCreated|RouteController failed/.test(text)) return { type: 'NetworkUnavailable', status: 'True', message };
  if (/KubeletReady|kubelet is posting ready status/.test(text)) return { type: 'Ready', status: 'True', message };
  if (/NodeStatusUnknown|stopped posting node status/.test(text)) return { type: 'Ready', status: 'Unknown', message };
  return { type: 'Ready', status: 'False', message };
}

/** `kubectl get nodes` rows: name → STATUS. */
export function parseNodeTable(lines: readonly string[]): Map<string, string> {
  const nodes = new Map<string, string>();
  if (!lines.some((l) => /^NAME\s+STATUS\s+(ROLES|AGE)/.test(l))) return nodes;
  for (const line of lines) {
    const [name, status] = line.trim().split(/\s+/);
    if (name && status && name !== 'NAME' && /^(Ready|NotReady|Unknown)/.test(status)) nodes.set(name, status);
  }
  return nodes;
}

export interface PodRow { namespace: string; name: string; phase: 'Pending' | 'Running' | 'Succeeded'; waiting?: string; ready: boolean }

const systemPodPrefix = /^(coredns|kube-|etcd|weave-net|calico|cilium|kindnet|canal|flannel)/;

export function namespaceFor(podName: string): string {
  return systemPodPrefix.test(podName) ? 'kube-system' : 'default';
}

/** `kubectl get pods` rows, or prose such as "weave-net pod CrashLoopBackOff", "all my pods are stuck creating". */
export function parsePodStatusLine(line: string): PodRow | undefined {
  if (/^(NAMESPACE\s+)?NAME\s+(READY|STATUS)/.test(line)) return undefined;
  const row = /^(?:(\S+)\s+)?(?:pod\/)?([a-z0-9][a-z0-9.-]*)\s+(\d+)\/(\d+)\s+(\S+)\s+\d+/.exec(line.trim());
  if (row) {
    const status = row[5] ?? '';
    const ready = row[3] === row[4];
    const name = row[2] ?? '';
    const namespace = row[1] ?? namespaceFor(name);
    if (status === 'Running') return { namespace, name, phase: 'Running', ready };
    if (status === 'Pending') return { namespace, name, phase: 'Pending', ready: false };
    if (status === 'Completed') return { namespace, name, phase: 'Succeeded', ready: false };
    return { namespace, name, phase: status === 'ContainerCreating' ? 'Pending' : 'Running', waiting: status, ready: false };
  }
  const waiting = /CrashLoopBackOff|crashloop/i.test(line) ? 'CrashLoopBackOff'
    : /ContainerCreating|stuck creating/i.test(line) ? 'ContainerCreating'
      : /erroring|\bError\b/i.test(line) ? 'Error' : undefined;
  if (!waiting) return undefined;
  const phase = waiting === 'ContainerCreating' ? 'Pending' : 'Running';
  const first = (line.trim().split(/\s+/)[0] ?? '').toLowerCase();
  if (/^[a-z][a-z0-9-]*$/.test(first) && !/^(all|my|the|pods?|newly|some|new)$/.test(first)) {
    return { namespace: namespaceFor(first), name: `${first}-h4vlk`, phase, waiting, ready: false };
  }
  return { namespace: 'default', name: 'app-7c9f8d6b5-h4vlk', phase, waiting, ready: false };
}
