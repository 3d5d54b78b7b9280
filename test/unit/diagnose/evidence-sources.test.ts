import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { emptySnapshot, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * The same state leads to the same cause wherever it was read (issue 9, part 3): the
 * runtime's "network not ready" in the node's Ready condition, in the kubelet journal or
 * log file, in the runtime's log, or in a pod's NetworkNotReady event.
 */
const condition = 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
const kubeletFile = 'E1126 05:00:00.000000   41233 kubelet.go:2183] "Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"';
const kubeletJournal = `Nov 26 05:00:00 node-2 kubelet[41233]: ${kubeletFile}`;
const containerd = 'time="2026-11-26T05:00:00.120930520Z" level=error msg="failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config"';
const event = 'network is not ready: container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized';

type Source = 'condition' | 'kubelet file' | 'kubelet journal' | 'containerd log' | 'NetworkNotReady event';

/** node-1 works; node-2 shows the state through one source (its condition is unknown otherwise). */
function cluster(source: Source, daemonOnNode2: 'ready' | 'crashing' | 'none'): ClusterSnapshot {
  const snapshot = emptySnapshot();
  const node2 = source === 'condition' ? makeNode('node-2', { ready: 'False', message: condition }) : makeNode('node-2', { ready: 'False', message: '' });
  snapshot.nodes = [makeNode('node-1'), node2];
  snapshot.pods = [makePod('kube-flannel', 'kube-flannel-ds-aaaaa', { node: 'node-1' }), makePod('default', 'web-1', { node: 'node-2', phase: 'Pending' })];
  if (daemonOnNode2 !== 'none') {
    snapshot.pods.push(makePod('kube-flannel', 'kube-flannel-ds-bbbbb', { node: 'node-2', ...(daemonOnNode2 === 'crashing' && { waiting: 'CrashLoopBackOff', ready: false }) }));
  }
  if (source === 'kubelet file') snapshot.nodeFacts['node-2'] = { kubeletLog: `${kubeletFile}\n` };
  if (source === 'kubelet journal') snapshot.nodeFacts['node-2'] = { kubeletLog: `${kubeletJournal}\n` };
  if (source === 'containerd log') snapshot.nodeFacts['node-2'] = { runtimeLog: `${containerd}\n` };
  if (source === 'NetworkNotReady event') snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'NetworkNotReady', event, { type: 'Warning', host: 'node-2' })];
  return snapshot;
}

const sources: Source[] = ['condition', 'kubelet file', 'kubelet journal', 'containerd log', 'NetworkNotReady event'];

describe.each(sources)('"network not ready" read from the %s', (source) => {
  it('the CNI agent is Ready on that node: CNI_CONFIG_INVALID, waiting-for-cni', () => {
    const d = diagnose(cluster(source, 'ready'));
    expect(d.findings[0]?.code).toBe('CNI_CONFIG_INVALID');
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'waiting-for-cni' });
  });

  it('the agent there crashes: CNI_DAEMON_NOT_READY', () => {
    expect(diagnose(cluster(source, 'crashing')).findings[0]?.code).toBe('CNI_DAEMON_NOT_READY');
  });

  it('no agent there while another node works: CNI_DAEMON_NOT_READY', () => {
    expect(diagnose(cluster(source, 'none')).findings[0]?.code).toBe('CNI_DAEMON_NOT_READY');
  });
});
