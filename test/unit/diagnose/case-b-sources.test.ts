import type { CauseCode } from '../../../shared/diagnose/cause-catalog.js';
import { diagnose, textRules } from '../../../shared/diagnose/diagnose.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { arrivalsOf, escapeQuoted, type Printer } from './catalog/arrivals.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * Case B (the sandbox exists, the network does not work, or the CNI agent is unhealthy): the wordings
 * the rules in rules/*.ts read (Go's net and net/http errors, iptables, ping / tcpdump, the agents' log
 * formats), each as its source writes it, reach the same cause wherever they arrive; and a probe's
 * network error means the pod network for an ordinary pod but the daemon for the CNI daemon's own probe.
 */

const node = 'node-1';
const podUid = '8d1c2a4e-5b6f-7a8b-9c0d-1e2f3a4b5c6d';
const app = { namespace: 'default', name: 'web-6d4cf56db6-5gq7n', container: 'web' };
const calicoNode = { namespace: 'kube-system', name: 'calico-node-x7k2p', container: 'calico-node' };

/** What the kubelet's TCP and HTTP probes print when nothing answers (pkg/probe/{tcp,http} around Go's errors). */
const probeOutputs: [label: string, output: string][] = [
  ['TCP, i/o timeout', 'dial tcp 10.244.1.7:8080: i/o timeout'],
  ['TCP, IPv6, i/o timeout', 'dial tcp [fd00:10:244:1::7]:8080: i/o timeout'],
  ['TCP, ETIMEDOUT', 'dial tcp 10.244.1.7:8080: connect: connection timed out'],
  ['TCP, EHOSTUNREACH', 'dial tcp 10.244.1.7:8080: connect: no route to host'],
  ['TCP, ENETUNREACH', 'dial tcp 10.244.1.7:8080: connect: network is unreachable'],
  ['HTTP, Go >= 1.14', 'Get "http://10.244.1.7:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'],
  ['HTTP, older Go', 'Get http://10.244.1.7:8080/healthz: net/http: request canceled (Client.Timeout exceeded while awaiting headers)'],
  ['HTTP, older Go, while connecting', 'Get http://10.244.1.7:8080/healthz: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)'],
  ['HTTP, response headers', 'Get "http://10.244.1.7:8080/healthz": net/http: timeout awaiting response headers'],
];

/** node-1 (dual-stack pod range) with a Ready calico-node and one probed pod, `who`, that is Running but not Ready. */
function probedCluster(who: typeof app, arrival: 'event' | 'prober log' | 'structured prober log', output: string): { snapshot: ClusterSnapshot; text: string } {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode(node, { podCIDR: '10.244.1.0/24', internalIp: '10.0.0.11' })];
  snapshot.nodes[0]!.spec!.podCIDRs = ['10.244.1.0/24', 'fd00:10:244:1::/64'];
  snapshot.pods = [makePod(who.namespace, who.name, { node, container: who.container, phase: 'Running', ready: false, httpProbe: true })];
  if (who !== calicoNode) snapshot.pods.push(makePod(calicoNode.namespace, calicoNode.name, { node, container: calicoNode.container }));
  let text: string;
  if (arrival === 'event') {
    text = `Readiness probe failed: ${output}`;
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: who.namespace, name: who.name }, 'Unhealthy', text, { host: node })];
  } else {
    text = arrival === 'prober log'
      ? `I1126 05:00:00.118201   41233 prober.go:117] Readiness probe for "${who.name}_${who.namespace}(${podUid}):${who.container}" failed (failure): ${output}`
      : `Nov 26 05:00:00 ${node} kubelet[41233]: I1126 05:00:00.118201   41233 prober.go:116] "Probe failed" probeType="Readiness" pod="${who.namespace}/${who.name}" podUID=${podUid} containerName="${who.container}" probeResult=failure output="${escapeQuoted(output)}"`;
    snapshot.nodeFacts[node] = { kubeletLog: `${text}\n` };
  }
  return { snapshot, text };
}

const arrivals = ['event', 'prober log', 'structured prober log'] as const;

