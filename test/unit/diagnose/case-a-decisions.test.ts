import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import { writeBundle } from '../../../shared/snapshot/write-bundle.js';
import { emptySnapshot, type ClusterSnapshot, type NodeFacts } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * Case A causes where one runtime text can mean two causes, and the evidence that decides
 * (issue 9). Every runtime reports a node whose CNI config it rejects exactly like a node with
 * none: containerd (go-cni) resets its networks when a load fails, cri-o (ocicni) and dockershim
 * skip unloadable files and files naming a missing plugin binary, and the condition then reads
 * "cni plugin not initialized" / "cni config uninitialized" / "No CNI configuration file".
 */
const containerdCondition = 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
const dockershimCondition = 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:docker: network plugin is not ready: cni config uninitialized';
const crioCondition = 'runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: No CNI configuration file in /etc/cni/net.d/. Has your network provider started?';

function notReadyNode(condition: string, facts?: NodeFacts, pods = false): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'False', message: condition })];
  if (pods) snapshot.pods = [makePod('kube-system', 'kube-proxy-x7k2p', { node: 'node-1' }), makePod('kube-system', 'coredns-74ff55c5b-8xq2w', { node: 'node-1', phase: 'Pending' })];
  if (facts) snapshot.nodeFacts['node-1'] = facts;
  return snapshot;
}

const codes = (snapshot: ClusterSnapshot) => diagnose(snapshot).findings.map((f) => `${f.code} ${f.confidence.toFixed(2)}`);

describe.each([['containerd', containerdCondition], ['dockershim', dockershimCondition], ['cri-o', crioCondition]])('a %s node reporting "no CNI config"', (_runtime, condition) => {
  it('with nothing else read (not even pods): says it cannot decide between nothing installed and a rejected config', () => {
    const d = diagnose(notReadyNode(condition));
    expect(d.findings[0]?.code).toBe('CNI_NOT_INSTALLED');
    expect(d.undecided?.between).toEqual(['CNI_NOT_INSTALLED', 'CNI_CONFIG_INVALID']);
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'waiting-for-cni' });
  });

  it('with the pods read and no CNI agent among them: nothing installed, a rejected config only a low lead', () => {
    const d = diagnose(notReadyNode(condition, undefined, true));
    expect(codes(notReadyNode(condition, undefined, true))).toEqual(['CNI_NOT_INSTALLED 0.70', 'CNI_CONFIG_INVALID 0.40']);
    expect(d.undecided).toBeUndefined();
  });

  it('node facts list an empty /etc/cni/net.d: nothing installed, no other lead', () => {
    expect(codes(notReadyNode(condition, { cniNetD: {} }))).toEqual(['CNI_NOT_INSTALLED 0.85']);
  });

  it('node facts show a file the runtime rejects: CNI_CONFIG_INVALID naming the file', () => {
    const d = diagnose(notReadyNode(condition, { cniNetD: { '10-flannel.conflist': '{"name":"cbr0","cniVersion":"0.3.1","plugins":[{"type":"flannel","delegate":{"isDefaultGateway":true}}' } }));
    expect(d.findings[0]).toMatchObject({ code: 'CNI_CONFIG_INVALID', confidence: 0.95 });
    expect(d.findings[0]?.evidence[0]?.field).toBe('cni-net.d/10-flannel.conflist');
  });
});

describe('a 1.16 kubelet (dockershim) reporting "cni config uninitialized"', () => {
  // kubernetes/kubernetes#80482: from 1.16 dockershim validates each config list with its plugins, and lists without
  // cniVersion that 1.15 loaded are rejected; the kubeadm 1.15 -> 1.16 upgrade guide names it.
  // The pods are unknown (not read, or a dump without them): nothing says whether a CNI was applied.
  const at = (kubeletVersion: string, condition = dockershimCondition, pods = false) => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'False', message: condition, kubeletVersion })];
    if (pods) snapshot.pods = [makePod('kube-system', 'kube-proxy-x7k2p', { node: 'node-1' })];
    return diagnose(snapshot).findings;
  };

  it('pods unknown: leads with a rejected config (a list without cniVersion), nothing installed next', () => {
    const findings = at('v1.16.3');
    expect(findings.map((f) => f.code)).toEqual(['CNI_CONFIG_INVALID', 'CNI_NOT_INSTALLED']);
    expect(findings[0]!.explanation).toContain('cniVersion');
    expect(findings[0]!.nextCommands[0]).toBe('ssh node-1 grep -L cniVersion /etc/cni/net.d/*.conflist');
  });

  it('pods read and no CNI agent among them: nothing installed leads (an empty /etc/cni/net.d reads the same)', () => {
    expect(at('v1.16.3', dockershimCondition, true)[0]!.code).toBe('CNI_NOT_INSTALLED');
  });

  it.each([['v1.15.4'], ['v1.20.2']])('not on a %s kubelet: nothing installed leads', (version) => {
    expect(at(version)[0]!.code).toBe('CNI_NOT_INSTALLED');
  });

  it('not for containerd\'s wording (its CRI plugin loads configs with go-cni, not the kubelet\'s validation)', () => {
    expect(at('v1.16.3', containerdCondition)[0]!.code).toBe('CNI_NOT_INSTALLED');
  });
});

