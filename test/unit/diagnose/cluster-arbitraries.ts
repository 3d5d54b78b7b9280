import type { CoreV1Event, V1Node, V1NodeCondition, V1Pod } from '@kubernetes/client-node';
import fc from 'fast-check';
import { emptySnapshot, podLogKey, type ClusterSnapshot, type NodeFacts } from '../../../shared/snapshot/types.js';

/**
 * fast-check generators of cluster snapshots for the "no false all-clear" property:
 * healthy clusters (varied sizes, CNI providers, dual-stack CIDRs, shuffled and
 * missing optional fields, history that is older than the nodes' Ready transitions)
 * and the same clusters with failure evidence injected through every source netcheck
 * reads, worded with messages no rule has seen.
 */

const day = 24 * 3600 * 1000;
const providers = [
  { namespace: 'kube-flannel', prefix: 'kube-flannel-ds', container: 'kube-flannel' },
  { namespace: 'kube-system', prefix: 'kube-flannel-ds', container: 'kube-flannel' },
  { namespace: 'calico-system', prefix: 'calico-node', container: 'calico-node' },
  { namespace: 'kube-system', prefix: 'calico-node', container: 'calico-node' },
  { namespace: 'kube-system', prefix: 'cilium', container: 'cilium-agent' },
  { namespace: 'kube-system', prefix: 'weave-net', container: 'weave' },
  { namespace: 'kube-system', prefix: 'kindnet', container: 'kindnet-cni' },
  { namespace: 'kube-system', prefix: 'kube-router', container: 'kube-router' },
  { namespace: 'kube-system', prefix: 'antrea-agent', container: 'antrea-agent' },
] as const;

/** Words that name no cause: what an unknown plugin or a new release might say. */
const vocabulary = ['widget', 'frobnicate', 'quux', 'gateway', 'handshake', 'refusal', 'lattice', 'spool', 'tunnel', 'vector',
  'status', 'backend', 'allocator', 'shard', 'ledger', 'epoch', 'bucket', 'mirror', 'anchor', 'beacon', 'ripple', 'zone', 'cursor'];
export const unknownMessage = fc.array(fc.oneof(fc.constantFrom(...vocabulary), fc.stringMatching(/^[a-z0-9]{1,10}$/), fc.integer({ min: 0, max: 99999 }).map(String)),
  { minLength: 1, maxLength: 10 }).map((words) => words.join(' '));

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const suffix = fc.stringMatching(/^[a-z0-9]{5}$/);

interface Base {
  snapshot: ClusterSnapshot;
  readyAt: Map<string, number>;
  now: number;
}

function iso(ms: number): Date {
  return new Date(ms);
}

function node(name: string, readyAt: number, now: number, cidrs: string[], extraConditions: boolean, keepTransition: boolean): V1Node {
  const conditions: V1NodeCondition[] = [
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: iso(now), ...(keepTransition ? { lastTransitionTime: iso(readyAt) } : {}) },
  ];
  if (extraConditions) {
    for (const type of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) conditions.unshift({ type, status: 'False', reason: `KubeletHasNo${type}`, message: 'ok', lastHeartbeatTime: iso(now) });
  }
  return {
    apiVersion: 'v1', kind: 'Node', metadata: { name },
    spec: cidrs.length > 0 ? { podCIDR: cidrs[0], podCIDRs: cidrs } : {},
    status: { conditions, nodeInfo: { kubeletVersion: 'v1.28.2' } as NonNullable<V1Node['status']>['nodeInfo'] },
  };
}

function pod(namespace: string, name: string, nodeName: string | undefined, container: string, state: 'ready' | V1Pod['status'], options: { labels?: Record<string, string>; uid?: string; hostNetwork?: boolean; volumes?: boolean } = {}): V1Pod {
  const spec: V1Pod['spec'] = {
    nodeName, hostNetwork: options.hostNetwork,
    containers: [{ name: container, image: `${container}:1` }],
    ...(options.volumes && { volumes: [{ name: 'cni', hostPath: { path: '/etc/cni/net.d' } }] }),
  };
  const status: V1Pod['status'] = state === 'ready'
    ? {
      phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: container, image: `${container}:1`, imageID: '', ready: true, restartCount: 0, state: { running: {} } }],
    }
    : state;
  return { apiVersion: 'v1', kind: 'Pod', metadata: { namespace, name, labels: options.labels, uid: options.uid }, spec, status };
}

