import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { renderText } from '../../../shared/diagnose/render.js';
import type { CauseCode } from '../../../shared/diagnose/types.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { makeEvent, makeNode, makePod } from './snapshot-builders.js';

/**
 * The error phrases of kubelet, containerd, cri-o, dockershim and the CNI providers,
 * each placed where it is found on a real cluster, and the cause named first.
 * Includes look-alikes that are not container-network faults.
 */
type Where = 'sandbox-event' | 'kubelet' | 'runtime' | 'unhealthy' | `event:${string}` | `node-event:${string}` | `log:${string}`;

function snapshotWith(where: Where, text: string): ClusterSnapshot {
  const snapshot = emptySnapshot();
  // For log lines alone the node's state is unknown: no Ready condition to contradict them.
  const logOnly = where === 'kubelet' || where === 'runtime';
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24', ready: logOnly ? null : 'True' })];
  const web = { kind: 'Pod' as const, namespace: 'default', name: 'web-6d4cf56db6-5gq7n' };
  if (where === 'sandbox-event') {
    snapshot.pods.push(makePod('default', web.name, { node: 'node-1', waiting: 'ContainerCreating' }));
    snapshot.events.push(makeEvent(web, 'FailedCreatePodSandBox', text, { host: 'node-1' }));
  } else if (where === 'unhealthy') {
    snapshot.pods.push(makePod('default', web.name, { node: 'node-1', phase: 'Running', ready: false, httpProbe: true }));
    snapshot.events.push(makeEvent(web, 'Unhealthy', text, { host: 'node-1' }));
  } else if (where.startsWith('event:')) {
    snapshot.pods.push(makePod('default', web.name, { node: 'node-1', phase: 'Pending' }));
    snapshot.events.push(makeEvent(web, where.slice('event:'.length), text, { host: 'node-1' }));
  } else if (where.startsWith('node-event:')) {
    snapshot.events.push(makeEvent({ kind: 'Node', name: 'node-1' }, where.slice('node-event:'.length), text, { component: 'cidrAllocator' }));
  } else if (where.startsWith('log:')) {
    const [namespace = '', pod = '', container = ''] = where.slice('log:'.length).split('/');
    snapshot.pods.push(makePod(namespace, pod, { node: 'node-1', container }));
    snapshot.podLogs[podLogKey(namespace, pod, container)] = `${text}\n`;
  } else {
    snapshot.nodeFacts['node-1'] = where === 'kubelet' ? { kubeletLog: `${text}\n` } : { runtimeLog: `${text}\n` };
  }
  return snapshot;
}

const sandbox = 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "5f1c9e0d2b7a4c3e8f6a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"';
const flannelLog = 'log:kube-system/kube-flannel-ds-5lq8v/kube-flannel';
const corednsLog = 'log:kube-system/coredns-74ff55c5b-8xq2w/coredns';
const kubeProxyLog = 'log:kube-system/kube-proxy-7xkqp/kube-proxy';