describe.each(probeOutputs)('a probe that gets no answer (%s)', (_label, output) => {
  it.each(arrivals)('of an ordinary pod while its node\'s CNI daemon is Ready, as a %s: POD_NETWORK_UNREACHABLE', (arrival) => {
    const { snapshot, text } = probedCluster(app, arrival, output);
    const diagnosis = diagnose(snapshot);
    expect(diagnosis.findings[0]?.code).toBe('POD_NETWORK_UNREACHABLE');
    expect(diagnosis.findings[0]?.evidence.map((e) => e.text)).toContain(text);
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step: 'case-b' });
  });

  it.each(arrivals)('of the CNI daemon\'s own probe, as a %s: CNI_DAEMON_NOT_READY', (arrival) => {
    const { snapshot, text } = probedCluster(calicoNode, arrival, output);
    const diagnosis = diagnose(snapshot);
    expect(diagnosis.findings[0]?.code).toBe('CNI_DAEMON_NOT_READY');
    expect(diagnosis.findings.flatMap((f) => f.evidence.map((e) => e.text))).toContain(text);
  });
});

describe('a probe of an ordinary pod that gets no answer while the CNI daemon on its node is not Ready', () => {
  it.each(arrivals)('as a %s: CNI_DAEMON_NOT_READY, the daemon explains it', (arrival) => {
    const { snapshot, text } = probedCluster(app, arrival, 'dial tcp 10.244.1.7:8080: i/o timeout');
    snapshot.pods = snapshot.pods.map((p) => p.metadata?.name === calicoNode.name ? makePod(calicoNode.namespace, calicoNode.name, { node, container: calicoNode.container, phase: 'Running', ready: false }) : p);
    const top = diagnose(snapshot).findings[0];
    expect(top?.code).toBe('CNI_DAEMON_NOT_READY');
    expect(top?.evidence.map((e) => e.text)).toContain(text);
  });
});