function event(target: { namespace: string; name: string; uid?: string }, reason: string, message: string, type: 'Normal' | 'Warning', host: string | undefined, at: number | undefined): CoreV1Event {
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { namespace: target.namespace, name: `${target.name}.${reason.toLowerCase()}${at ?? 0}` },
    involvedObject: { kind: 'Pod', namespace: target.namespace, name: target.name, ...(target.uid && { uid: target.uid }) },
    reason, message, type, source: { component: 'kubelet', ...(host && { host }) },
    ...(at !== undefined && { lastTimestamp: iso(at) }),
  };
}

const shuffle = <T>(items: T[], keys: number[]): T[] =>
  items.map((item, i) => ({ item, key: keys[i % keys.length]! + i / 1000 })).sort((a, b) => a.key - b.key).map((x) => x.item);

/** A working cluster: every node Ready, CNI agents, CoreDNS and kube-proxy Ready. */
export const healthyCluster: fc.Arbitrary<Base> = fc.record({
  nodeCount: fc.integer({ min: 1, max: 4 }),
  provider: fc.constantFrom(...providers),
  dualStack: fc.boolean(),
  ipv6Only: fc.boolean(),
  readyAt: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 11, 31) }),
  uptime: fc.integer({ min: 60_000, max: 90 * day }),
  extraConditions: fc.boolean(),
  keepTransition: fc.boolean(),
  labels: fc.boolean(),
  uids: fc.boolean(),
  apps: fc.integer({ min: 0, max: 4 }),
  suffixes: fc.array(suffix, { minLength: 20, maxLength: 20 }),
  order: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }),
  normalEvents: fc.boolean(),
  kubeletNoise: fc.boolean(),
  nodeFacts: fc.boolean(),
}).map((g) => {
  const snapshot = emptySnapshot();
  const now = g.readyAt + g.uptime;
  const readyAt = new Map<string, number>();
  const names = Array.from({ length: g.nodeCount }, (_, i) => (i === 0 ? 'control-plane' : `worker-${i}`));
  names.forEach((name, i) => {
    const v4 = `10.244.${i}.0/24`;
    const v6 = `fd00:10:244:${i}::/64`;
    const cidrs = g.ipv6Only ? [v6] : g.dualStack ? [v4, v6] : [v4];
    readyAt.set(name, g.readyAt + i * 1000);
    snapshot.nodes.push(node(name, g.readyAt + i * 1000, now, cidrs, g.extraConditions, g.keepTransition));
  });
  const s = (i: number) => g.suffixes[i % g.suffixes.length]!;
  let uidCounter = 0;
  const id = () => (g.uids ? `0000${(uidCounter += 1)}-${s(uidCounter)}` : undefined);
  for (const component of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler']) {
    snapshot.pods.push(pod('kube-system', `${component}-control-plane`, 'control-plane', component, 'ready',
      { labels: g.labels ? { component, tier: 'control-plane' } : undefined, hostNetwork: true }));
  }
  names.forEach((name, i) => {
    snapshot.pods.push(pod('kube-system', `kube-proxy-${s(i)}`, name, 'kube-proxy', 'ready', { labels: g.labels ? { 'k8s-app': 'kube-proxy' } : undefined, hostNetwork: true }));
    snapshot.pods.push(pod(g.provider.namespace, `${g.provider.prefix}-${s(i + 5)}`, name, g.provider.container, 'ready', { hostNetwork: true, volumes: !g.labels, uid: id() }));
  });
  for (let i = 0; i < 2; i++) {
    snapshot.pods.push(pod('kube-system', `coredns-5d78c9869d-${s(i + 10)}`, names[i % names.length], 'coredns', 'ready', { labels: g.labels ? { 'k8s-app': 'kube-dns' } : undefined, uid: id() }));
  }
  for (let i = 0; i < g.apps; i++) {
    const app = { namespace: 'default', name: `web-7c9f8d6b5-${s(i + 13)}`, uid: id() };
    const where = names[i % names.length]!;
    snapshot.pods.push(pod(app.namespace, app.name, where, 'web', 'ready', { uid: app.uid }));
    if (g.normalEvents) {
      snapshot.events.push(event(app, 'Scheduled', `Successfully assigned default/${app.name} to ${where}`, 'Normal', undefined, now - 30_000));
      snapshot.events.push(event(app, 'Started', 'Started container web', 'Normal', where, now - 20_000));
    }
  }
  if (g.kubeletNoise) {
    for (const name of names) {
      snapshot.nodeFacts[name] = { kubeletLog: `I${klogStamp(now - 5000)}    1234 kubelet.go:1900] "SyncLoop UPDATE" source="api"\n` };
    }
  }
  if (g.nodeFacts && g.provider.prefix === 'kube-flannel-ds') {
    names.forEach((name, i) => {
      snapshot.nodeFacts[name] = { ...snapshot.nodeFacts[name], ...healthyFlannelFacts(i, !g.ipv6Only, g.dualStack || g.ipv6Only) };
    });
  }
  snapshot.pods = shuffle(snapshot.pods, g.order);
  snapshot.events = shuffle(snapshot.events, g.order);
  return { snapshot, readyAt, now };
});

