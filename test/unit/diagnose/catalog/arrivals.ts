import type { CatalogEntry } from '../../../../shared/diagnose/catalog/index.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from '../snapshot-builders.js';

/**
 * Every way a catalogued message reaches netcheck, built the way each runtime, kubelet and
 * daemon writes it (wrappers and log formats copied from real output: docs/causes.md).
 */
export interface Arrival {
  /** How it arrived, for the test name. */
  route: string;
  snapshot: ClusterSnapshot;
  /** The text netcheck reads (one event message, condition message or log line; a log line ends at its first newline). */
  text: string;
}

const node = 'node-1';
const podName = 'web-6d4cf56db6-5gq7n';
const podUid = '8d1c2a4e-5b6f-7a8b-9c0d-1e2f3a4b5c6d';
const sandboxId = '5f1c9e0d2b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
const rpcPrefix = 'rpc error: code = Unknown desc = ';

/** Go's %q / logfmt / structured-klog quoting of a value (without the outer quotes). */
export function escapeQuoted(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/** The sandbox error of each runtime around a CNI plugin's message. */
export function runtimeWrappers(message: string, pluginType: string): { runtime: string; text: string }[] {
  return [
    { runtime: 'containerd', text: `failed to setup network for sandbox "${sandboxId}": plugin type="${pluginType}" name="k8s-pod-network" failed (add): ${message}` },
    { runtime: 'dockershim', text: `failed to set up sandbox container "${sandboxId}" network for pod "${podName}": networkPlugin cni failed to set up pod "${podName}_default" network: ${message}` },
    { runtime: 'cri-o', text: `failed to create pod network sandbox k8s_${podName}_default_${podUid}_0(${sandboxId}): error adding pod default_${podName} to CNI network "k8s-pod-network": plugin type="${pluginType}" failed (add): ${message}` },
  ];
}

/** A log is read line by line: a message with a newline shows up as its first line. */
const firstLine = (line: string) => (line.split('\n')[0] ?? line).trimEnd();
const klog = (severity: string, file: string, message: string) => `${severity}1126 05:00:00.118201   41233 ${file}] ${message}`;
const journald = (unit: string, pid: number, line: string) => `Nov 26 05:00:00 ${node} ${unit}[${pid}]: ${line}`;
const logfmt = (msg: string, error?: string) =>
  `time="2026-11-26T05:00:00.118201000Z" level=error msg="${escapeQuoted(msg)}"${error === undefined ? '' : ` error="${escapeQuoted(error)}"`}`;

function withPendingPodEvent(reason: string, message: string, nodeCondition?: string): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode(node, { podCIDR: '10.244.1.0/24', ...(nodeCondition ? { ready: 'False' as const, message: nodeCondition } : {}) })];
  snapshot.pods = [makePod('default', podName, { node, waiting: 'ContainerCreating' })];
  snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: podName }, reason, message, { host: node })];
  return snapshot;
}

/** Log lines alone: the node's Ready state is not known (a dump without node objects' conditions). */
function withNodeLog(kind: 'kubeletLog' | 'runtimeLog', line: string, ready: 'False' | null = null, conditionMessage?: string): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode(node, { podCIDR: '10.244.1.0/24', ready, message: conditionMessage })];
  snapshot.nodeFacts[node] = { [kind]: `${line}\n` };
  return snapshot;
}

function withPodLog(where: string, line: string): ClusterSnapshot {
  const [namespace = '', pod = '', container = ''] = where.split('/');
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode(node, { podCIDR: '10.244.1.0/24' })];
  snapshot.pods = [makePod(namespace, pod, { node, container, phase: 'Running', ready: false, restarts: 4 })];
  snapshot.podLogs[podLogKey(namespace, pod, container)] = `${line}\n`;
  return snapshot;
}

/** A sandbox-network error (already wrapped by its runtime) as event, kubelet log and runtime log lines. */
function sandboxArrivals(label: string, sandboxError: string): Arrival[] {
  const kubeletOld = klog('E', 'remote_runtime.go:116', `RunPodSandbox from runtime service failed: ${rpcPrefix}${sandboxError}`);
  const kubeletStructured = klog('E', 'remote_runtime.go:193', `"RunPodSandbox from runtime service failed" err="${escapeQuoted(rpcPrefix + sandboxError)}"`);
  const containerdLine = logfmt(`RunPodSandbox for &PodSandboxMetadata{Name:${podName},Uid:${podUid},Namespace:default,Attempt:0,} failed, error`, sandboxError);
  const event = `Failed to create pod sandbox: ${rpcPrefix}${sandboxError}`;
  return [
    { route: `${label}: FailedCreatePodSandBox event on a Pending pod`, snapshot: withPendingPodEvent('FailedCreatePodSandBox', event), text: event },
    { route: `${label}: kubelet log (klog)`, snapshot: withNodeLog('kubeletLog', kubeletOld), text: firstLine(kubeletOld) },
    { route: `${label}: kubelet log (structured klog, journald)`, snapshot: withNodeLog('kubeletLog', journald('kubelet', 41233, kubeletStructured)), text: firstLine(journald('kubelet', 41233, kubeletStructured)) },
    { route: `${label}: runtime log (logfmt)`, snapshot: withNodeLog('runtimeLog', containerdLine), text: firstLine(containerdLine) },
    { route: `${label}: runtime log (logfmt, journald)`, snapshot: withNodeLog('runtimeLog', journald('containerd', 812, containerdLine)), text: firstLine(journald('containerd', 812, containerdLine)) },
  ];
}