/** Each row: the rule, who prints the text, the text as its source writes it, the cause. */
const wordings: [ruleId: string, printer: Printer, message: string, code: CauseCode][] = [
  // Go's net package: ETIMEDOUT / ENETUNREACH dialling a pod IP (the apiserver to metrics-server, a client to a pod).
  ['pod-ip-timeout', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'Get "https://10.244.1.7:4443/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.1.7:4443: connect: connection timed out', 'POD_NETWORK_UNREACHABLE'],
  ['pod-ip-timeout', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'dial tcp 10.244.1.7:4443: connect: network is unreachable', 'POD_NETWORK_UNREACHABLE'],
  // Go's net/http client timeouts on a URL whose host is a pod IP (a webhook served by a pod).
  ['pod-ip-http-timeout', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'failed calling webhook "validate.nginx.ingress.kubernetes.io": Post "https://10.244.1.7:8443/networking/v1/ingresses?timeout=10s": context deadline exceeded', 'POD_NETWORK_UNREACHABLE'],
  // net/http's tlsHandshakeTimeoutError on the kubernetes service IP, in the CNI daemon's log: an MTU black hole.
  ['cluster-ip-tls-handshake-timeout', { emitter: 'daemon', daemonLog: 'kube-flannel/kube-flannel-ds-5lq8v/kube-flannel' }, 'github.com/flannel-io/flannel/pkg/subnet/kube/kube.go:470: Failed to list *v1.Node: Get "https://10.96.0.1:443/api/v1/nodes?resourceVersion=0": net/http: TLS handshake timeout', 'MTU_MISMATCH'],
  // EMSGSIZE (Go: "message too long") sending a VXLAN datagram larger than the NIC's MTU.
  ['send-message-too-long', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'write udp 10.244.1.5:41234->10.244.2.9:5353: write: message too long', 'MTU_MISMATCH'],
  // glibc's strerror wording, as ping -M do prints it.
  ['send-message-too-long', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'ping: sendmsg: Message too long', 'MTU_MISMATCH'],
  // tcpdump's ICMPv6 "packet too big" (print-icmp6.c).
  ['path-mtu-smaller', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, '05:00:00.118201 IP6 fd00::12 > fd00::11: ICMP6, packet too big, mtu 1450, length 1240', 'MTU_MISMATCH'],
  // iptables-nft (iptables/nft.c) on a kernel without nf_tables, in calico-node's log: rules are not written.
  ['kube-proxy-cannot-program-iptables', { emitter: 'daemon', daemonLog: `${calicoNode.namespace}/${calicoNode.name}/${calicoNode.container}` }, 'iptables v1.8.7 (nf_tables): Could not fetch rule set generation id: Invalid argument', 'SERVICE_PROXY_BROKEN'],
  ['kube-proxy-cannot-program-iptables', { emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy' }, 'iptables-restore v1.8.4 (legacy): unable to initialize table \'nat\'', 'SERVICE_PROXY_BROKEN'],
  ['iptables-both-backends', { emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy' }, '# Warning: iptables-legacy tables present, use iptables-legacy to see them', 'SERVICE_PROXY_BROKEN'],
  // A CNI daemon's fatal line in calico's, weave's (logrus text) and JSON log formats.
  ['cni-daemon-log-fatal', { emitter: 'daemon', daemonLog: `${calicoNode.namespace}/${calicoNode.name}/${calicoNode.container}` }, '2020-05-12 05:43:43.500 [FATAL][61] startup.go 1102: Error getting calico node resource', 'CNI_DAEMON_NOT_READY'],
  ['cni-daemon-log-fatal', { emitter: 'daemon', daemonLog: 'kube-system/weave-net-4xk8d/weave' }, 'FATA: 2019/02/18 14:24:12.158093 Unable to start the router: creating bridge: operation not permitted', 'CNI_DAEMON_NOT_READY'],
  ['cni-daemon-log-fatal', { emitter: 'daemon', daemonLog: 'kube-system/cilium-q7lwn/cilium-agent' }, '{"level":"fatal","msg":"Error while creating daemon","subsys":"daemon"}', 'CNI_DAEMON_NOT_READY'],
  // curl (lib/connect.c), BusyBox wget / nc and OpenBSD nc with the C library's strerror text, pasted from a pod.
  ['client-pod-ip-no-answer', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'curl: (7) Failed to connect to 10.244.1.9 port 80 after 3071 ms: No route to host', 'POD_NETWORK_UNREACHABLE'],
  ['client-pod-ip-no-answer', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'wget: can\'t connect to remote host (10.244.1.9): Connection timed out', 'POD_NETWORK_UNREACHABLE'],
  ['client-pod-ip-no-answer', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'nc: connect to 10.244.1.9 port 8080 (tcp) failed: Connection timed out', 'POD_NETWORK_UNREACHABLE'],
  ['client-service-ip-timeout', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'curl: (28) Failed to connect to 10.96.0.10 port 53 after 129318 ms: Connection timed out', 'SERVICE_PROXY_BROKEN'],
  ['client-service-ip-rejected', { emitter: 'daemon', daemonLog: `${app.namespace}/${app.name}/${app.container}` }, 'curl: (7) Failed to connect to 10.96.0.1 port 443: No route to host', 'POD_NETWORK_UNREACHABLE'],
  // kmod's modprobe when the running kernel has no br_netfilter.
  ['br-netfilter-module-not-found', { emitter: 'daemon', daemonLog: 'kube-flannel/kube-flannel-ds-5lq8v/kube-flannel' }, 'modprobe: FATAL: Module br_netfilter not found in directory /lib/modules/5.15.0-1019-raspi', 'HOST_NETFILTER_SETTINGS'],
  // Go's EMFILE in kindnetd's log (kind's "too many open files" known issue).
  ['cni-daemon-too-many-open-files', { emitter: 'daemon', daemonLog: 'kube-system/kindnet-5xq2w/kindnet-cni' }, 'failed to create fsnotify watcher: too many open files', 'CNI_DAEMON_NOT_READY'],
  // client-go's reflector in kube-proxy's log.
  ['kube-proxy-cannot-reach-api', { emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy' }, 'k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: Get "https://10.0.0.10:6443/apis/discovery.k8s.io/v1/endpointslices?limit=500&resourceVersion=0": dial tcp 10.0.0.10:6443: connect: connection refused', 'SERVICE_PROXY_BROKEN'],
  // CoreDNS's errors plugin around Go's read timeout, to an IPv6 upstream.
  ['coredns-upstream-timeout', { emitter: 'daemon', daemonLog: 'kube-system/coredns-74ff55c5b-8xq2w/coredns' }, '[ERROR] plugin/errors: 2 example.org. AAAA: read udp [fd00:10:244:1::5]:54684->[2001:4860:4860::8888]:53: i/o timeout', 'POD_NETWORK_UNREACHABLE'],
];

describe.each(wordings)('%s: %s', (ruleId, printer, message, code) => {
  it('is a rule netcheck has', () => {
    expect(textRules.map((r) => r.id)).toContain(ruleId);
  });

  it.each(arrivalsOf(printer, message).map((a) => [a.route, a] as const))(`names ${code} first when it arrives as %s`, (_route, arrival) => {
    const top = diagnose(arrival.snapshot).findings[0];
    expect({ top: top?.code, text: arrival.text }).toEqual({ top: code, text: arrival.text });
    expect(top?.evidence.map((e) => e.text)).toContain(arrival.text);
  });
});

describe('the same TLS handshake timeout on a service IP', () => {
  const message = 'Get "https://10.96.0.1:443/api/v1/nodes?limit=500": net/http: TLS handshake timeout';
  const readyNode = () => makeNode(node, { podCIDR: '10.244.1.0/24' });
  const sources: [string, () => ClusterSnapshot][] = [
    ['a kubelet journal line', () => ({ ...emptySnapshot(), nodes: [readyNode()], nodeFacts: { [node]: { kubeletLog: `Nov 26 05:00:00 ${node} kubelet[41233]: E1126 05:00:00.118201   41233 reflector.go:138] k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.Node: failed to list *v1.Node: ${message}\n` } } })],
    ['an application pod\'s log', () => {
      const snapshot = { ...emptySnapshot(), nodes: [readyNode()], pods: [makePod(app.namespace, app.name, { node, container: app.container })] };
      snapshot.podLogs[podLogKey(app.namespace, app.name, app.container)] = `E1126 05:00:00.118201       1 reflector.go:138] ${message}\n`;
      return snapshot;
    }],
    ['a CNI daemon\'s log', () => {
      const snapshot = { ...emptySnapshot(), nodes: [readyNode()], pods: [makePod(calicoNode.namespace, calicoNode.name, { node, container: calicoNode.container })] };
      snapshot.podLogs[podLogKey(calicoNode.namespace, calicoNode.name, calicoNode.container)] = `2020-05-12 05:43:43.500 [ERROR][61] startup.go 146: failed to query kubeadm's config map error=${message}\n`;
      return snapshot;
    }],
  ];
  it.each(sources)('read from %s: MTU_MISMATCH', (_source, build) => {
    expect(diagnose(build()).findings[0]?.code).toBe('MTU_MISMATCH');
  });

  it('on the API server\'s own node address it says nothing about the pod network', () => {
    const snapshot = { ...emptySnapshot(), nodes: [readyNode()], nodeFacts: { [node]: { kubeletLog: 'E1126 05:00:00.118201   41233 reflector.go:138] Get "https://10.0.0.11:6443/api/v1/nodes": net/http: TLS handshake timeout\n' } } };
    expect(diagnose(snapshot).findings.map((f) => f.code)).not.toContain('MTU_MISMATCH');
  });
});

describe('node facts: pod interfaces larger than the overlay', () => {
  const withIpAddr = (ipAddr: string): ClusterSnapshot => ({ ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })], nodeFacts: { [node]: { ipAddr } } });
  const overlay = '12: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1392 qdisc noqueue state UNKNOWN group default \n    inet 10.244.1.0/32 scope global vxlan.calico\n';

  it('are found even when the excerpt shows no NIC netcheck recognises', () => {
    const d = diagnose(withIpAddr(`${overlay}11: cali8f849197aa4@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \n`));
    expect(d.findings[0]?.code).toBe('MTU_MISMATCH');
    expect(d.findings[0]?.explanation).toMatch(/cali8f849197aa4 has MTU 1500, more than vxlan\.calico \(MTU 1392\)/);
  });

  it('and a consistent set is not reported', () => {
    const d = diagnose(withIpAddr(`${overlay}11: cali8f849197aa4@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1392 qdisc noqueue state UP group default \n`));
    expect(d.findings.map((f) => f.code)).not.toContain('MTU_MISMATCH');
  });
});

describe('node facts: flannel\'s own MTU and the overlay across nodes', () => {
  const eth0 = (mtu: number) => `2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc fq_codel state UP group default qlen 1000\n    inet 10.0.0.11/24 brd 10.0.0.255 scope global eth0\n`;
  const flannel1 = (mtu: number) => `4: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu ${mtu} qdisc noqueue state UNKNOWN group default \n    inet 10.244.1.0/32 scope global flannel.1\n`;

  it('FLANNEL_MTU in subnet.env larger than the overlay: MTU_MISMATCH quoting the line', () => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24', internalIp: '10.0.0.11' })] };
    snapshot.nodeFacts[node] = { ipAddr: eth0(1450) + flannel1(1400), flannelSubnetEnv: 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n' };
    const top = diagnose(snapshot).findings[0];
    expect(top?.code).toBe('MTU_MISMATCH');
    expect(top?.evidence.map((e) => e.text)).toContain('FLANNEL_MTU=1450');
  });

  it('the same overlay with a larger MTU on one node: MTU_MISMATCH naming both nodes', () => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode('node-1', { podCIDR: '10.244.1.0/24' }), makeNode('node-2', { podCIDR: '10.244.2.0/24' })] };
    snapshot.nodeFacts['node-1'] = { ipAddr: eth0(9001) + flannel1(8951) };
    snapshot.nodeFacts['node-2'] = { ipAddr: eth0(1500).replace('10.0.0.11', '10.0.0.12') + flannel1(1450) };
    const top = diagnose(snapshot).findings[0];
    expect(top?.code).toBe('MTU_MISMATCH');
    expect(top?.explanation).toMatch(/MTU 8951 on node-1 but 1450 on node-2/);
  });

  it('the same MTU everywhere is not reported', () => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode('node-1', { podCIDR: '10.244.1.0/24' }), makeNode('node-2', { podCIDR: '10.244.2.0/24' })] };
    snapshot.nodeFacts['node-1'] = { ipAddr: eth0(1500) + flannel1(1450), flannelSubnetEnv: 'FLANNEL_MTU=1450\n' };
    snapshot.nodeFacts['node-2'] = { ipAddr: eth0(1500) + flannel1(1450), flannelSubnetEnv: 'FLANNEL_MTU=1450\n' };
    expect(diagnose(snapshot).findings.map((f) => f.code)).not.toContain('MTU_MISMATCH');
  });
});