/** What `netcheck --ssh` reads on a working flannel node (the shapes of test/fixtures/dumps/healthy-flannel). */
function healthyFlannelFacts(i: number, v4: boolean, v6: boolean): NodeFacts {
  const cni0 = [
    ...(v4 ? [`    inet 10.244.${i}.1/24 brd 10.244.${i}.255 scope global cni0`, '       valid_lft forever preferred_lft forever'] : []),
    ...(v6 ? [`    inet6 fd00:10:244:${i}::1/64 scope global`, '       valid_lft forever preferred_lft forever'] : []),
    '    inet6 fe80::9c3c:55ff:fe01:1d42/64 scope link', '       valid_lft forever preferred_lft forever',
  ];
  return {
    ipAddr: [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
      '    inet 127.0.0.1/8 scope host lo',
      '2: enp0s8: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000',
      `    inet 192.168.60.${11 + i}/24 brd 192.168.60.255 scope global enp0s8`,
      '3: flannel.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN group default',
      `    vxlan id 1 local 192.168.60.${11 + i} dev enp0s8 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300`,
      '4: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UP group default qlen 1000',
      '    bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time 30000 stp_state 0 priority 32768',
      ...cni0, '',
    ].join('\n'),
    cniNetD: { '10-flannel.conflist': JSON.stringify({ name: 'cbr0', cniVersion: '0.3.1', plugins: [{ type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } }, { type: 'portmap', capabilities: { portMappings: true } }] }) },
    cniBin: 'bandwidth\nbridge\ndhcp\nfirewall\nflannel\nhost-device\nhost-local\nipvlan\nloopback\nmacvlan\nportmap\nptp\nsbr\nstatic\ntuning\nvlan\n',
    flannelSubnetEnv: [...(v4 ? ['FLANNEL_NETWORK=10.244.0.0/16', `FLANNEL_SUBNET=10.244.${i}.1/24`] : []),
      ...(v6 ? ['FLANNEL_IPV6_NETWORK=fd00:10:244::/56', `FLANNEL_IPV6_SUBNET=fd00:10:244:${i}::1/64`] : []), 'FLANNEL_MTU=1450', 'FLANNEL_IPMASQ=true', ''].join('\n'),
    sysctl: 'net.bridge.bridge-nf-call-ip6tables = 1\nnet.bridge.bridge-nf-call-iptables = 1\nnet.ipv4.ip_forward = 1\n',
    modules: 'Module                  Size  Used by\nvxlan                  77824  0\nbr_netfilter           32768  0\nbridge                311296  1 br_netfilter\noverlay               151552  14\n',
    cniIpam: `/var/lib/cni/networks/cbr0:\n${v4 ? `10.244.${i}.2\n` : ''}${v6 ? `fd00:10:244:${i}::2\n` : ''}lock\n`,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1129 21:50:28.123456` (klog after its severity letter). */
function klogStamp(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}123`;
}