describe('"no networks found" from a plugin that ran, about its own config dir', () => {
  const withSandboxEvent = (message: string) => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'True' })];
    snapshot.pods = [makePod('default', 'web-6d4cf56db6-5gq7n', { node: 'node-1', phase: 'Pending', waiting: 'ContainerCreating' })];
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-6d4cf56db6-5gq7n' }, 'FailedCreatePodSandBox', message, { host: 'node-1' })];
    return diagnose(snapshot);
  };

  it('multus finding no config for the network it delegates to: a config problem (case A), not "no CNI installed"', () => {
    const d = withSandboxEvent('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "9f53" network for pod "web-6d4cf56db6-5gq7n": networkPlugin cni failed to set up pod "web-6d4cf56db6-5gq7n_default" network: Multus: [default/web-6d4cf56db6-5gq7n]: error loading k8s delegates k8s args: TryLoadPodDelegates: error in getting k8s network for pod: GetNetworkDelegates: failed getting the delegate: GetCNIConfig: err in GetCNIConfigFromFile: No networks found in /etc/cni/multus/net.d');
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    expect(d.findings[0]!.code).toBe('CNI_CONFIG_INVALID');
    expect(d.findings.map((f) => f.code)).not.toContain('CNI_NOT_INSTALLED');
  });

  it('a runtime conf dir of another name (microk8s) inside the runtime\'s own wrapper, no plugin named: still "no config"', () => {
    const d = withSandboxEvent('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": no network config found in /var/snap/microk8s/current/args/cni-network: cni plugin not initialized');
    expect(d.findings.map((f) => f.code)).not.toContain('CNI_CONFIG_INVALID');
  });

  it.each([['/etc/cni/net.d'], ['/var/lib/rancher/k3s/agent/etc/cni/net.d']])('the runtime\'s own conf dir (%s) still means no config', (dir) => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'False', message: dockershimCondition })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: `E1129 08:14:02.118274    4121 cni.go:237] Unable to update cni config: No networks found in ${dir}\n` };
    expect(diagnose(snapshot).findings[0]!.code).toBe('CNI_NOT_INSTALLED');
  });
});