const notReadyCondition = 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';

/** Who prints a text, which decides where it can arrive (see CatalogEntry). */
export type Printer = Pick<CatalogEntry, 'emitter' | 'pluginType' | 'daemonLog' | 'nodeCondition' | 'podEvent' | 'probeOutput'>;

/** Every way the entry's message (with one set of example values filled in) reaches netcheck. */
export function arrivalsOf(entry: Printer, message: string): Arrival[] {
  switch (entry.emitter) {
    case 'cni-plugin':
      return runtimeWrappers(message, entry.pluginType ?? 'bridge').flatMap(({ runtime, text }) => sandboxArrivals(runtime, text));
    case 'runtime-sandbox':
      return sandboxArrivals('as written', message);
    case 'runtime-cni-config': {
      const containerd = logfmt('failed to load cni during init, please check CRI plugin status before setting up network for pods', `cni config load failed: ${message}: failed to load cni config`);
      const crio = logfmt(message);
      return [
        { route: 'containerd log (logfmt), node state unknown', snapshot: withNodeLog('runtimeLog', containerd), text: firstLine(containerd) },
        { route: 'containerd log (journald), node NotReady', snapshot: withNodeLog('runtimeLog', journald('containerd', 812, containerd), 'False', notReadyCondition), text: firstLine(journald('containerd', 812, containerd)) },
        { route: 'cri-o log (logfmt), node NotReady', snapshot: withNodeLog('runtimeLog', crio, 'False', notReadyCondition), text: firstLine(crio) },
      ];
    }
    case 'kubelet': {
      const line = klog('E', 'kubelet.go:2163', message);
      const arrivals: Arrival[] = [
        { route: 'kubelet log (klog)', snapshot: withNodeLog('kubeletLog', line), text: firstLine(line) },
        { route: 'kubelet log (journald), node NotReady', snapshot: withNodeLog('kubeletLog', journald('kubelet', 41233, line), 'False', notReadyCondition), text: firstLine(journald('kubelet', 41233, line)) },
      ];
      if (entry.podEvent) {
        // The kubelet posts it while its node is NotReady for the same reason.
        arrivals.push({ route: `${entry.podEvent} event on a Pending pod, node NotReady`, snapshot: withPendingPodEvent(entry.podEvent, message, notReadyCondition), text: message });
      }
      if (entry.nodeCondition) {
        const condition = message.startsWith('runtime network not ready') ? message : `runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:${message}`;
        const snapshot = emptySnapshot();
        snapshot.nodes = [makeNode(node, { podCIDR: '10.244.1.0/24', ready: 'False', message: condition })];
        arrivals.push({ route: 'node Ready condition', snapshot, text: condition });
      }
      return arrivals;
    }
    case 'daemon': {
      if (entry.daemonLog === undefined) {
        const line = journald('k3s', 727, logfmt(message));
        return [{ route: 'host service journal', snapshot: withNodeLog('kubeletLog', line), text: firstLine(line) }];
      }
      const where = entry.daemonLog;
      const klogLine = klog('E', 'main.go:330', message);
      const logfmtLine = logfmt(message);
      const arrivals: Arrival[] = [
        { route: 'daemon pod log (klog)', snapshot: withPodLog(where, klogLine), text: firstLine(klogLine) },
        { route: 'daemon pod log (logfmt)', snapshot: withPodLog(where, logfmtLine), text: firstLine(logfmtLine) },
      ];
      if (entry.probeOutput) {
        const [namespace = '', pod = '', container = ''] = where.split('/');
        const probe = `Readiness probe failed: ${message}`;
        const snapshot = withPodLog(where, '');
        snapshot.podLogs = {};
        snapshot.events = [makeEvent({ kind: 'Pod', namespace, name: pod }, 'Unhealthy', probe, { host: node })];
        arrivals.push({ route: 'Unhealthy event of the daemon pod', snapshot, text: probe });
        const prober = klog('I', 'prober.go:117', `Readiness probe for "${pod}_${namespace}(${podUid}):${container}" failed (failure): ${message}`);
        arrivals.push({ route: 'kubelet prober log', snapshot: { ...withPodLog(where, ''), podLogs: {}, nodeFacts: { [node]: { kubeletLog: `${prober}\n` } } }, text: firstLine(prober) });
      }
      return arrivals;
    }
  }
}