export type LogForm = 'klog-file' | 'journal' | 'journal-iso' | 'containerd' | 'no-time';

/** One log line as the kubelet's file, its journal, or the runtime writes it. */
export function logLine(form: LogForm, at: number, host: string, text: string): string {
  const d = new Date(at);
  switch (form) {
    case 'klog-file': return `E${klogStamp(at)}   41233 kubelet.go:2183] ${text}`;
    case 'journal': return `${monthNames[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${host} kubelet[41233]: E${klogStamp(at)}   41233 kubelet.go:2183] ${text}`;
    case 'journal-iso': return `${d.toISOString().replace(/\.\d+Z$/, '+0000')} ${host} kubelet[41233]: ${text}`;
    case 'containerd': return `time="${d.toISOString()}" level=error msg="${text.replace(/"/g, '\\"')}"`;
    case 'no-time': return text;
  }
}

/** Wrappers the runtimes put around a CNI failure or a missing config, with unknown contents. */
const runtimeNetworkTexts = (inner: string, podRef: string) => [
  `"Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: ${inner}"`,
  `Container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: ${inner}`,
  `failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: ${inner}`,
  `Unable to update cni config: no networks found in /etc/cni/net.d/${inner.split(' ')[0]}`,
  `RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = failed to setup network for sandbox "${'a'.repeat(64)}": ${inner}`,
  `plugin type="${inner.split(' ')[0]}" failed (add): ${inner}`,
  `NetworkPlugin cni failed to set up pod "${podRef}" network: ${inner}`,
  `Error adding pod ${podRef} to CNI network "k8s-pod-network": ${inner}`,
];

const sandboxMessages = (inner: string, sandboxId: string, podName: string) => [
  inner,
  `Failed to create pod sandbox: rpc error: code = Unknown desc = ${inner}`,
  `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "${sandboxId}": ${inner}`,
  `Failed create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "${sandboxId}" network for pod "${podName}": NetworkPlugin cni failed to set up pod "${podName}_default" network: ${inner}`,
  `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create pod network sandbox k8s_${podName}_default_${sandboxId.slice(0, 8)}-1111-2222-3333-444455556666_0(${sandboxId}): ${inner}`,
];

export type FailureKind = 'sandbox-event' | 'node-log' | 'cni-daemon' | 'coredns' | 'node-state';

