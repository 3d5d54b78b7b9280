import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { renderJson, renderText } from '../../../shared/diagnose/render.js';
import type { Finding } from '../../../shared/diagnose/types.js';
import { undecidedBetween } from '../../../shared/diagnose/diagnose.js';
import { emptySnapshot, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/** Failures no rule names still make the verdict NG and get a finding that quotes them. */
describe('failures no rule names', () => {
  const message = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "' + 'c'.repeat(64) + '": plugin type="zebra" failed (add): the quux gateway lattice refused handshake 4711';

  it('a FailedCreatePodSandBox nobody knows: case-a, CNI_PLUGIN_ERROR quoting the message', () => {
    const snapshot = { ...emptySnapshot(), nodes: [makeNode('node-1')], pods: [makePod('default', 'web-1', { node: 'node-1', waiting: 'ContainerCreating' })] };
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedCreatePodSandBox', message, { host: 'node-1' })];
    const d = diagnose(snapshot);
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    const plugin = d.findings.find((f) => f.code === 'CNI_PLUGIN_ERROR');
    expect(plugin?.evidence[0]?.text).toBe(message);
    expect(renderText(d, { color: false })).toContain('the quux gateway lattice refused handshake 4711');
  });

  it('the same event for a pod that is Ready now is history: OK', () => {
    const snapshot = { ...emptySnapshot(), nodes: [makeNode('node-1')], pods: [makePod('default', 'web-1', { node: 'node-1' })] };
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedCreatePodSandBox', message, { host: 'node-1' })];
    expect(diagnose(snapshot).containerNetwork).toEqual({ status: 'OK', step: 'ready' });
  });

  it('a CoreDNS pod Running but not Ready with nothing else known: NG (case-b)', () => {
    const snapshot = { ...emptySnapshot(), nodes: [makeNode('node-1')], pods: [makePod('kube-system', 'coredns-5d78c9869d-x2mzq', { node: 'node-1', phase: 'Running', ready: false, labels: { 'k8s-app': 'kube-dns' } })] };
    const d = diagnose(snapshot);
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-b' });
    expect(d.findings[0]?.evidence[0]?.object).toBe('Pod kube-system/coredns-5d78c9869d-x2mzq');
  });

  it.each([
    ['Ready=Maybe', (n: ReturnType<typeof makeNode>) => { n.status!.conditions![0]!.status = 'Maybe'; }, /Ready=Maybe/],
    ['no conditions', (n: ReturnType<typeof makeNode>) => { n.status!.conditions = []; }, /reports no conditions/],
    ['two contradicting Ready conditions', (n: ReturnType<typeof makeNode>) => { n.status!.conditions!.push({ type: 'Ready', status: 'False', message: 'x' }); }, /contradicting Ready conditions \(True and False\)/],
  ])('a node with %s is reported, never OK', (_name, change, reason) => {
    const node = makeNode('node-1');
    change(node);
    const d = diagnose({ ...emptySnapshot(), nodes: [node] });
    expect(d.hostNetwork.status).toBe('NG');
    expect(d.hostNetwork.reasons.join('\n')).toMatch(reason);
    expect(d.containerNetwork.status).toBe('NG');
  });
});

describe('cannot decide', () => {
  const finding = (code: Finding['code'], confidence: number): Finding => ({ code, confidence, evidence: [], explanation: '', nextCommands: [] });

  it('top findings of different causes within 0.1: undecided, said in text and JSON', () => {
    const undecided = undecidedBetween([finding('MTU_MISMATCH', 0.6), finding('SERVICE_PROXY_BROKEN', 0.55), finding('NOT_A_NETWORK_FAULT', 0.3)]);
    expect(undecided?.between).toEqual(['MTU_MISMATCH', 'SERVICE_PROXY_BROKEN']);
    const d = { hostNetwork: { status: 'OK' as const, reasons: [] }, containerNetwork: { status: 'NG' as const, step: 'case-b' as const }, findings: [], unreadable: [], history: [], undecided };
    expect(renderText(d, { color: false })).toContain('Cannot decide between MTU_MISMATCH (MTU mismatch) and SERVICE_PROXY_BROKEN (service proxy (kube-proxy / iptables) broken): the evidence fits');
    expect(JSON.parse(renderJson(d)).undecided.between).toEqual(['MTU_MISMATCH', 'SERVICE_PROXY_BROKEN']);
  });

  it('a clear winner, or a root cause with what it explains: decided', () => {
    expect(undecidedBetween([finding('MTU_MISMATCH', 0.8), finding('SERVICE_PROXY_BROKEN', 0.6)])).toBeUndefined();
    expect(undecidedBetween([finding('MTU_MISMATCH', 0.7), finding('POD_NETWORK_UNREACHABLE', 0.7)])).toBeUndefined();
    expect(undecidedBetween([finding('IPAM_EXHAUSTED', 0.5), finding('CNI_PLUGIN_ERROR', 0.45)])).toBeUndefined();
  });
});

describe('superseded sandbox failures', () => {
  const message = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "' + 'd'.repeat(64) + '": lattice spool 17';

  it('a pod whose container runs now (not Ready: its probe fails) is past the sandbox failure: not case-a', () => {
    const snapshot = { ...emptySnapshot(), nodes: [makeNode('node-1')], pods: [makePod('default', 'web-1', { node: 'node-1', phase: 'Running', ready: false })] };
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedCreatePodSandBox', message, { host: 'node-1' })];
    expect(diagnose(snapshot).containerNetwork.step).not.toBe('case-a');
  });

  it('the same pod still waiting in ContainerCreating: case-a', () => {
    const snapshot = { ...emptySnapshot(), nodes: [makeNode('node-1')], pods: [makePod('default', 'web-1', { node: 'node-1', waiting: 'ContainerCreating' })] };
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedCreatePodSandBox', message, { host: 'node-1' })];
    expect(diagnose(snapshot).containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
  });
});

describe('CNI failures in node logs', () => {
  const line = 'E1129 21:40:00.000000   41233 remote_runtime.go:116] RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = failed to setup network for sandbox "' + 'e'.repeat(64) + '": plugin type="flannel" failed (add): quux 42';
  const cluster = (podReadyAt: string) => {
    const node = makeNode('node-1');
    Object.assign(node.status!.conditions![0]!, { lastTransitionTime: new Date('2026-11-29T08:00:00Z'), lastHeartbeatTime: new Date('2026-11-29T21:50:00Z') });
    const pod = makePod('default', 'web-1', { node: 'node-1' });
    pod.status!.conditions![0]!.lastTransitionTime = new Date(podReadyAt);
    return { ...emptySnapshot(), nodes: [node], pods: [pod], nodeFacts: { 'node-1': { kubeletLog: `${line}\n` } } };
  };

  it('newer than the Ready transition and than any pod getting its network there: counts, case-a', () => {
    const d = diagnose(cluster('2026-11-29T21:00:00Z'));
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    expect(d.findings.some((f) => f.code === 'CNI_PLUGIN_ERROR' && f.evidence.some((e) => e.text === line))).toBe(true);
  });

  it('followed by a pod on that node becoming Ready: overcome, listed as history', () => {
    const d = diagnose(cluster('2026-11-29T21:45:00Z'));
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
    expect(d.history).toEqual([expect.objectContaining({ note: 'a pod on node-1 got its network later, at 2026-11-29T21:45:00.000Z' })]);
  });
});

describe('"no usable CNI config" in a runtime log of a node that stayed Ready', () => {
  // What containerd 1.6 logs while a CNI config is rewritten (a temporary file, then a rename).
  const line = 'time="2026-11-29T21:40:00.209533001Z" level=error msg="failed to reload cni configuration after receiving fs change event(WRITE         \\"/etc/cni/net.d/.10-bridge.conflist.tmp\\")" error="cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config"';
  const cluster = (readyReportedAt: string): ClusterSnapshot => {
    const node = makeNode('node-1');
    Object.assign(node.status!.conditions![0]!, { lastTransitionTime: new Date('2026-11-29T08:00:00Z'), lastHeartbeatTime: new Date(readyReportedAt) });
    return { ...emptySnapshot(), nodes: [node], pods: [makePod('default', 'web-1', { node: 'node-1' })], nodeFacts: { 'node-1': { runtimeLog: `${line}\n` } } };
  };

  it('followed by the kubelet reporting the node Ready (polled after the line): history, OK', () => {
    const d = diagnose(cluster('2026-11-29T21:40:07Z'));
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
    expect(d.history).toEqual([expect.objectContaining({ note: 'node-1 reported Ready after it, at 2026-11-29T21:40:07.000Z' })]);
  });

  it('with Ready last reported too soon after it to reflect it (or before it): counts, waiting for the CNI', () => {
    for (const reportedAt of ['2026-11-29T21:40:03Z', '2026-11-29T21:39:00Z']) {
      const d = diagnose(cluster(reportedAt));
      expect(d.containerNetwork).toEqual({ status: 'NG', step: 'waiting-for-cni' });
      expect(d.history).toEqual([]);
    }
  });

  it('with Ready reported too soon, but /etc/cni/net.d read later holding a config that loads: history, OK', () => {
    const snapshot = cluster('2026-11-29T21:40:03Z');
    const loadable = JSON.stringify({ cniVersion: '0.4.0', name: 'lab', plugins: [{ type: 'bridge', bridge: 'cni0', ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]] } }] });
    snapshot.nodeFacts['node-1'] = { ...snapshot.nodeFacts['node-1'], cniNetD: { '10-bridge.conflist': loadable } };
    const d = diagnose(snapshot);
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
    expect(d.history).toEqual([expect.objectContaining({ note: '/etc/cni/net.d holds a config that loads (10-bridge.conflist), read after it' })]);
  });

  it('an event on the config dir itself (removed: containerd\'s watch is gone): counts, whatever the dir holds now', () => {
    const dirRemoved = 'time="2026-11-29T21:40:00.209533001Z" level=error msg="failed to reload cni configuration after receiving fs change event(\\"/etc/cni/net.d\\": REMOVE)" error="cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config"';
    const snapshot = cluster('2026-11-29T21:40:03Z');
    const loadable = JSON.stringify({ cniVersion: '0.4.0', name: 'lab', plugins: [{ type: 'bridge', bridge: 'cni0', ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]] } }] });
    snapshot.nodeFacts['node-1'] = { runtimeLog: `${dirRemoved}\n`, cniNetD: { '10-bridge.conflist': loadable } };
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('NG');
    expect(d.history).toEqual([]);
    expect(d.findings[0]?.explanation).toContain('watch on the dir is gone');
  });

  it('with /etc/cni/net.d holding only a config that does not load: still counts', () => {
    const snapshot = cluster('2026-11-29T21:40:03Z');
    snapshot.nodeFacts['node-1'] = { ...snapshot.nodeFacts['node-1'], cniNetD: { '10-bridge.conflist': '{"cniVersion":"0.4.0","name":"lab","plugins":[' } };
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('NG');
    expect(d.history).toEqual([]);
  });
});
