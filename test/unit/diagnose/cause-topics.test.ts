import { causeTopicOf } from '../../../shared/diagnose/cause-topics.js';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import type { CauseCode, Diagnosis } from '../../../shared/diagnose/types.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * A failure line no rule knows is still ABOUT something: a sysctl key, iptables, the MTU, a CNI file, the
 * pod CIDR. The lines below are written as their printers write them (klog, logrus, calico's formatter,
 * containerd's sandbox wrapper) around inner errors no catalogue entry knows, so only the subject can
 * name the cause.
 */

function cluster(): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' })];
  return snapshot;
}

function agentLog(line: string, pod = 'calico-node-5x2vq', container = 'calico-node'): ClusterSnapshot {
  const snapshot = cluster();
  snapshot.pods.push(makePod('kube-system', pod, { node: 'node-1', container, noStatus: true }));
  snapshot.podLogs[podLogKey('kube-system', pod, container)] = `${line}\n`;
  return snapshot;
}

const top = (d: Diagnosis) => d.findings[0]!;

describe('causeTopicOf: the subject of a failure line', () => {
  it.each<[CauseCode, string]>([
    ['FLANNEL_SUBNET_ENV_MISSING', 'failed to stat subnet.env: lattice not wound'],
    ['BRIDGE_ADDRESS_CONFLICT', 'bridge "cbr0" already has an IP address different from 10.244.1.1/24'],
    ['DNS_FORWARDING_LOOP', '[FATAL] plugin/loop: lattice spun twice'],
    ['CNI_PLUGIN_BINARY_MISSING', 'stat /opt/cni/bin/portmap: permission denied'],
    ['CNI_CONFIG_INVALID', 'refusing /etc/cni/net.d/10-calico.conflist: lattice 17 unwound'],
    ['CNI_CONFIG_INVALID', 'config carries cniVersion "9.9.9" which the lattice rejects'],
    ['IPAM_EXHAUSTED', 'allocation failed: block 10.244.3.0/26 is full'],
    ['IPAM_EXHAUSTED', 'no free IPs in lattice 17'],
    ['POD_CIDR_NOT_ASSIGNED', 'node "worker-2" has no podCIDR yet'],
    ['POD_CIDR_NOT_ASSIGNED', 'spec.podCIDRs is empty for node worker-2'],
    ['HOST_NETFILTER_SETTINGS', 'write /proc/sys/net/ipv4/conf/all/rp_filter: read-only file system'],
    ['HOST_NETFILTER_SETTINGS', 'net.bridge.bridge-nf-call-iptables is 0'],
    ['HOST_NETFILTER_SETTINGS', 'modprobe br_netfilter: exit status 1'],
    ['MTU_MISMATCH', 'setting MTU 8981 on vxlan.calico: invalid argument'],
    ['MTU_MISMATCH', 'write udp 10.0.0.5:8472->10.0.0.6:8472: sendmsg: message too long'],
    ['SERVICE_PROXY_BROKEN', 'chain KUBE-SERVICES missing from table nat'],
    ['SERVICE_PROXY_BROKEN', 'rules found in iptables-legacy while the lattice uses nft'],
  ])('%s: %s', (code, line) => {
    expect(causeTopicOf(line)?.code).toBe(code);
  });

  it('the most specific subject wins: a subnet.env path is not read as a config file', () => {
    expect(causeTopicOf('open /run/flannel/subnet.env: lattice unwound (see /etc/cni/net.d/10-flannel.conflist)')?.code).toBe('FLANNEL_SUBNET_ENV_MISSING');
  });

  it.each([
    'Failed to wind the spool lattice: lattice 17 unwound',
    'dial tcp 10.96.0.1:443: connect: connection refused',
    'error getting ClusterInformation: connection is unauthorized: Unauthorized',
    // An interface without addresses, a lease table: not an address pool.
    'failed to get IP addresses for "eth0": no addresses available',
    'the subnet manager lease table is full',
    // dockerd's bridge is not the pod network under a CNI.
    'level=error msg="failed to set MTU for docker0: invalid argument"',
    // The name kube-proxy alone: lines name its pods and config map whatever happens to them.
    'kube-proxy lattice not wound on this node',
    // cilium's own kube-proxy replacement is its configuration, whatever its spelling.
    'level=fatal msg="Invalid value for --kube-proxy-replacement: lattice" subsys=daemon',
    'level=error msg="kubeProxyReplacement=strict needs a lattice" subsys=daemon',
    // A client's connection pool is not an address pool.
    'http: connection pool exhausted',
    'level=error msg="Unable to initialize kube-proxy replacement options" error="lattice unwound" subsys=daemon',
    // An agent failing to write its own rules is the agent's failure, not kube-proxy's.
    'running [/usr/sbin/iptables -t nat -A POSTROUTING -j MASQUERADE --wait]: exit status 4',
    'ipset v7.15: Kernel error received: set type not supported',
    // Words that only contain a topic's letters.
    'submtu_ratio unknown', 'iptablesque gadget',
  ])('no subject in %s', (line) => {
    expect(causeTopicOf(line)).toBeUndefined();
  });
});