/** One failure, applied to a healthy cluster. */
const failure: fc.Arbitrary<{ kind: FailureKind; apply: (base: Base) => void }> = fc.oneof(
  // (a) a pod stuck with an unnamed FailedCreatePodSandBox.
  fc.record({ inner: unknownMessage, wrapper: fc.nat(), sandbox: hex(64), name: suffix, withUid: fc.boolean(), state: fc.constantFrom('creating', 'no-status', 'pending-bare', 'unlisted'), host: fc.boolean(), type: fc.boolean(), nodeIndex: fc.nat() })
    .map((f) => ({
      kind: 'sandbox-event' as const,
      apply: ({ snapshot, now }: Base) => {
        const nodeName = snapshot.nodes[f.nodeIndex % snapshot.nodes.length]!.metadata!.name!;
        const target = { namespace: 'default', name: `api-6b7f9c-${f.name}`, uid: f.withUid ? `uid-${f.name}` : undefined };
        const messages = sandboxMessages(f.inner, f.sandbox, target.name);
        const status: V1Pod['status'] = f.state === 'creating'
          ? { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'api', image: 'api:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }
          : f.state === 'pending-bare' ? { phase: 'Pending' } : undefined;
        if (f.state !== 'unlisted') snapshot.pods.push(pod('default', target.name, nodeName, 'api', status, { uid: target.uid }));
        else snapshot.pods = [];
        const e = event(target, 'FailedCreatePodSandBox', messages[f.wrapper % messages.length]!, 'Warning', f.host ? nodeName : undefined, now - 10_000);
        if (!f.type) delete e.type;
        snapshot.events.push(e);
      },
    })),
  // (b) a kubelet / runtime line newer than the node's Ready transition (or without a time).
  fc.record({ inner: unknownMessage, wrapper: fc.nat(), form: fc.constantFrom<LogForm>('klog-file', 'journal', 'journal-iso', 'containerd', 'no-time'), runtime: fc.boolean(), after: fc.integer({ min: 1000, max: 60 * day }), nodeIndex: fc.nat(), name: suffix })
    .map((f) => ({
      kind: 'node-log' as const,
      apply: (base: Base) => {
        const { snapshot } = base;
        const n = snapshot.nodes[f.nodeIndex % snapshot.nodes.length]!;
        const nodeName = n.metadata!.name!;
        const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
        const transition = Date.parse(String(ready?.lastTransitionTime ?? '')) || base.readyAt.get(nodeName)!;
        const at = transition + f.after;
        base.now = Math.max(base.now, at + 1000);
        for (const other of snapshot.nodes) for (const c of other.status?.conditions ?? []) c.lastHeartbeatTime = new Date(base.now);
        // The kubelet has not reported this node Ready since the line (a Ready reported later would say
        // the runtime's network was back: history); up to a second after it, too soon to reflect it.
        for (const c of n.status?.conditions ?? []) c.lastHeartbeatTime = new Date(at + 1000);
        // The line may name a pod: one that is waiting for its sandbox.
        const podName = `api-6b7f9c-${f.name}`;
        snapshot.pods.push(pod('default', podName, nodeName, 'api', { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] }));
        const texts = runtimeNetworkTexts(f.inner, `${podName}_default`);
        const line = logLine(f.form, at, nodeName, texts[f.wrapper % texts.length]!);
        const facts: NodeFacts = snapshot.nodeFacts[nodeName] ??= {};
        const key = f.runtime || f.form === 'containerd' ? 'runtimeLog' : 'kubeletLog';
        facts[key] = `${facts[key] ?? ''}${line}\n`;
      },
    })),
  // (c) a CNI agent or CoreDNS pod failing: crash-looping, not Ready, or failing probes.
  fc.record({ which: fc.constantFrom('cni-daemon' as const, 'coredns' as const), how: fc.constantFrom('crashloop', 'not-ready', 'pending', 'probe-event', 'error-log'), inner: unknownMessage, index: fc.nat() })
    .map((f) => ({
      kind: f.which,
      apply: ({ snapshot, now }: Base) => {
        if (snapshot.pods.length === 0) return;
        const candidates = snapshot.pods.filter((p) => (f.which === 'coredns' ? /^coredns-/ : /^(kube-flannel-ds|calico-node|cilium|weave-net|kindnet|kube-router|antrea-agent)-/).test(p.metadata?.name ?? ''));
        const target = candidates[f.index % candidates.length];
        if (!target) return;
        const container = target.spec!.containers[0]!.name;
        const notReady = { type: 'Ready', status: 'False' };
        if (f.how === 'crashloop') {
          target.status = { phase: 'Running', conditions: [notReady], containerStatuses: [{ name: container, image: 'x', imageID: '', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff', message: f.inner } } }] };
        } else if (f.how === 'pending') {
          target.status = { phase: 'Pending', conditions: [notReady] };
        } else {
          target.status = { phase: 'Running', conditions: [notReady], containerStatuses: [{ name: container, image: 'x', imageID: '', ready: false, restartCount: 0, state: { running: {} } }] };
        }
        const ref = { namespace: target.metadata!.namespace!, name: target.metadata!.name!, uid: target.metadata?.uid };
        if (f.how === 'probe-event') snapshot.events.push(event(ref, 'Unhealthy', `Readiness probe failed: ${f.inner}`, 'Warning', target.spec?.nodeName, now - 5000));
        if (f.how === 'error-log') snapshot.podLogs[podLogKey(ref.namespace, ref.name, container)] = `E1129 10:00:00.000000       1 main.go:42] ${f.inner}\n`;
      },
    })),
  // Node states that are not healthy: NotReady for an unknown reason, Unknown, a status the kubelet never writes, none, contradicting.
  fc.record({ how: fc.constantFrom('false', 'unknown', 'maybe', 'none', 'no-ready', 'contradicting'), inner: unknownMessage, nodeIndex: fc.nat() })
    .map((f) => ({
      kind: 'node-state' as const,
      apply: ({ snapshot }: Base) => {
        const n = snapshot.nodes[f.nodeIndex % snapshot.nodes.length]!;
        const conditions = n.status!.conditions!;
        const ready = conditions.find((c) => c.type === 'Ready');
        if (!ready) return; // an earlier failure already left this node without a Ready condition
        if (f.how === 'false') Object.assign(ready, { status: 'False', reason: 'KubeletNotReady', message: f.inner });
        else if (f.how === 'unknown') Object.assign(ready, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
        else if (f.how === 'maybe') ready.status = 'Maybe';
        else if (f.how === 'none') n.status!.conditions = [];
        else if (f.how === 'no-ready') n.status!.conditions = conditions.filter((c) => c.type !== 'Ready');
        else conditions.push({ ...ready, status: 'False', message: f.inner });
      },
    })),
);

/** A healthy cluster with one to three failures injected. */
export const failingCluster = fc.record({ base: healthyCluster, failures: fc.array(failure, { minLength: 1, maxLength: 3 }) }).map(({ base: generated, failures }) => {
  // fast-check hands the same generated value to every shrink step: change a copy.
  const base = structuredClone(generated);
  for (const f of failures) f.apply(base);
  return { snapshot: base.snapshot, kinds: failures.map((f) => f.kind) };
});

/**
 * Things that are history in a healthy cluster, which must not turn it NG: failure
 * lines older than the node's Ready transition, and sandbox failures of pods that are
 * Ready now or gone.
 */
export const healthyClusterWithHistory = fc.record({
  base: healthyCluster,
  inner: unknownMessage,
  wrapper: fc.nat(),
  form: fc.constantFrom<LogForm>('klog-file', 'journal', 'journal-iso', 'containerd'),
  before: fc.integer({ min: 1000, max: 60 * day }),
  eventFor: fc.constantFrom('ready-pod', 'gone-pod', 'none'),
}).map(({ base, inner, wrapper, form, before, eventFor }) => {
  const { snapshot, now } = structuredClone(base);
  for (const n of snapshot.nodes) {
    const name = n.metadata!.name!;
    const ready = n.status!.conditions!.find((c) => c.type === 'Ready')!;
    if (ready.lastTransitionTime === undefined) continue; // without a transition time nothing says a line is old
    const texts = runtimeNetworkTexts(inner, 'gone-pod_default');
    const line = logLine(form, Date.parse(String(ready.lastTransitionTime)) - before, name, texts[wrapper % texts.length]!);
    const facts: NodeFacts = snapshot.nodeFacts[name] ??= {};
    facts.kubeletLog = `${line}\n${facts.kubeletLog ?? ''}`;
  }
  const readyPod = snapshot.pods.find((p) => p.metadata?.namespace === 'default' || /^coredns-/.test(p.metadata?.name ?? ''))!;
  const target = eventFor === 'ready-pod'
    ? { namespace: readyPod.metadata!.namespace!, name: readyPod.metadata!.name! }
    : { namespace: 'default', name: 'gone-pod' };
  if (eventFor !== 'none') snapshot.events.push(event(target, 'FailedCreatePodSandBox', sandboxMessages(inner, 'b'.repeat(64), target.name)[wrapper % 5]!, 'Warning', undefined, now - day));
  return snapshot;
});