describe('runtime texts that decide', () => {
  const withRuntimeLog = (line: string) => notReadyNode(containerdCondition, { runtimeLog: `${line}\n` });

  it('containerd saying there are no config files at all: nothing installed, no rejected-config lead', () => {
    const line = 'time="2026-11-26T05:00:00.120930520Z" level=error msg="failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: no network config found in /etc/cni/net.d: cni plugin not initialized: failed to load cni config"';
    expect(diagnose(withRuntimeLog(line)).findings.map((f) => f.code)).not.toContain('CNI_CONFIG_INVALID');
    expect(diagnose(withRuntimeLog(line)).findings[0]?.code).toBe('CNI_NOT_INSTALLED');
  });

  it('cri-o\'s "No CNI configuration file" in its own log: the same undecided state as the condition', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: null })];
    snapshot.nodeFacts['node-1'] = { runtimeLog: 'time="2026-11-26 05:00:00.118201000Z" level=error msg="Error while adding pod to CNI network: No CNI configuration file in /etc/cni/net.d/. Has your network provider started?"\n' };
    const d = diagnose(snapshot);
    expect(d.findings[0]?.code).toBe('CNI_NOT_INSTALLED');
    expect(d.undecided?.between).toEqual(['CNI_NOT_INSTALLED', 'CNI_CONFIG_INVALID']);
  });

  it('containerd naming the file it rejects: CNI_CONFIG_INVALID', () => {
    const line = 'time="2026-11-26T05:00:00.120930520Z" level=error msg="failed to reload cni configuration after receiving fs change event(WRITE \\"/etc/cni/net.d/10-bridge.conflist\\")" error="cni config load failed: failed to load CNI config list file /etc/cni/net.d/10-bridge.conflist: error parsing configuration list: unexpected end of JSON input: invalid cni config: failed to load cni config"';
    expect(diagnose(withRuntimeLog(line)).findings[0]?.code).toBe('CNI_CONFIG_INVALID');
  });

  it.each([
    ['a file it cannot load', 'W1015 01:39:05.536425    1110 cni.go:172] Unable to update cni config: No valid networks found in /etc/cni/net.d', 'CNI_CONFIG_INVALID'],
    ['a plugin binary the config names is missing', 'W1015 01:39:05.536425    1110 cni.go:204] Error validating CNI config list {"cniVersion":"0.3.1","name":"cbr0","plugins":[{"type":"flannel"}]}: [failed to find plugin "flannel" in path [/opt/cni/bin]]', 'CNI_PLUGIN_BINARY_MISSING'],
  ])('dockershim skipping every file because of %s', (_what, line, code) => {
    const snapshot = notReadyNode(dockershimCondition, { kubeletLog: `${line}\nW1015 01:39:05.536500    1110 cni.go:239] Unable to update cni config: no valid networks found in /etc/cni/net.d\n` });
    expect(diagnose(snapshot).findings[0]?.code).toBe(code);
  });

  it('containerd with no config at sandbox time, in the kubelet log of a NotReady node: weighed like the condition (another node works)', () => {
    const line = 'E1126 05:00:00.118201   41233 remote_runtime.go:116] RunPodSandbox from runtime service failed: rpc error: code = Unknown desc = failed to setup network for sandbox "5f1c9e0d2b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6": cni config not initialized';
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: 'False' }), makeNode('node-2', { podCIDR: '10.244.1.0/24' })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: `${line}\n` };
    const d = diagnose(snapshot);
    expect(d.findings[0]?.code).toBe('CNI_DAEMON_NOT_READY');
    expect(d.containerNetwork.status).toBe('NG');
  });
});

describe('the controller-manager\'s node events', () => {
  it.each(['CIDRNotAvailable', 'CIDRAssignmentFailed'])('%s on a Node names POD_CIDR_NOT_ASSIGNED, as its log line does', (status) => {
    const message = `Node node-2 status is now: ${status}`;
    const asEvent = emptySnapshot();
    asEvent.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' }), makeNode('node-2', { ready: 'False', message: containerdCondition })];
    asEvent.events = [makeEvent({ kind: 'Node', name: 'node-2' }, status, message, { component: 'cidrAllocator' })];
    const top = diagnose(asEvent).findings[0];
    expect(top?.code).toBe('POD_CIDR_NOT_ASSIGNED');
    expect(top?.evidence.map((e) => e.text)).toContain(message);

    const asLog = emptySnapshot();
    asLog.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' })];
    asLog.pods = [makePod('kube-system', 'kube-controller-manager-node-1', { node: 'node-1', container: 'kube-controller-manager' })];
    asLog.podLogs['kube-system/kube-controller-manager-node-1/kube-controller-manager'] = `I0103 08:25:09.685013       1 event.go:294] "Event occurred" object="node-2" kind="Node" apiVersion="v1" type="Normal" reason="${status}" message="${message}"\n`;
    expect(diagnose(asLog).findings[0]?.code).toBe('POD_CIDR_NOT_ASSIGNED');
  });
});

/**
 * Issue 9, point 3, for the case A causes: one sandbox message of each, as the source prints it,
 * reaches the same cause as a pod event, a kubelet journal line and a containerd log line, each
 * read back from a cluster-info dump folder (the path `--dump DIR` takes).
 */
