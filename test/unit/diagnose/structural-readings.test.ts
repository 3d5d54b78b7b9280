import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { renderJson, renderText } from '../../../shared/diagnose/render.js';
import type { CauseCode, Diagnosis, Finding } from '../../../shared/diagnose/types.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * When no rule's wording matches, the structure of the evidence names the cause: who printed the text,
 * that it is a failure (the logger's level, Go's error words) and what kind (Go's net errors, what the
 * runtime's sandbox wrapper contains). The texts are written as the components write them (klog, logrus,
 * calico's formatter, Go's net.OpError, containerd's and libcni's wrappers), with made-up inner errors
 * that no catalogue entry knows.
 */

const hex = (c: string) => c.repeat(64);
const structural = (d: Diagnosis) => d.findings.filter((f) => f.basis === 'structure');
const top = (d: Diagnosis): Finding => d.findings[0]!;

function cluster(): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' })];
  return snapshot;
}

/**
 * A pod and one line of its log. Its state is unknown unless `ready` (a dump whose pod list lacks it): a pod
 * known to be failing is named by its state already, and the log line would only add evidence.
 */
function withPodLog(snapshot: ClusterSnapshot, namespace: string, name: string, container: string, line: string, pod = { ready: false }): ClusterSnapshot {
  snapshot.pods.push(makePod(namespace, name, { node: 'node-1', container, ...(pod.ready ? {} : { noStatus: true }) }));
  snapshot.podLogs[podLogKey(namespace, name, container)] = `${line}\n`;
  return snapshot;
}

describe('a CNI agent reporting a failure in its own log: CNI_DAEMON_NOT_READY', () => {
  it.each([
    ['klog (antrea-agent)', 'antrea-agent-5kq9z', 'antrea-agent', 'E1129 08:14:02.118274       1 agent.go:215] "Failed to initialize agent" err="spool lattice 17 is not wound"'],
    ['logrus text (cilium-agent)', 'cilium-q7lwn', 'cilium-agent', 'level=fatal msg="Unable to wind the spool lattice" error="lattice 17 unwound" subsys=daemon'],
    ['calico\'s formatter', 'calico-node-5x2vq', 'calico-node', '2026-11-29 08:14:02.118 [ERROR][61] felix/spool.go 1245: Spool lattice refused to wind lattice=17'],
  ])('%s', (_name, pod, container, line) => {
    const d = diagnose(withPodLog(cluster(), 'kube-system', pod, container, line));
    expect(d.containerNetwork.status).toBe('NG');
    const finding = d.findings.find((f) => f.code === 'CNI_DAEMON_NOT_READY')!;
    expect(finding.evidence.map((e) => e.text)).toContain(line);
  });

  it('a log line read from the structure says so, where it was seen and what to run next', () => {
    const line = 'E1129 08:14:02.118274       1 agent.go:215] "Failed to initialize agent" err="spool lattice 17 is not wound"';
    const snapshot = withPodLog(cluster(), 'kube-system', 'antrea-agent-5kq9z', 'antrea-agent', line);
    const finding = structural(diagnose(snapshot)).find((f) => f.code === 'CNI_DAEMON_NOT_READY')!;
    expect(finding.explanation).toContain('No known wording matches');
    expect(finding.explanation).toContain('the log of CNI daemon pod kube-system/antrea-agent-5kq9z (logs[antrea-agent]) on node-1');
    expect(finding.explanation).toContain(JSON.stringify(line));
    expect(finding.nextCommands[0]).toBe('kubectl describe -n kube-system pod/antrea-agent-5kq9z');
  });

  it('an agent whose connection to a service IP gets no answer: down, and the connection\'s own readings fit as well', () => {
    const line = '2026-11-29 08:14:02.118 [WARNING][61] felix/spool.go 311: Failed to wind spool from datastore error=dial tcp 10.96.232.136:6666: connect: connection timed out';
    const d = diagnose(withPodLog(cluster(), 'kube-system', 'calico-node-5x2vq', 'calico-node', line));
    expect(top(d).code).toBe('CNI_DAEMON_NOT_READY');
    expect(new Set(d.undecided?.between)).toEqual(new Set(['CNI_DAEMON_NOT_READY', 'SERVICE_PROXY_BROKEN', 'HOST_NETFILTER_SETTINGS']));
  });

  it('the same line from an agent pod that is Ready: it recovered, no finding', () => {
    const line = 'E1129 08:14:02.118274       1 agent.go:215] "Failed to initialize agent" err="spool lattice 17 is not wound"';
    const d = diagnose(withPodLog(cluster(), 'kube-system', 'antrea-agent-5kq9z', 'antrea-agent', line, { ready: true }));
    expect(d.findings).toEqual([]);
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
  });

  it('an info line is no failure, whatever words it carries', () => {
    const line = 'I1129 08:14:02.118274       1 agent.go:215] "Retrying after failed spool wind" attempt=1';
    const snapshot = withPodLog(cluster(), 'kube-system', 'antrea-agent-5kq9z', 'antrea-agent', line, { ready: true });
    expect(diagnose(snapshot).findings).toEqual([]);
  });

  it('a host service journal (rke2) naming the agent at error level (no agent pod was read)', () => {
    const line = 'Nov 29 08:14:02 node-1 rke2[727]: time="2026-11-29T08:14:02.806063094Z" level=error msg="canal spool lattice 17 unwound, retrying"';
    const snapshot = cluster();
    snapshot.nodes = [makeNode('node-1', { ready: null })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: `${line}\n` };
    const d = diagnose(snapshot);
    expect(top(d).code).toBe('CNI_DAEMON_NOT_READY');
    expect(top(d).explanation).toContain('the kubelet log on node-1');
  });
});