describe('node facts: loose reverse-path filtering with calico', () => {
  const build = (withCalico: boolean): ClusterSnapshot => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })] };
    if (withCalico) snapshot.pods = [makePod(calicoNode.namespace, calicoNode.name, { node, container: calicoNode.container, phase: 'Running', ready: false })];
    snapshot.nodeFacts[node] = { sysctl: 'net.ipv4.ip_forward = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.conf.all.rp_filter = 2\n' };
    return snapshot;
  };
  it('is reported where calico runs, with the sysctl line', () => {
    const finding = diagnose(build(true)).findings.find((f) => f.code === 'HOST_NETFILTER_SETTINGS');
    expect(finding?.evidence.map((e) => e.text)).toEqual(['net.ipv4.conf.all.rp_filter = 2']);
  });
  it('is not a finding without calico (other CNIs and kube-proxy do not mind)', () => {
    expect(diagnose(build(false)).findings.map((f) => f.code)).not.toContain('HOST_NETFILTER_SETTINGS');
  });
});

describe('a probe of an agent\'s node-local health port, whatever the pod is called', () => {
  const unknownPod = { namespace: 'default', name: 'app-7c9f8d6b5-h4vlk', container: 'app' };
  const cases: [string, string, CauseCode][] = [
    ['calico-node\'s Felix', 'Get "http://localhost:9099/liveness": dial tcp 127.0.0.1:9099: connect: connection refused', 'CNI_DAEMON_NOT_READY'],
    ['the cilium agent', 'Get "http://127.0.0.1:9879/healthz": dial tcp 127.0.0.1:9879: connect: connection refused', 'CNI_DAEMON_NOT_READY'],
    ['weave', 'Get "http://127.0.0.1:6784/status": dial tcp 127.0.0.1:6784: connect: connection refused', 'CNI_DAEMON_NOT_READY'],
  ];
  it.each(cases)('%s: names its component', (_who, output, code) => {
    const { snapshot } = probedCluster(unknownPod, 'event', output);
    expect(diagnose(snapshot).findings[0]?.code).toBe(code);
  });
});

