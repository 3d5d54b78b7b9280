import type { CauseCode } from '../../../../shared/diagnose/cause-catalog.js';
import { diagnose, textRules } from '../../../../shared/diagnose/diagnose.js';
import { arrivalsOf, type Printer } from './arrivals.js';

/**
 * The rules whose wording is not in the catalogue (rules/*.ts, from Go's net and x509 errors,
 * iptables, CoreDNS, kubeadm, older releases) must also reach the same cause wherever their text
 * arrives. Each row: a real message, who prints it, the cause.
 */
const cases: [ruleId: string, printer: Printer, message: string, code: CauseCode][] = [
  ['ipam-range-exhausted-legacy', { emitter: 'cni-plugin', pluginType: 'calico' }, 'Failed to request 1 IPv4 addresses. IPAM allocated only 0.; unable to auto-assign an address: pools are likely exhausted', 'IPAM_EXHAUSTED'],
  ['aws-vpc-cni-no-address', { emitter: 'cni-plugin', pluginType: 'aws-cni' }, 'add cmd: failed to assign an IP address to container', 'IPAM_EXHAUSTED'],
  ['node-has-no-pod-cidr', { emitter: 'cni-plugin', pluginType: 'kubenet' }, 'Failed to get pod CIDR from node spec: podCIDR is empty', 'POD_CIDR_NOT_ASSIGNED'],
  ['cni-agent-socket-missing', { emitter: 'cni-plugin', pluginType: 'antrea' }, 'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing dial unix /var/run/antrea/cni.sock: connect: no such file or directory"', 'CNI_DAEMON_NOT_READY'],
  ['cni-agent-socket-missing (weave router)', { emitter: 'cni-plugin', pluginType: 'weave-net' }, 'unable to allocate IP address: Post "http://127.0.0.1:6784/ip/5f1c9e0d": dial tcp 127.0.0.1:6784: connect: connection refused', 'CNI_DAEMON_NOT_READY'],
  ['cni-apiserver-credentials-rejected', { emitter: 'cni-plugin', pluginType: 'calico' }, 'error getting ClusterInformation: Get "https://10.96.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": x509: certificate has expired or is not yet valid', 'CNI_CREDENTIALS_REJECTED'],
  ['service-ip-timeout', { emitter: 'cni-plugin', pluginType: 'calico' }, 'error getting ClusterInformation: Get "https://10.96.0.1:443/apis/crd.projectcalico.org/v1/clusterinformations/default": dial tcp 10.96.0.1:443: i/o timeout', 'SERVICE_PROXY_BROKEN'],
  ['service-ip-rejected', { emitter: 'daemon', daemonLog: 'default/web-6d4cf56db6-5gq7n/web' }, 'Failed to list *v1.Namespace: Get "https://10.96.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0": dial tcp 10.96.0.1:443: connect: no route to host', 'POD_NETWORK_UNREACHABLE'],
  ['service-ip-rejected (k3s service CIDR)', { emitter: 'daemon', daemonLog: 'default/web-6d4cf56db6-5gq7n/web' }, 'github.com/coredns/coredns/plugin/kubernetes/controller.go:322: Failed to list *v1.Namespace: Get https://10.43.0.1:443/api/v1/namespaces?limit=500&resourceVersion=0: dial tcp 10.43.0.1:443: connect: no route to host', 'POD_NETWORK_UNREACHABLE'],
  ['coredns-loop-detected', { emitter: 'daemon', daemonLog: 'kube-system/coredns-74ff55c5b-8xq2w/coredns' }, '[FATAL] plugin/loop: Loop (127.0.0.1:53970 -> :53) detected for zone ".", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO 4547991504243258144.3688648895315093531."', 'DNS_FORWARDING_LOOP'],
  ['kernel-conntrack-table-full', { emitter: 'kubelet' }, '[Tue Nov 20 22:30:22 2018] nf_conntrack: nf_conntrack: table full, dropping packet', 'HOST_NETFILTER_SETTINGS'],
  ['kernel-conntrack-table-full (older kernels)', { emitter: 'kubelet' }, 'nf_conntrack: table full, dropping packet', 'HOST_NETFILTER_SETTINGS'],
  ['kernel-neighbour-table-overflow', { emitter: 'kubelet' }, 'neighbour: arp_cache: neighbor table overflow!', 'HOST_NETFILTER_SETTINGS'],
  // modprobe's own line, as a host service journal (k3s, rke2 load modules themselves) or a pasted terminal shows it.
  ['netfilter-module-not-found', { emitter: 'daemon' }, 'modprobe: FATAL: Module xt_multiport not found in directory /lib/modules/4.9.140-tegra', 'SERVICE_PROXY_BROKEN'],
  ['overlay-module-not-found', { emitter: 'daemon' }, 'modprobe: FATAL: Module vxlan not found in directory /lib/modules/5.4.0-1041-raspi', 'CNI_DAEMON_NOT_READY'],
  ['iptables-extension-unsupported', { emitter: 'daemon', daemonLog: 'kube-system/svclb-traefik-7xkqp/lb-port-80' }, 'Warning: Extension tcp revision 0 not supported, missing kernel module?', 'SERVICE_PROXY_BROKEN'],
  ['host-bridge-netfilter-off', { emitter: 'daemon', daemonLog: 'kube-system/kube-router-9zq4c/kube-router' }, 'Failed to set sysctl: open /proc/sys/net/bridge/bridge-nf-call-iptables: no such file or directory', 'HOST_NETFILTER_SETTINGS'],
  ['kube-proxy-cannot-program-iptables', { emitter: 'daemon', daemonLog: 'kube-system/kube-proxy-7xkqp/kube-proxy' }, 'Failed to ensure that filter chain KUBE-SERVICES exists: error creating chain "KUBE-SERVICES": exit status 3: iptables v1.8.7 (legacy): can\'t initialize iptables table `filter\': Table does not exist (do you need to insmod?)', 'SERVICE_PROXY_BROKEN'],
  ['coredns-waiting-for-api', { emitter: 'daemon', daemonLog: 'kube-system/coredns-74ff55c5b-8xq2w/coredns' }, '[INFO] plugin/ready: Still waiting on: "kubernetes"', 'SERVICE_PROXY_BROKEN'],
  ['cni-daemon-forbidden', { emitter: 'daemon', daemonLog: 'kube-system/calico-node-x7k2p/calico-node' }, 'nodes "node-1" is forbidden: User "system:serviceaccount:kube-system:calico-node" cannot get resource "nodes" in API group "" at the cluster scope', 'CNI_DAEMON_NOT_READY'],
];

describe.each(cases)('%s', (ruleId, printer, message, code) => {
  it('is a rule netcheck has', () => {
    expect(textRules.map((r) => r.id)).toContain(ruleId.replace(/ \(.*\)$/, ''));
  });

  it.each(arrivalsOf(printer, message).map((a) => [a.route, a] as const))(`names ${code} first when it arrives as %s`, (_route, arrival) => {
    const top = diagnose(arrival.snapshot).findings[0];
    expect({ top: top?.code, text: arrival.text }).toEqual({ top: code, text: arrival.text });
    expect(top?.evidence.map((e) => e.text)).toContain(arrival.text);
  });
});