const cases: [string, Where, string, CauseCode | 'NONE'][] = [
  ['containerd: loopback binary missing', 'sandbox-event', `${sandbox}: plugin type="loopback" failed (add): failed to find plugin "loopback" in path [/opt/cni/bin]`, 'CNI_PLUGIN_BINARY_MISSING'],
  ['cri-o: binary missing while validating', 'runtime', 'time="2026-11-26 05:00:00.000000000Z" level=error msg="Error validating CNI config file /etc/cni/net.d/10-calico.conflist: [failed to find plugin \\"calico\\" in path [/opt/cni/bin/]]"', 'CNI_PLUGIN_BINARY_MISSING'],
  ['cri-o: cni0 carries another address', 'sandbox-event', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to create pod network sandbox k8s_web-6d4cf56db6-5gq7n_default_8d1c_0(5f1c9e0d): error adding pod default_web-6d4cf56db6-5gq7n to CNI network "crio": failed to set bridge addr: "cni0" already has an IP address different from 10.85.0.1/16', 'BRIDGE_ADDRESS_CONFLICT'],
  ['calico plugin times out on the kubernetes service IP', 'sandbox-event', `${sandbox}: plugin type="calico" failed (add): error getting ClusterInformation: Get "https://10.96.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": dial tcp 10.96.0.1:443: i/o timeout`, 'SERVICE_PROXY_BROKEN'],
  ['calico-node not running on the node', 'sandbox-event', `${sandbox}: plugin type="calico" failed (add): stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running and has mounted /var/lib/calico/`, 'CNI_DAEMON_NOT_READY'],
  ['cilium agent socket missing', 'sandbox-event', `${sandbox}: plugin type="cilium-cni" failed (add): unable to connect to Cilium daemon: failed to create cilium agent client after 30.000000 seconds timeout: Get "http:///var/run/cilium/cilium.sock/v1/config": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory`, 'CNI_DAEMON_NOT_READY'],
  ['calico kubeconfig from an old cluster', 'sandbox-event', `${sandbox}: plugin type="calico" failed (add): error getting ClusterInformation: Get "https://10.96.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")`, 'CNI_CREDENTIALS_REJECTED'],
  ['host-local range used up', 'sandbox-event', `${sandbox}: plugin type="bridge" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.0.1-10.244.0.254`, 'IPAM_EXHAUSTED'],
  ['unrecognised plugin failure', 'sandbox-event', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "5f1c" network for pod "web-6d4cf56db6-5gq7n": networkPlugin cni failed to set up pod "web-6d4cf56db6-5gq7n_default" network: failed to Statfs "/proc/41233/ns/net": no such file or directory', 'CNI_PLUGIN_ERROR'],
  ['kubelet: runtime network not ready (structured log)', 'kubelet', 'E1126 05:00:00.000000   41233 kubelet.go:2183] "Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"', 'CNI_NOT_INSTALLED'],
  ['kubelet: no networks found', 'kubelet', 'W1126 05:00:00.000000   41233 cni.go:239] Unable to update cni config: no networks found in /etc/cni/net.d', 'CNI_NOT_INSTALLED'],
  ['containerd: conflist without plugins', 'runtime', 'time="2026-11-26T05:00:00Z" level=error msg="failed to load cni during init, please check CRI plugin status before setting up network for pods" error="cni config load failed: failed to load CNI config list file /etc/cni/net.d/10-flannel.conflist: error parsing configuration list: no \'plugins\' key: invalid cni config: failed to load cni config"', 'CNI_CONFIG_INVALID'],
  ['libcni 1.x: empty cniVersion', 'runtime', 'time="2026-11-26T05:00:00Z" level=error msg="failed to load cni configuration" error="failed to load CNI config list file /etc/cni/net.d/10-flannel.conflist: invalid version \\"\\": the version is empty"', 'CNI_CONFIG_INVALID'],
  ['flannel: node has no podCIDR', flannelLog, 'E1126 05:00:00.000000       1 main.go:330] Error registering network: failed to acquire lease: node "node-2" pod cidr not assigned', 'POD_CIDR_NOT_ASSIGNED'],
  ['node event: CIDRNotAvailable', 'node-event:CIDRNotAvailable', 'Node node-1 status is now: CIDRNotAvailable', 'POD_CIDR_NOT_ASSIGNED'],
  ['flannel cannot reach the API service IP', flannelLog, 'E1126 05:00:00.000000       1 main.go:226] Failed to create SubnetManager: error retrieving pod spec for \'kube-system/kube-flannel-ds-5lq8v\': Get "https://10.96.0.1:443/api/v1/namespaces/kube-system/pods/kube-flannel-ds-5lq8v": dial tcp 10.96.0.1:443: i/o timeout', 'SERVICE_PROXY_BROKEN'],
  ['flannel.1 keeps an old address', flannelLog, 'E1126 05:00:00.000000       1 main.go:330] Error registering network: failed to configure interface flannel.1: failed to ensure address of interface flannel.1: link has incompatible addresses. Remove additional addresses and try again. &netlink.Vxlan{...}', 'BRIDGE_ADDRESS_CONFLICT'],
  ['flannel Network does not contain the podCIDR', flannelLog, 'E1126 05:00:00.000000       1 main.go:330] Error registering network: failed to acquire lease: subnet "10.244.0.0/16" specified in the flannel net config doesn\'t contain "10.200.1.0/24" PodCIDR of the "node-2" node', 'CNI_CONFIG_INVALID'],
  ['flannel without RBAC', flannelLog, 'E1126 05:00:00.000000       1 main.go:226] Failed to create SubnetManager: error retrieving pod spec for \'kube-flannel/kube-flannel-ds-5lq8v\': pods "kube-flannel-ds-5lq8v" is forbidden: User "system:serviceaccount:kube-flannel:flannel" cannot get resource "pods" in API group "" in the namespace "kube-flannel"', 'CNI_DAEMON_NOT_READY'],
  ['pods time out on the kube-dns service IP', 'log:default/web-6d4cf56db6-5gq7n/web', 'dial tcp: lookup db.shop.svc.cluster.local on 10.96.0.10:53: read udp 10.244.0.9:51234->10.96.0.10:53: i/o timeout', 'SERVICE_PROXY_BROKEN'],
  ['flannel on the VirtualBox NAT interface', flannelLog, 'I1126 05:00:00.000000       1 main.go:531] Using interface with name enp0s3 and address 10.0.2.15', 'POD_NETWORK_UNREACHABLE'],
  ['CoreDNS loop', corednsLog, '[FATAL] plugin/loop: Loop (127.0.0.1:53970 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."', 'DNS_FORWARDING_LOOP'],
  ['CoreDNS upstream unreachable', corednsLog, '[ERROR] plugin/errors: 2 6982476375328430313.2862364096489470853. HINFO: read udp 10.244.0.2:43767->8.8.8.8:53: i/o timeout', 'POD_NETWORK_UNREACHABLE'],
  ['kube-proxy cannot restore rules', kubeProxyLog, 'E1126 05:00:00.000000       1 proxier.go:1600] Failed to execute iptables-restore: exit status 1 (iptables-restore: line 7 failed)', 'SERVICE_PROXY_BROKEN'],
  ['kube-proxy: br_netfilter missing', kubeProxyLog, 'W1126 05:00:00.000000       1 proxier.go:299] missing br-netfilter module or unset sysctl br-nf-call-iptables; proxy may not work as intended', 'HOST_NETFILTER_SETTINGS'],
  ['kubeadm preflight: ip_forward', 'kubelet', '[ERROR FileContent--proc-sys-net-ipv4-ip_forward]: /proc/sys/net/ipv4/ip_forward contents are not set to 1', 'HOST_NETFILTER_SETTINGS'],
  ['sysctl says br_netfilter is not loaded', 'kubelet', 'sysctl: cannot stat /proc/sys/net/bridge/bridge-nf-call-iptables: No such file or directory', 'HOST_NETFILTER_SETTINGS'],
  ['flannel CNI plugin 1.x: subnet.env missing', 'sandbox-event', `${sandbox}: plugin type="flannel" failed (add): failed to load flannel 'subnet.env' file: open /run/flannel/subnet.env: no such file or directory. Check the flannel pod's logs.`, 'FLANNEL_SUBNET_ENV_MISSING'],
  ['calico-node readiness: felix not ready', 'unhealthy', 'Readiness probe failed: calico/node is not ready: felix is not ready: Get "http://localhost:9099/readiness": dial tcp [::1]:9099: connect: connection refused', 'CNI_DAEMON_NOT_READY'],
  ['node-local probe timing out is not the pod network', 'unhealthy', 'Liveness probe failed: Get "http://127.0.0.1:10256/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 'NOT_A_NETWORK_FAULT'],
  ['apiserver times out on a pod IP', 'kubelet', 'E1126 05:00:00.000000   41233 controller.go:116] loading OpenAPI spec for "v1beta1.metrics.k8s.io" failed with: failing or missing response from https://10.244.0.7:4443/apis/metrics.k8s.io/v1beta1: Get "https://10.244.0.7:4443/apis/metrics.k8s.io/v1beta1": dial tcp 10.244.0.7:4443: i/o timeout', 'POD_NETWORK_UNREACHABLE'],
  ['TCP probe whose connect times out (ETIMEDOUT, as pkg/probe/tcp returns it)', 'unhealthy', 'Readiness probe failed: dial tcp 10.244.0.9:8080: connect: connection timed out', 'POD_NETWORK_UNREACHABLE'],
  ['probe times out on the pod IP', 'unhealthy', 'Liveness probe failed: Get "http://10.244.0.9:8080/healthz": dial tcp 10.244.0.9:8080: connect: no route to host', 'POD_NETWORK_UNREACHABLE'],
  // Look-alikes.
  ['pause image cannot be pulled', 'sandbox-event', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to get sandbox image "registry.k8s.io/pause:3.6": failed to pull image "registry.k8s.io/pause:3.6": failed to pull and unpack image "registry.k8s.io/pause:3.6": failed to resolve reference "registry.k8s.io/pause:3.6": dial tcp: lookup registry.k8s.io: i/o timeout', 'NOT_A_NETWORK_FAULT'],
  ['app container cannot start (cgroups)', 'event:Failed', 'Error: failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: error setting cgroup config for procHooks process: openat2 /sys/fs/cgroup/kubepods.slice/cpu.max: no such file or directory: unknown', 'NOT_A_NETWORK_FAULT'],
  ['app answers its probe with 503', 'unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 'NOT_A_NETWORK_FAULT'],
  ['app not listening yet', 'unhealthy', 'Readiness probe failed: Get "http://10.244.0.9:8080/ready": dial tcp 10.244.0.9:8080: connect: connection refused', 'PROBE_TARGET_NOT_LISTENING'],
  ['not enough CPU', 'event:FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.', 'NOT_A_NETWORK_FAULT'],
  ['control-plane taint', 'event:FailedScheduling', "0/1 nodes are available: 1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate.", 'NOT_A_NETWORK_FAULT'],
  ['not-ready taint alone names no cause', 'event:FailedScheduling', "0/2 nodes are available: 2 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.", 'NONE'],
  ['a pod\'s TLS handshakes time out', 'log:default/web-6d4cf56db6-5gq7n/web', 'E1129 08:14:02.118274       1 reflector.go:138] pkg/mod/k8s.io/client-go@v0.21.0/tools/cache/reflector.go:167: Failed to watch *v1.ConfigMap: failed to list *v1.ConfigMap: Get "https://10.96.0.1:443/api/v1/configmaps?limit=500": net/http: TLS handshake timeout', 'MTU_MISMATCH'],
  ['a CNI daemon\'s init container cannot run a host command', 'log:kube-system/cilium-7xk2p/mount-cgroup', 'nsenter: failed to execute mount: No such file or directory', 'CNI_DAEMON_NOT_READY'],
  ['a CNI agent exits with a fatal log line', 'log:kube-system/kube-router-x8v2m/kube-router', 'F1129 08:14:02.118274       1 kube-router.go:62] Failed to run kube-router: failed to create network services controller: ipset v7.1: Kernel error received: Operation not permitted', 'CNI_DAEMON_NOT_READY'],
  ['an application\'s own fatal line is not the CNI', 'log:default/web-6d4cf56db6-5gq7n/web', 'time="2026-11-29T08:14:02Z" level=fatal msg="config file /etc/web/config.yaml not found"', 'NONE'],
  ['CoreDNS crash-looping, seen in the kubelet log', 'kubelet', 'E1129 08:14:02.118274    9505 pod_workers.go:191] Error syncing pod 3f0c2d9e-8b1a-4c6e-9d2f-7a5b4c3e2d1f ("coredns-74ff55c5b-q9vxd_kube-system(3f0c2d9e-8b1a-4c6e-9d2f-7a5b4c3e2d1f)"), skipping: failed to "StartContainer" for "coredns" with CrashLoopBackOff: "back-off 2m40s restarting failed container=coredns pod=coredns-74ff55c5b-q9vxd_kube-system(3f0c2d9e-8b1a-4c6e-9d2f-7a5b4c3e2d1f)"', 'DNS_FORWARDING_LOOP'],
  ['CoreDNS OOM-killed, seen in the node journal', 'kubelet', 'Nov 29 08:14:02 worker-1 kernel: [189136.073938] coredns invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999', 'DNS_FORWARDING_LOOP'],
  ['cilium cannot reach the API service IP (timeout: the service path is what is broken)', 'log:kube-system/cilium-q7lwn/cilium-agent', 'time="2026-11-29T08:14:02Z" level=error msg="Unable to contact k8s api-server" error="Get \\"https://10.96.0.1:443/api/v1/namespaces/kube-system\\": dial tcp 10.96.0.1:443: i/o timeout" ipAddr="https://10.96.0.1:443" subsys=k8s-client', 'SERVICE_PROXY_BROKEN'],
  ['cilium cannot reach the API server for another reason', 'log:kube-system/cilium-q7lwn/cilium-agent', 'time="2026-11-29T08:14:02Z" level=error msg="Unable to contact k8s api-server" error="Get \\"https://192.168.10.4:6443/api/v1/namespaces/kube-system\\": dial tcp 192.168.10.4:6443: connect: operation not permitted" ipAddr="https://192.168.10.4:6443" subsys=k8s-client', 'CNI_DAEMON_NOT_READY'],
  ['a hop reports a smaller path MTU', 'kubelet', 'From 192.168.252.252 icmp_seq=1 Frag needed and DF set (mtu = 1406)', 'MTU_MISMATCH'],
  ['tcpdump shows ICMP need-to-frag', 'kubelet', '08:14:02.118274 IP 10.0.0.1 > 10.0.0.12: ICMP 10.0.0.12 unreachable - need to frag (mtu 1450), length 556', 'MTU_MISMATCH'],
  ['a don\'t-fragment ping does not fit the interface', 'kubelet', 'ping: local error: message too long, mtu=1450', 'MTU_MISMATCH'],
  ['the node resolv.conf names systemd-resolved', 'kubelet', 'nameserver 127.0.0.53', 'DNS_FORWARDING_LOOP'],
  ['a pod resolv.conf names the cluster DNS', 'kubelet', 'nameserver 10.96.0.10', 'NONE'],
  ['iptables-restore cannot load a kube-proxy target', kubeProxyLog, 'iptables-restore v1.8.4 (nf_tables): Couldn\'t load target `KUBE-MARK-DROP\':No such file or directory', 'SERVICE_PROXY_BROKEN'],
  ['kube-proxy exits at start-up: the host refuses a sysctl it sets', kubeProxyLog, 'F1129 08:14:02.118274       1 server.go:495] unable to create proxier: can\'t set sysctl net/ipv4/conf/all/route_localnet to 1: open /proc/sys/net/ipv4/conf/all/route_localnet: read-only file system', 'HOST_NETFILTER_SETTINGS'],
  ['CoreDNS cannot list endpoints through the API service IP', corednsLog, '[ERROR] plugin/kubernetes: pkg/mod/k8s.io/client-go@v0.27.4/tools/cache/reflector.go:231: Failed to watch *v1.EndpointSlice: failed to list *v1.EndpointSlice: Get "https://10.96.0.1:443/apis/discovery.k8s.io/v1/endpointslices?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: i/o timeout', 'SERVICE_PROXY_BROKEN'],
  ['kubelet itself not running', 'kubelet', "[kubelet-check] The HTTP call equal to 'curl -sSL http://localhost:10248/healthz' failed with error: Get \"http://localhost:10248/healthz\": dial tcp 127.0.0.1:10248: connect: connection refused.", 'NOT_A_NETWORK_FAULT'],
  ['kubelet credentials rejected', 'kubelet', 'E1126 05:00:00.000000   41233 reflector.go:138] k8s.io/client-go/informers/factory.go:134: Failed to watch *v1.Node: failed to list *v1.Node: Unauthorized', 'NOT_A_NETWORK_FAULT'],
];

describe('what each error phrase is taken for', () => {
  it.each(cases)('%s', (_name, where, text, expected) => {
    const diagnosis = diagnose(snapshotWith(where, text));
    if (expected === 'NONE') {
      // No cause is taken from the text: nothing is named (a verdict NG for other reasons, such as a node whose
      // state is unknown, gets an UNKNOWN that says so), and the text is not quoted as a failure.
      expect(diagnosis.findings.filter((f) => f.code !== 'UNKNOWN').map((f) => f.code)).toEqual([]);
      expect(diagnosis.findings.flatMap((f) => f.evidence).map((e) => e.text)).not.toContain(text);
      return;
    }
    expect(diagnosis.findings[0]?.code).toBe(expected);
    expect(diagnosis.findings[0]?.evidence[0]?.text).toBe(text);
  });
});

describe('history in the kubelet log', () => {
  const line = 'E1126 05:00:00.000000   41233 kubelet.go:2183] "Container runtime network not ready" networkReady="NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized"';
  const readyAt = (time: string) => {
    const snapshot = snapshotWith('kubelet', line);
    snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' })];
    snapshot.nodes[0]!.status!.conditions![0]!.lastTransitionTime = new Date(time);
    return snapshot;
  };

  it('"network not ready" lines older than the node\'s last Ready transition are history, not a finding', () => {
    const diagnosis = diagnose(readyAt('2026-11-26T05:01:00Z'));
    expect(diagnosis).toMatchObject({ containerNetwork: { status: 'OK', step: 'ready' }, findings: [] });
    expect(diagnosis.history).toEqual([{
      evidence: { object: 'Node node-1', field: 'kubelet.log', text: line },
      note: 'older than node-1 becoming Ready at 2026-11-26T05:01:00.000Z',
    }]);
    expect(renderText(diagnosis, { color: false })).toContain('History (past failures, not counted in the verdict):');
  });

  it('the same line newer than the Ready transition counts: NG, waiting-for-cni', () => {
    const diagnosis = diagnose(readyAt('2026-11-26T04:59:00Z'));
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step: 'waiting-for-cni' });
    expect(diagnosis.findings[0]?.evidence[0]?.text).toBe(line);
    expect(diagnosis.history).toEqual([]);
  });
});

describe('CoreDNS waiting for a network nobody installed', () => {
  const listing = () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { ready: 'True' })];
    snapshot.pods = [
      makePod('kube-system', 'coredns-74ff55c5b-8xq2w', { node: 'node-1', waiting: 'ContainerCreating' }),
      makePod('kube-system', 'kube-proxy-4kq7z', { node: 'node-1', phase: 'Running' }),
      makePod('default', 'web-6d4cf56db6-5gq7n', { node: 'node-1', waiting: 'ContainerCreating' }),
    ];
    return snapshot;
  };

  it('points at the missing add-on when no CNI agent runs anywhere', () => {
    expect(diagnose(listing()).findings[0]).toMatchObject({ code: 'CNI_NOT_INSTALLED', confidence: 0.45 });
  });

  it('says nothing of the kind when a CNI agent is there', () => {
    const snapshot = listing();
    snapshot.pods.push(makePod('kube-flannel', 'kube-flannel-ds-5lq8v', { node: 'node-1', phase: 'Running' }));
    expect(diagnose(snapshot).findings.map((f) => f.code)).not.toContain('CNI_NOT_INSTALLED');
  });

});