describe('a failing agent line about a subject leads with that subject\'s cause', () => {
  it.each<[CauseCode, string, string, string]>([
    ['SERVICE_PROXY_BROKEN', 'calico-node-5x2vq', 'calico-node',
      '2026-11-29 08:14:02.118 [ERROR][61] felix/table.go 902: Failed to spool lattice: chain KUBE-SERVICES not found table="nat" error=exit status 4'],
    ['HOST_NETFILTER_SETTINGS', 'kube-flannel-ds-7q2xv', 'kube-flannel',
      'E1129 08:14:02.118274       1 main.go:330] Failed to wind lattice: net.ipv4.ip_forward is not 1'],
    ['MTU_MISMATCH', 'cilium-q7lwn', 'cilium-agent',
      'level=error msg="Unable to wind the spool lattice" error="device MTU 1450 below tunnel overhead" subsys=daemon'],
  ])('%s', (code, pod, container, line) => {
    const d = diagnose(agentLog(line, pod, container));
    expect(d.containerNetwork.status).toBe('NG');
    expect(top(d).code).toBe(code);
    expect(top(d).basis).toBe('structure');
    expect(top(d).evidence.map((e) => e.text)).toContain(line);
    // The agent's own failure stays in the list as the next lead.
    expect(d.findings.map((f) => f.code)).toContain('CNI_DAEMON_NOT_READY');
  });

  it('an agent line without a subject stays CNI_DAEMON_NOT_READY', () => {
    const d = diagnose(agentLog('2026-11-29 08:14:02.118 [ERROR][61] felix/spool.go 1245: Spool lattice refused to wind lattice=17'));
    expect(top(d).code).toBe('CNI_DAEMON_NOT_READY');
  });

  it('an info line naming the MTU is no failure', () => {
    const d = diagnose(agentLog('2026-11-29 08:14:02.118 [INFO][61] felix/int_dataplane.go 370: Determined pod MTU mtu=1450'));
    expect(d.findings.map((f) => f.code)).not.toContain('MTU_MISMATCH');
  });

  it('a workload\'s own log naming iptables is its business', () => {
    const snapshot = cluster();
    snapshot.pods.push(makePod('default', 'web-7c9f8d6b5-h4vlk', { node: 'node-1', container: 'web', noStatus: true }));
    snapshot.podLogs[podLogKey('default', 'web-7c9f8d6b5-h4vlk', 'web')] = 'ERROR: failed to render the iptables page template\n';
    expect(diagnose(snapshot).findings.map((f) => f.code)).not.toContain('SERVICE_PROXY_BROKEN');
  });

  it('the kubelet\'s own error lines are its business, whatever they name (recorded in the lab right after kube-proxy was restarted)', () => {
    const snapshot = cluster();
    snapshot.nodeFacts['node-1'] = { kubeletLog: [
      'E1130 08:14:19.031923      56 kubelet_pods.go:1256] Failed killing the pod "kube-proxy-7hzxd": failed to "KillPodSandbox" for "44ba2726-53c1-41f2-9eab-54079abb5a6c" with KillPodSandboxError: "rpc error: code = NotFound desc = an error occurred when try to find sandbox: not found"',
      'E1130 08:14:25.056192      56 reflector.go:138] object-"kube-system"/"kube-proxy": Failed to watch *v1.ConfigMap: failed to list *v1.ConfigMap: configmaps "kube-proxy" is forbidden: User "system:node:kube-node-1" cannot list resource "configmaps" in API group "" in the namespace "kube-system": no relationship found between node \'kube-node-1\' and this object',
      'E1129 08:14:02.118274    4121 kubelet_network_linux.go:88] Failed to ensure that nat chain KUBE-MARK-DROP exists: error creating chain "KUBE-MARK-DROP": exit status 3: ip6tables v1.8.7 (legacy): can\'t initialize ip6tables table `nat\': Table does not exist (do you need to insmod?)',
    ].join('\n') + '\n' };
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('OK');
    expect(d.findings.map((f) => f.code)).not.toContain('SERVICE_PROXY_BROKEN');
  });

  it('ip6tables failing on a dual-stack cluster still names the service proxy (IPv6 services depend on it)', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' })];
    snapshot.nodes[0]!.spec!.podCIDRs = ['10.244.0.0/24', 'fd00:10:244::/64'];
    snapshot.nodeFacts['node-1'] = { kubeletLog: 'E1129 08:14:02.118274    4121 kubelet_network_linux.go:88] Failed to ensure that nat chain KUBE-MARK-DROP exists: error creating chain "KUBE-MARK-DROP": exit status 3: ip6tables v1.8.7 (legacy): can\'t initialize ip6tables table `nat\': Table does not exist (do you need to insmod?)\n' };
    expect(diagnose(snapshot).findings[0]?.code).toBe('SERVICE_PROXY_BROKEN');
  });

  it('a bare failure line pasted into a host log (no header) counts by its subject; a bare non-failure does not', () => {
    const snapshot = cluster();
    const failing = 'failed to wind lattice on cni0: mtu 9001 exceeds the lattice';
    snapshot.nodeFacts['node-1'] = { runtimeLog: `${failing}\nlattice reports mtu 1450 on cni0\n` };
    const finding = diagnose(snapshot).findings.find((f) => f.code === 'MTU_MISMATCH');
    expect(finding?.evidence.map((e) => e.text)).toEqual([failing]);
  });

  it('a sandbox failure naming a subject names its cause (case A)', () => {
    const snapshot = cluster();
    const message = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": plugin type="lattice" failed (add): cannot wind lattice: net.bridge.bridge-nf-call-iptables is 0';
    snapshot.pods.push(makePod('default', 'web-7c9f8d6b5-h4vlk', { node: 'node-1', phase: 'Pending', waiting: 'ContainerCreating' }));
    snapshot.events.push(makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-7c9f8d6b5-h4vlk' }, 'FailedCreatePodSandBox', message, { host: 'node-1' }));
    const d = diagnose(snapshot);
    expect(d.containerNetwork.step).toBe('case-a');
    expect(top(d).code).toBe('HOST_NETFILTER_SETTINGS');
  });

  it.each<[CauseCode, string]>([
    ['CNI_PLUGIN_ERROR', 'plugin type="lattice-cni" name="lattice-cni" failed (add): exec: "sh": executable file not found in $PATH'],
    ['CNI_PLUGIN_BINARY_MISSING', 'plugin type="lattice-cni" failed (add): exec: "lattice-cni": executable file not found in $PATH'],
    ['CNI_PLUGIN_BINARY_MISSING', 'exec: "lattice-cni": executable file not found in $PATH'],
    ['CNI_PLUGIN_ERROR', 'plugin type="lattice-cni" failed (add): fork/exec /usr/sbin/lattice-helper: no such file or directory'],
    ['CNI_PLUGIN_BINARY_MISSING', 'plugin type="lattice-cni" failed (add): fork/exec /opt/cni/bin/lattice-cni: no such file or directory'],
  ])('Go\'s "executable file not found" in a sandbox failure: %s', (code, inner) => {
    const snapshot = cluster();
    const message = `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1c": ${inner}`;
    snapshot.pods.push(makePod('default', 'web-7c9f8d6b5-h4vlk', { node: 'node-1', phase: 'Pending', waiting: 'ContainerCreating' }));
    snapshot.events.push(makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-7c9f8d6b5-h4vlk' }, 'FailedCreatePodSandBox', message, { host: 'node-1' }));
    expect(top(diagnose(snapshot)).code).toBe(code);
  });

  it('a Ready kube-proxy\'s routine warnings (ip_vs, modules.builtin) stay history: the verdict is OK', () => {
    const snapshot = cluster();
    snapshot.pods.push(makePod('kube-system', 'kube-proxy-x7k2p', { node: 'node-1', container: 'kube-proxy' }));
    snapshot.podLogs[podLogKey('kube-system', 'kube-proxy-x7k2p', 'kube-proxy')] = [
      'W1129 08:14:02.118274       1 proxier.go:651] Failed to load kernel module ip_vs with modprobe. You can ignore this message when kube-proxy is running inside container without mounting /lib/modules',
      'W1129 08:14:02.118301       1 server_others.go:559] Failed to load kernel module nf_conntrack_ipv4 with modprobe: "modprobe: FATAL: Module nf_conntrack_ipv4 not found in directory /lib/modules/5.10.0-26-amd64"',
    ].join('\n') + '\n';
    const d = diagnose(snapshot);
    expect(d.containerNetwork.status).toBe('OK');
    // Only the weak note that kube-proxy logged something (as before subjects were read), no subject, no module rule.
    expect(d.findings.map((f) => [f.code, f.confidence])).toEqual([['SERVICE_PROXY_BROKEN', 0.3]]);
  });

  it('a warning line names no subject: the agent\'s own failure stays in front', () => {
    const snapshot = agentLog('2026-11-29 08:14:02.118 [WARNING][61] felix/lattice.go 83: Failed to wind the lattice at MTU 1450, retrying');
    snapshot.podLogs[podLogKey('kube-system', 'calico-node-5x2vq', 'calico-node')] += '2026-11-29 08:14:03.001 [ERROR][61] felix/spool.go 1245: Spool lattice refused to wind lattice=17\n';
    const d = diagnose(snapshot);
    expect(d.findings.map((f) => f.code)).not.toContain('MTU_MISMATCH');
    expect(top(d).code).toBe('CNI_DAEMON_NOT_READY');
  });

  it('libxtables\' "Extension ... not supported" warning from a pod that is Ready: its rules were written anyway, OK', () => {
    const snapshot = cluster();
    snapshot.pods.push(makePod('kube-system', 'svclb-traefik-7xkqp', { node: 'node-1', container: 'lb-port-80' }));
    snapshot.podLogs[podLogKey('kube-system', 'svclb-traefik-7xkqp', 'lb-port-80')] = 'Warning: Extension tcp revision 0 not supported, missing kernel module?\n';
    expect(diagnose(snapshot).containerNetwork.status).toBe('OK');
  });
});