describe('kube-proxy reporting a failure: SERVICE_PROXY_BROKEN, wherever the line is read', () => {
  // kube-proxy's klog header names its source file; k3s runs it inside its own process and journal.
  const line = 'E1129 08:14:02.118274       1 proxier.go:1525] "Failed to wind the spool lattice" err="lattice 17 unwound"';

  it('in the kube-proxy pod log', () => {
    const d = diagnose(withPodLog(cluster(), 'kube-system', 'kube-proxy-x8v2m', 'kube-proxy', line));
    expect(d.findings.map((f) => f.code)).toContain('SERVICE_PROXY_BROKEN');
    expect(d.findings.find((f) => f.code === 'SERVICE_PROXY_BROKEN')!.evidence.map((e) => e.text)).toContain(line);
  });

  it('in a k3s journal read with the kubelet log', () => {
    const journal = `Nov 29 08:14:02 node-1 k3s[2242]: ${line.replace('       1 ', '    2242 ')}`;
    const snapshot = cluster();
    snapshot.nodes = [makeNode('node-1', { ready: null })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: `${journal}\n` };
    const d = diagnose(snapshot);
    expect(top(d).code).toBe('SERVICE_PROXY_BROKEN');
    expect(top(d).basis).toBe('structure');
  });
});

describe('the kubelet\'s or the runtime\'s CNI code rejecting a config: CNI_CONFIG_INVALID', () => {
  it.each([
    ['dockershim cni.go (kubelet journal)', 'kubeletLog', 'Nov 29 08:14:02 node-1 kubelet[1110]: W1129 08:14:02.536425    1110 cni.go:202] Error validating CNI config list {"cniVersion":"9.9.9","name":"zebra","plugins":[{"type":"zebra"}]}: [spool lattice 17 unwound]'],
    ['containerd naming a config file', 'runtimeLog', 'time="2026-11-29T08:14:02.209533001Z" level=error msg="failed to reload cni configuration after receiving fs change event(CREATE \\"/etc/cni/net.d/10-zebra.conflist\\")" error="cni config load failed: failed to load CNI config list file /etc/cni/net.d/10-zebra.conflist: spool lattice 17 unwound: invalid cni config: failed to load cni config"'],
  ] as const)('%s', (_name, key, line) => {
    const snapshot = cluster();
    snapshot.nodes = [makeNode('node-1', { ready: null })];
    snapshot.nodeFacts['node-1'] = { [key]: `${line}\n` };
    const d = diagnose(snapshot);
    expect(d.findings.map((f) => f.code)).toContain('CNI_CONFIG_INVALID');
    expect(d.findings.find((f) => f.code === 'CNI_CONFIG_INVALID')!.evidence.map((e) => e.text)).toContain(line);
  });
});