describe('the kubelet restarting a CNI daemon in a crash loop, read from its log', () => {
  const lines: [string, string][] = [
    ['klog, before 1.21', 'Apr  4 04:50:34 node-1 kubelet: I0404 04:50:34.631242    3880 kuberuntime_manager.go:752] Back-off 5m0s restarting failed container=kube-flannel pod=kube-flannel-ds-lqtz9_kube-system(878ce510-1909-11e7-a7cc-fa163e6824ce)'],
    ['structured klog', 'E1126 05:00:00.118201   41233 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \\"StartContainer\\" for \\"calico-node\\" with CrashLoopBackOff: \\"back-off 5m0s restarting failed container=calico-node pod=calico-node-x7k2p_kube-system(8d1c2a4e-5b6f-7a8b-9c0d-1e2f3a4b5c6d)\\"" pod="kube-system/calico-node-x7k2p"'],
  ];
  it.each(lines)('%s: CNI_DAEMON_NOT_READY', (_style, line) => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })], nodeFacts: { [node]: { kubeletLog: `${line}\n` } } };
    const top = diagnose(snapshot).findings[0];
    expect(top?.code).toBe('CNI_DAEMON_NOT_READY');
    expect(top?.evidence.map((e) => e.text)).toContain(line);
  });
  it('of an application pod it says nothing about the CNI', () => {
    const line = 'I0404 04:50:34.631242    3880 kuberuntime_manager.go:752] Back-off 5m0s restarting failed container=web pod=web-6d4cf56db6-5gq7n_default(878ce510-1909-11e7-a7cc-fa163e6824ce)';
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })], nodeFacts: { [node]: { kubeletLog: `${line}\n` } } };
    expect(diagnose(snapshot).findings.map((f) => f.code)).not.toContain('CNI_DAEMON_NOT_READY');
  });
});