describe('a case A message leads to the same cause from every source of a dump', () => {
  const sandboxId = '5f1c9e0d2b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6';
  const messages: [string, string][] = [
    ['plugin type="flannel" failed (add): failed to find plugin "flannel" in path [/opt/cni/bin]', 'CNI_PLUGIN_BINARY_MISSING'],
    ['plugin type="flannel" failed (add): netplugin failed with no error message: fork/exec /opt/cni/bin/flannel: exec format error', 'CNI_PLUGIN_BINARY_MISSING'],
    ['plugin type="flannel" failed (add): loadFlannelSubnetEnv failed: open /run/flannel/subnet.env: no such file or directory', 'FLANNEL_SUBNET_ENV_MISSING'],
    ['plugin type="bridge" name="cbr0" failed (add): failed to set bridge addr: could not add IP address to "cni0": file exists', 'BRIDGE_ADDRESS_CONFLICT'],
    ['plugin type="bridge" name="cbr0" failed (add): failed to set bridge addr: "cni0" already', 'BRIDGE_ADDRESS_CONFLICT'],
    ['plugin type="bridge" name="cbr0" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254', 'IPAM_EXHAUSTED'],
    ['plugin type="calico" failed (add): no podCidr for node node-1', 'POD_CIDR_NOT_ASSIGNED'],
    ['plugin type="bridge" name="cbr0" failed (add): incompatible CNI versions; config is "1.0.0", plugin supports ["0.1.0" "0.2.0" "0.3.0" "0.3.1" "0.4.0"]', 'CNI_CONFIG_INVALID'],
    ['plugin type="bridge" name="cbr0" failed (add): failed to load netconf: json: cannot unmarshal string into Go struct field NetConf.mtu of type int', 'CNI_CONFIG_INVALID'],
  ];
  const sandboxError = (message: string) => `failed to setup network for sandbox "${sandboxId}": ${message}`;
  const escaped = (text: string) => JSON.stringify(text).slice(1, -1);
  const arrivals: [string, (message: string) => ClusterSnapshot][] = [
    ['FailedCreatePodSandBox event', (message) => {
      const snapshot = emptySnapshot();
      snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.1.0/24' })];
      snapshot.pods = [makePod('default', 'web-6d4cf56db6-5gq7n', { node: 'node-1', waiting: 'ContainerCreating' })];
      snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-6d4cf56db6-5gq7n' }, 'FailedCreatePodSandBox', `Failed to create pod sandbox: rpc error: code = Unknown desc = ${sandboxError(message)}`, { host: 'node-1' })];
      return snapshot;
    }],
    ['kubelet journal line', (message) => {
      const snapshot = emptySnapshot();
      snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.1.0/24' })];
      snapshot.nodeFacts['node-1'] = { kubeletLog: `Nov 26 05:00:00 node-1 kubelet[41233]: E1126 05:00:00.118201   41233 remote_runtime.go:193] "RunPodSandbox from runtime service failed" err="rpc error: code = Unknown desc = ${escaped(sandboxError(message))}"\n` };
      return snapshot;
    }],
    ['containerd log line', (message) => {
      const snapshot = emptySnapshot();
      snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.1.0/24' })];
      snapshot.nodeFacts['node-1'] = { runtimeLog: `time="2026-11-26T05:00:00.118201000Z" level=error msg="RunPodSandbox for &PodSandboxMetadata{Name:web-6d4cf56db6-5gq7n,Namespace:default,Attempt:0,} failed, error" error="${escaped(sandboxError(message))}"\n` };
      return snapshot;
    }],
  ];

  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(path.join(tmpdir(), 'netcheck-case-a-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it.each(messages)('%s', async (message, code) => {
    for (const [source, build] of arrivals) {
      const dumpDir = path.join(dir, `${code}-${source.replace(/\W+/g, '-')}-${messages.findIndex(([m]) => m === message)}`);
      await writeBundle(build(message), dumpDir);
      expect({ source, top: diagnose(await readDump(dumpDir)).findings[0]?.code }).toEqual({ source, top: code });
    }
  });
});

describe('the kubelet\'s CNI lines of before dockershim', () => {
  it('name no cause for an unknown plugin error, but never let it pass as OK', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.1.0/24' })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: 'E0321 04:04:45.420954  111534 cni.go:220] Error while adding to cni network: example-cni: endpoint 7 not programmed yet\n' };
    const d = diagnose(snapshot);
    expect(d.findings[0]?.code).toBe('CNI_PLUGIN_ERROR');
    expect(d.containerNetwork.status).toBe('NG');
  });

  it('let the error inside speak when it is known', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.1.0/24' })];
    snapshot.nodeFacts['node-1'] = { kubeletLog: 'E0321 04:04:45.420913  111534 cni.go:259] Error adding network: failed to find plugin "loopback" in path [/opt/loopback/bin /opt/cni/bin]\n' };
    expect(diagnose(snapshot).findings[0]).toMatchObject({ code: 'CNI_PLUGIN_BINARY_MISSING', explanation: expect.stringContaining('/opt/loopback/bin') });
  });
});