describe('a sandbox network failure no rule names, by what failed inside the runtime\'s wrapper', () => {
  const wrap = (inner: string) => `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${hex('a')}": plugin type="zebra" failed (add): ${inner}`;
  it.each<[string, string, CauseCode]>([
    ['the plugin cannot reach its agent\'s socket (Go net.OpError, ENOENT)', wrap('error getting lattice: Post "http://unix/lattice": dial unix /var/run/zebra/zebra.sock: connect: no such file or directory'), 'CNI_DAEMON_NOT_READY'],
    ['the plugin cannot reach its agent\'s loopback port (ECONNREFUSED)', wrap('Get "http://[::1]:6799/lattice": dial tcp [::1]:6799: connect: connection refused'), 'CNI_DAEMON_NOT_READY'],
    ['a delegated binary cannot be executed (Go os/exec)', wrap('delegate: fork/exec /opt/cni/bin/zebra-ipam: no such file or directory'), 'CNI_PLUGIN_BINARY_MISSING'],
    ['a config file is named', wrap('cannot wind lattice from /etc/cni/net.d/10-zebra.conflist: spool 17 unwound'), 'CNI_CONFIG_INVALID'],
    ['the plugin times out on the API service IP', wrap('error getting lattice: Get "https://10.96.0.1:443/apis/crd.projectzebra.org/v1/lattices/default": dial tcp 10.96.0.1:443: connect: connection timed out'), 'SERVICE_PROXY_BROKEN'],
    ['anything else: the plugin\'s own error', wrap('spool lattice 17 unwound'), 'CNI_PLUGIN_ERROR'],
    ['a file that is no CNI config (resolv.conf) is the plugin\'s own error', wrap('cannot wind lattice from /etc/resolv.conf: spool 17 unwound'), 'CNI_PLUGIN_ERROR'],
  ])('%s', (_name, message, code) => {
    const snapshot = cluster();
    snapshot.pods = [makePod('default', 'web-1', { node: 'node-1', waiting: 'ContainerCreating' })];
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedCreatePodSandBox', message, { host: 'node-1' })];
    const d = diagnose(snapshot);
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    const finding = d.findings.find((f) => f.code === code)!;
    expect(finding.evidence[0]?.text).toBe(message);
    // The plugin's own error also matches libcni's wrapper in the catalogue, which speaks for the merged finding.
    if (code !== 'CNI_PLUGIN_ERROR') expect(finding.explanation).toContain('Seen in events[FailedCreatePodSandBox].message of Pod default/web-1');
    expect(finding.explanation).toContain(code === 'CNI_PLUGIN_ERROR' ? '17 unwound' : '…');
  });
});