describe('cilium status\'s cluster health line', () => {
  const build = (line: string): ClusterSnapshot => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })] };
    snapshot.pods = [makePod('kube-system', 'cilium-q7lwn', { node, container: 'cilium-agent' })];
    snapshot.podLogs[podLogKey('kube-system', 'cilium-q7lwn', 'cilium-agent')] = `${line}\n`;
    return snapshot;
  };
  it('with nodes unreachable: POD_NETWORK_UNREACHABLE', () => {
    expect(diagnose(build('Cluster health:          1/3 reachable   (2026-11-26T05:00:00Z)')).findings[0]?.code).toBe('POD_NETWORK_UNREACHABLE');
  });
  it('with every node reachable: nothing', () => {
    expect(diagnose(build('Cluster health:          3/3 reachable   (2026-11-26T05:00:00Z)')).findings).toEqual([]);
  });
});

describe('when the cluster\'s pod ranges are not known, the providers\' usual ones count', () => {
  const build = (line: string): ClusterSnapshot => ({ ...emptySnapshot(), nodes: [makeNode(node, { internalIp: '10.1.0.5' })], nodeFacts: { [node]: { kubeletLog: `${line}\n` } } });
  it('a pod address in 10.244.0.0/16 timing out: POD_NETWORK_UNREACHABLE', () => {
    expect(diagnose(build('E1126 05:00:00.118201   41233 controller.go:116] Get "https://10.244.3.7:4443/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.3.7:4443: i/o timeout')).findings[0]?.code).toBe('POD_NETWORK_UNREACHABLE');
  });
  it('but not a node\'s own address that happens to lie in one (microk8s\'s 10.1.0.0/16)', () => {
    expect(diagnose(build('E1126 05:00:00.118201   41233 reflector.go:138] Get "https://10.1.0.5:6443/api/v1/nodes": dial tcp 10.1.0.5:6443: i/o timeout')).findings.map((f) => f.code)).not.toContain('POD_NETWORK_UNREACHABLE');
  });
});