describe('a CNI daemon that cannot reach the API server', () => {
  const flannelLine = (error: string) => `E1129 08:14:02.118274       1 reflector.go:138] github.com/flannel-io/flannel/pkg/subnet/kube/kube.go:470: Failed to watch *v1.Node: failed to list *v1.Node: Get "https://10.96.0.1:443/api/v1/nodes?limit=500": dial tcp 10.96.0.1:443: ${error}`;

  it('is both a daemon that cannot work and a rejected path when the API service IP answers "no route to host"', () => {
    const diagnosis = diagnose(snapshotWith(flannelLog, flannelLine('connect: no route to host')));
    expect(diagnosis.findings.slice(0, 2).map((f) => f.code)).toEqual(['POD_NETWORK_UNREACHABLE', 'CNI_DAEMON_NOT_READY']);
    expect(diagnosis.undecided?.between).toEqual(['POD_NETWORK_UNREACHABLE', 'CNI_DAEMON_NOT_READY']);
  });

  it('is first of all a service path that times out when the API service IP does not answer', () => {
    const diagnosis = diagnose(snapshotWith(flannelLog, flannelLine('i/o timeout')));
    expect(diagnosis.findings.map((f) => f.code)).toEqual(['SERVICE_PROXY_BROKEN', 'CNI_DAEMON_NOT_READY']);
    expect(diagnosis.undecided).toBeUndefined();
  });

  it('leaves a TLS handshake timeout to the MTU reading: the connection was made', () => {
    const line = 'E1129 08:14:02.118274       1 reflector.go:138] github.com/flannel-io/flannel/pkg/subnet/kube/kube.go:470: Failed to watch *v1.Node: failed to list *v1.Node: Get "https://10.96.0.1:443/api/v1/nodes?limit=500": net/http: TLS handshake timeout';
    expect(diagnose(snapshotWith(flannelLog, line)).findings.map((f) => f.code)).toEqual(['MTU_MISMATCH']);
  });

  it('says nothing of a daemon for an application\'s own API errors', () => {
    const diagnosis = diagnose(snapshotWith('log:default/web-6d4cf56db6-5gq7n/web', flannelLine('i/o timeout')));
    expect(diagnosis.findings.map((f) => f.code)).not.toContain('CNI_DAEMON_NOT_READY');
  });
});

describe('CoreDNS unschedulable right after kubeadm init', () => {
  it('points at the missing add-on when no node says why it is NotReady', () => {
    const snapshot = emptySnapshot();
    snapshot.nodes = [makeNode('node-1', { ready: 'False' }), makeNode('node-2', { ready: 'False' })];
    snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'kube-system', name: 'coredns-74ff55c5b-8xq2w' }, 'FailedScheduling',
      "0/2 nodes are available: 2 node(s) had taint {node.kubernetes.io/not-ready: }, that the pod didn't tolerate.", { component: 'default-scheduler' })];
    expect(diagnose(snapshot).findings[0]).toMatchObject({ code: 'CNI_NOT_INSTALLED', confidence: 0.45 });
  });
});