describe('connections that get no answer, by where they were aimed', () => {
  const dnsPod = (line: string) => {
    const snapshot = cluster();
    snapshot.pods = [makePod('kube-system', 'coredns-5d78c9869d-x2mzq', { node: 'node-1', container: 'coredns', labels: { 'k8s-app': 'kube-dns' }, noStatus: true })];
    snapshot.podLogs[podLogKey('kube-system', 'coredns-5d78c9869d-x2mzq', 'coredns')] = `${line}\n`;
    return diagnose(snapshot);
  };

  it('to a pod IP (ETIMEDOUT): POD_NETWORK_UNREACHABLE', () => {
    const line = '[ERROR] plugin/errors: 2 orders.shop.svc.cluster.local. A: dial tcp 10.244.0.57:8053: connect: connection timed out';
    const d = dnsPod(line);
    expect(top(d).code).toBe('POD_NETWORK_UNREACHABLE');
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-b' });
  });

  it('to an address outside the cluster ranges: POD_NETWORK_UNREACHABLE (kube-proxy only translates service IPs)', () => {
    const d = dnsPod('[ERROR] plugin/errors: 2 example.org. A: dial tcp 192.0.2.53:53: connect: connection timed out');
    expect(top(d).code).toBe('POD_NETWORK_UNREACHABLE');
    expect(d.undecided).toBeUndefined();
  });

  it('to an address the text does not give: cannot decide between the pod network, kube-proxy and br_netfilter', () => {
    // urllib3's wording, in a workload's log read from a dump.
    const line = 'ConnectTimeout(MaxRetryError("HTTPConnectionPool(host=\'orders-svc\', port=80): Max retries exceeded with url: /tasks (Caused by ConnectTimeoutError(<urllib3.connection.HTTPConnection object at 0x7f5382475c0>, \'Connection to orders-svc timed out. (connect timeout=15)\'))"))';
    const snapshot = withPodLog(cluster(), 'shop', 'web-7c9f8d6b5-h4vlk', 'web', line);
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('NG');
    expect(new Set(d.undecided?.between)).toEqual(new Set(['HOST_NETFILTER_SETTINGS', 'SERVICE_PROXY_BROKEN', 'POD_NETWORK_UNREACHABLE']));
    expect(renderText(d, { color: false })).toContain('Cannot decide between');
  });

  it('the runtime\'s own timeouts (ExecSync, image pulls) are not read as the pod network\'s', () => {
    const line = 'time="2026-11-29T08:14:02.118274Z" level=error msg="ExecSync for \\"' + hex('b') + '\\" failed" error="rpc error: code = DeadlineExceeded desc = failed to exec in container: timeout 1s exceeded: context deadline exceeded"';
    const snapshot = cluster();
    snapshot.nodeFacts['node-1'] = { runtimeLog: `${line}\n` };
    const d = diagnose(snapshot);
    expect(d.findings).toEqual([]);
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
  });

  it('"connection refused" reached something: no network cause is read from it', () => {
    const snapshot = withPodLog(cluster(), 'shop', 'web-7c9f8d6b5-h4vlk', 'web', 'level=error msg="upstream failed" error="dial tcp 10.244.0.57:8080: connect: connection refused"');
    expect(diagnose(snapshot).findings.filter((f) => f.code !== 'UNKNOWN')).toEqual([]);
  });

  it('a timeout in the log of a pod that is Ready now is history: OK, no finding', () => {
    const snapshot = withPodLog(cluster(), 'shop', 'web-7c9f8d6b5-h4vlk', 'web', 'level=error msg="upstream failed" error="dial tcp 192.0.2.10:8080: i/o timeout"', { ready: true });
    const d = diagnose(snapshot);
    expect(d.findings).toEqual([]);
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
  });
});

describe('pod and node states', () => {
  it('NetworkUnavailable=True set by a CNI agent: CNI_DAEMON_NOT_READY', () => {
    const snapshot = cluster();
    snapshot.nodes[0]!.status!.conditions!.push({ type: 'NetworkUnavailable', status: 'True', reason: 'ZebraIsDown', message: 'Zebra is shutting down on this node' });
    const d = diagnose(snapshot);
    expect(top(d).code).toBe('CNI_DAEMON_NOT_READY');
    expect(top(d).explanation).toContain('status.conditions[NetworkUnavailable].message of Node node-1');
  });

  it('CoreDNS Running but not Ready with nothing else known: cannot decide between kube-proxy and the pod network', () => {
    const snapshot = cluster();
    snapshot.pods = [makePod('kube-system', 'coredns-5d78c9869d-x2mzq', { node: 'node-1', phase: 'Running', ready: false, labels: { 'k8s-app': 'kube-dns' } })];
    const d = diagnose(snapshot);
    expect([...(d.undecided?.between ?? [])].sort()).toEqual(['POD_NETWORK_UNREACHABLE', 'SERVICE_PROXY_BROKEN']);
  });
});