describe('a component refused a network sysctl it sets (Go\'s PathError from a write under /proc/sys)', () => {
  const kubeProxy = { namespace: 'kube-system', name: 'kube-proxy-7xkqp', container: 'kube-proxy' };
  const withKubeProxyLog = (log: string): ClusterSnapshot => ({
    ...emptySnapshot(),
    nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })],
    pods: [makePod(kubeProxy.namespace, kubeProxy.name, { node, container: kubeProxy.container, phase: 'Running', ready: false })],
    podLogs: { [podLogKey(kubeProxy.namespace, kubeProxy.name, kubeProxy.container)]: log },
  });
  it.each([
    // kube-proxy's conntrack setup (cmd/kube-proxy/app/conntrack.go) in a node container on a kernel >= 5.12.2.
    ['permission denied', "I0516 05:05:31.782851       7 conntrack.go:103] Set sysctl 'net/netfilter/nf_conntrack_max' to 524288\nF0516 05:05:31.782902       7 server.go:495] open /proc/sys/net/netfilter/nf_conntrack_max: permission denied\n", '/proc/sys/net/netfilter/nf_conntrack_max'],
    ['a read-only /proc/sys', 'E1130 04:40:00.000000       1 server.go:482] write /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established: read-only file system\n', '/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established'],
    // Its conntrack hashsize (a module parameter) inside an LXD container.
    ['operation not supported', "I0926 17:32:16.176814    8435 conntrack.go:83] Setting conntrack hashsize to 32768\nF0926 17:32:16.176899    8435 server.go:361] write /sys/module/nf_conntrack/parameters/hashsize: operation not supported\n", '/sys/module/nf_conntrack/parameters/hashsize'],
  ])('%s: HOST_NETFILTER_SETTINGS naming the setting', (_what, log, path) => {
    const finding = diagnose(withKubeProxyLog(log)).findings[0];
    expect(finding?.code).toBe('HOST_NETFILTER_SETTINGS');
    expect(finding?.explanation).toContain(path);
  });
  it('a sysctl read that fails is not a refused write', () => {
    const rule = textRules.find((r) => r.id === 'network-sysctl-write-refused');
    expect(rule?.pattern.test('open /proc/sys/net/netfilter/nf_conntrack_max: permission denied')).toBe(true);
    expect(rule?.pattern.test('read /proc/sys/net/netfilter/nf_conntrack_max: permission denied')).toBe(false);
  });
});

describe('Go\'s older wording of a failed connect ("getsockopt:" where Go >= 1.10 says "connect:") reads the same', () => {
  const build = (line: string): ClusterSnapshot => ({
    ...emptySnapshot(),
    nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })],
    nodeFacts: { [node]: { kubeletLog: `${line}\n` } },
  });
  it.each([
    ['connect:', 'connect'],
    ['getsockopt:', 'getsockopt'],
  ])('a pod IP answered "no route to host" (%s): POD_NETWORK_UNREACHABLE', (_label, op) => {
    const line = `E1126 05:00:00.118201   41233 controller.go:116] Get "https://10.244.1.7:4443/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.1.7:4443: ${op}: no route to host`;
    const finding = diagnose(build(line)).findings[0];
    expect(finding?.code).toBe('POD_NETWORK_UNREACHABLE');
    // Named by the rule for Go's wording, not only read from the text's structure (a lead, below 0.45).
    expect(finding?.basis).not.toBe('structure');
    expect(finding?.confidence).toBeGreaterThanOrEqual(0.6);
  });
  it('a probe refused with the older wording is "refused", not a network fault', () => {
    const { snapshot } = probedCluster(app, 'event', 'Get http://10.244.1.7:8080/healthz: dial tcp 10.244.1.7:8080: getsockopt: connection refused');
    expect(diagnose(snapshot).findings[0]?.code).toBe('PROBE_TARGET_NOT_LISTENING');
  });
});

/** node-1 (shaped by nodeSpec) with a Ready ordinary pod whose log holds `line`. */
function appLogCluster(line: string, nodeSpec: Parameters<typeof makeNode>[1]): ClusterSnapshot {
  return {
    ...emptySnapshot(),
    nodes: [makeNode(node, nodeSpec)],
    pods: [makePod(app.namespace, app.name, { node, container: app.container, phase: 'Running', ready: true })],
    podLogs: { [podLogKey(app.namespace, app.name, app.container)]: `${line}\n` },
  };
}

describe('a command-line client answered "No route to host" by an address netcheck cannot place', () => {
  const build = (line: string) => appLogCluster(line, { internalIp: '10.0.0.11' });
  it('BusyBox wget to an address outside every known range: the pod network\'s path is the lead', () => {
    const finding = diagnose(build("wget: can't connect to remote host (10.254.219.68): No route to host")).findings[0];
    expect(finding?.code).toBe('POD_NETWORK_UNREACHABLE');
    expect(finding?.confidence).toBeLessThan(0.6);
  });
  it('not when the address is a node\'s own (the node answered; that is no pod path)', () => {
    expect(diagnose(build("wget: can't connect to remote host (10.0.0.11): No route to host")).findings.map((f) => f.code)).not.toContain('POD_NETWORK_UNREACHABLE');
  });
});