describe('ranking', () => {
  it('a structural reading ranks below every rule\'s finding, even a weak one', () => {
    const snapshot = withPodLog(cluster(), 'kube-system', 'kube-proxy-x8v2m', 'kube-proxy', 'E1129 08:14:02.118274       1 proxier.go:1525] "Failed to wind the spool lattice" err="lattice 17 unwound"');
    snapshot.pods.push(makePod('default', 'web-1', { node: 'node-1', phase: 'Pending' }));
    // A look-alike rule (NOT_A_NETWORK_FAULT, 0.45) for a volume that cannot be mounted.
    snapshot.events.push(makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedMount', 'MountVolume.SetUp failed for volume "data" : secret "data" not found', { host: 'node-1' }));
    const d = diagnose(snapshot);
    const named = d.findings.filter((f) => f.basis === undefined);
    const read = structural(d);
    expect(named.length).toBeGreaterThan(0);
    expect(read.length).toBeGreaterThan(0);
    expect(Math.max(...read.map((f) => f.confidence))).toBeLessThan(Math.min(...named.map((f) => f.confidence)));
    expect(d.findings[0]!.basis).toBeUndefined();
  });

  it('-o json marks findings read from the structure', () => {
    const d = diagnose(withPodLog(cluster(), 'kube-system', 'antrea-agent-5kq9z', 'antrea-agent', 'E1129 08:14:02.118274       1 agent.go:215] "Failed to initialize agent" err="spool 17"'));
    expect(JSON.parse(renderJson(d)).findings[0].basis).toBe('structure');
  });
});

describe('NG with no cause named', () => {
  it('quotes the most telling failure, says where it was seen and what to run next', () => {
    // A kubelet line of the kubelet's own (its journal prefix and klog header): no structural reading applies.
    const line = 'Nov 29 08:14:02 node-1 kubelet[1110]: E1129 08:14:02.082452    1110 kubelet.go:2183] "Spool lattice refused to wind" err="lattice 17 unwound \\"quoted\\""';
    const snapshot = cluster();
    snapshot.nodes = [makeNode('node-1', { ready: null })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: `${line}\n` };
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('NG');
    expect(d.findings.map((f) => f.code)).toEqual(['UNKNOWN']);
    expect(top(d).evidence[0]).toEqual({ object: 'Node node-1', field: 'kubelet.log', text: line });
    const text = renderText(d, { color: false });
    expect(text).toContain('the most telling failure is in the kubelet log on node-1: ');
    expect(text).toContain(JSON.stringify(line).slice(1, 40));
    expect(text).toMatch(/next:\n {5}\$ ssh node-1 "journalctl /);
  });

  it('without any failure text: names what made the verdict NG and how to look further', () => {
    const d = diagnose({ ...emptySnapshot(), nodes: [makeNode('node-1', { ready: null })] });
    expect(d.containerNetwork.status).toBe('NG');
    expect(top(d).code).toBe('UNKNOWN');
    expect(top(d).evidence[0]?.text).toBe('node-1 reports no conditions: its state is unknown');
    expect(top(d).nextCommands[0]).toBe('kubectl get nodes -o wide');
  });

  it('a long text is cut in the explanation (the end kept) and escaped', () => {
    const line = `Nov 29 08:14:02 node-1 kubelet[1110]: E1129 08:14:02.082452    1110 kubelet.go:2183] "${'x'.repeat(600)}" err="tail \\u001b end"`;
    const snapshot = { ...emptySnapshot(), nodes: [makeNode('node-1', { ready: null })], nodeFacts: { 'node-1': { kubeletLog: `${line}\n` } } };
    const finding = top(diagnose(snapshot));
    expect(finding.explanation.length).toBeLessThan(400);
    expect(finding.explanation).toContain('tail \\\\u001b end');
    expect(finding.explanation).toContain('"…');
  });
});