describe('a pod network that drops traffic explains service IPs timing out from the same pods', () => {
  it('CoreDNS timing out on an upstream outside the cluster and on the DNS service IP: POD_NETWORK_UNREACHABLE first', () => {
    const coredns = { namespace: 'kube-system', name: 'coredns-5d78c9869d-x2mzq', container: 'coredns' };
    const snapshot: ClusterSnapshot = {
      ...emptySnapshot(),
      nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })],
      pods: [makePod(coredns.namespace, coredns.name, { node, container: coredns.container, phase: 'Running', ready: false, labels: { 'k8s-app': 'kube-dns' } })],
      podLogs: { [podLogKey(coredns.namespace, coredns.name, coredns.container)]: [
        '[ERROR] plugin/errors: 2 example.org. A: read udp 10.244.1.4:47806->192.0.2.53:53: i/o timeout',
        '[ERROR] plugin/errors: 2 elasticsearch. AAAA: read udp 10.244.1.4:33287->10.96.0.10:53: i/o timeout',
      ].join('\n') + '\n' },
    };
    const codes = diagnose(snapshot).findings.map((f) => f.code);
    expect(codes[0]).toBe('POD_NETWORK_UNREACHABLE');
    expect(codes).toContain('SERVICE_PROXY_BROKEN');
  });
});

describe('iptables listing a host rule whose extension it lacks', () => {
  it('cilium\'s "Can\'t find library for match" while installing its rules: SERVICE_PROXY_BROKEN (the host\'s ruleset)', () => {
    const cilium = { namespace: 'kube-system', name: 'cilium-7xkqp', container: 'cilium-agent' };
    const line = 'level=warning msg="Failed to install iptables rules" error="unable to run \'iptables -t filter -S\' iptables command: exit status 1 stderr=\\"Can\'t find library for match `iface\'\\\\n\\"" subsys=iptables';
    const snapshot: ClusterSnapshot = {
      ...emptySnapshot(),
      nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })],
      pods: [makePod(cilium.namespace, cilium.name, { node, container: cilium.container, phase: 'Running', ready: false })],
      podLogs: { [podLogKey(cilium.namespace, cilium.name, cilium.container)]: `${line}\n` },
    };
    expect(diagnose(snapshot).findings[0]?.code).toBe('SERVICE_PROXY_BROKEN');
  });
});

describe('ping\'s "destination unreachable" readings (iputils ping_common.c pr_icmph; the kernel on connect)', () => {
  const build = (line: string) => appLogCluster(line, { podCIDR: '10.244.1.0/24' });
  it.each([
    'From 10.244.1.1 icmp_seq=1 Destination Host Unreachable',
    'From 10.244.1.1 icmp_seq=3 Packet filtered',
    'ping: sendto: No route to host',
    'ping: connect: Network is unreachable',
  ])('%s: POD_NETWORK_UNREACHABLE', (line) => {
    expect(diagnose(build(line)).findings[0]?.code).toBe('POD_NETWORK_UNREACHABLE');
  });
  it('"Destination Port Unreachable" is an answer from the host: not this reading', () => {
    const rule = textRules.find((r) => r.id === 'ping-destination-unreachable');
    expect(rule?.pattern.test('From 10.244.2.5 icmp_seq=1 Destination Host Unreachable')).toBe(true);
    expect(rule?.pattern.test('From 10.244.2.5 icmp_seq=1 Destination Port Unreachable')).toBe(false);
  });
});

describe('Go\'s JSON errors on a line about CNI: the config handed to the plugin is not valid JSON', () => {
  const sandboxEvent = (inner: string): ClusterSnapshot => {
    const snapshot: ClusterSnapshot = { ...emptySnapshot(), nodes: [makeNode(node, { podCIDR: '10.244.1.0/24' })] };
    snapshot.pods = [makePod(app.namespace, app.name, { node, container: app.container, phase: 'Pending' })];
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: app.namespace, name: app.name }, 'FailedCreatePodSandBox',
      `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "5f1c9e0d2b7a": plugin type="bridge" failed (add): ${inner}`)];
    return snapshot;
  };
  it.each([
    'invalid character \'}\' looking for beginning of object key string',
    'unexpected end of JSON input',
    'json: cannot unmarshal string into Go struct field NetConf.mtu of type int',
  ])('%s: CNI_CONFIG_INVALID', (inner) => {
    expect(diagnose(sandboxEvent(inner)).findings[0]?.code).toBe('CNI_CONFIG_INVALID');
  });
  it('a second JSON value after the first (a plugin logging to stdout before its result) is the output, not the config', () => {
    expect(diagnose(sandboxEvent('invalid character \'{\' after top-level value')).findings.map((f) => f.code)).not.toContain('CNI_CONFIG_INVALID');
  });
});
