import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { clusterPodCidr } from '../../../shared/diagnose/cluster-cidr.js';
import { ClusterView } from '../../../shared/diagnose/cluster-view.js';
import { parseIptablesSave } from '../../../shared/net/iptables.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import { buildIptablesView, renderIptablesView } from '../../../plugins/netcheck/iptables-view.js';
import { podLogKey, type ClusterSnapshot } from '../../../shared/snapshot/types.js';

/**
 * Dual-stack clusters (test/fixtures/dumps/make-dual-stack.py: kubeadm v1.27 with
 * podSubnet 10.244.0.0/16,fd00:10:244::/56 and flannel with IPv6), read through readDump.
 * Every rule that reads a CIDR is provoked once on this cluster.
 */
const dump = (name: string) => readDump(new URL(`../../fixtures/dumps/${name}`, import.meta.url).pathname);
let healthy: ClusterSnapshot;
beforeAll(async () => { healthy = await dump('dual-stack-healthy'); });

const changed = (change: (s: ClusterSnapshot) => void): ClusterSnapshot => {
  const snapshot = structuredClone(healthy);
  change(snapshot);
  return snapshot;
};
const worker = (s: ClusterSnapshot) => s.nodeFacts['k8s-worker-1']!;

describe('a dual-stack cluster', () => {
  it('healthy: both networks OK, no findings (IPv6 and link-local bridge addresses are not conflicts)', () => {
    const d = diagnose(healthy);
    expect(d.hostNetwork).toEqual({ status: 'OK', reasons: [] });
    expect(d.containerNetwork).toEqual({ status: 'OK', step: 'ready' });
    expect(d.findings).toEqual([]);
  });

  it('reads both families of the cluster CIDRs', () => {
    const view = new ClusterView(healthy);
    expect(view.podSubnets()).toEqual(expect.arrayContaining(['10.244.0.0/16', 'fd00:10:244::/56', '10.244.1.0/24', 'fd00:10:244:1::/64']));
    expect(view.serviceSubnet()).toBe('10.96.0.0/16,fd00:10:96::/112');
    const { configMaps: _cm, ...withoutKubeadm } = healthy;
    expect(new ClusterView({ ...withoutKubeadm, configMaps: [] }).serviceSubnet()).toBe('10.96.0.0/16,fd00:10:96::/112');
    expect(clusterPodCidr({ pods: healthy.pods })).toEqual({ cidr: '10.244.0.0/16,fd00:10:244::/56', source: 'kube-controller-manager --cluster-cidr' });
  });

  it('recorded: cni0 kept an IPv6 address of another range → BRIDGE_ADDRESS_CONFLICT, case-a', async () => {
    const snapshot = await dump('dual-stack-bridge-v6-conflict');
    const d = diagnose(snapshot);
    expect(d.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
    expect(d.findings[0]?.code).toBe('BRIDGE_ADDRESS_CONFLICT');
    expect(d.findings[0]?.evidence.map((e) => e.text)).toContain('5: cni0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1430 qdisc noqueue state UP group default qlen 1000 inet fd00:10:244:7::1/64');
    // From the node facts alone (no event), the comparison of the IPv6 address with the IPv6 pod range finds it.
    const fromFacts = diagnose({ ...snapshot, events: [] });
    expect(fromFacts.findings[0]?.explanation).toContain('fd00:10:244:7::1/64, outside the node\'s pod subnet 10.244.1.0/24, fd00:10:244:1::/64');
  });

  it('an IPv4 bridge address outside the IPv4 pod range is still found', () => {
    const d = diagnose(changed((s) => { worker(s).ipAddr = worker(s).ipAddr!.replace('inet 10.244.1.1/24 brd 10.244.1.255', 'inet 10.244.9.1/24 brd 10.244.9.255'); }));
    expect(d.findings[0]).toMatchObject({ code: 'BRIDGE_ADDRESS_CONFLICT' });
    expect(d.findings[0]?.explanation).toContain('10.244.9.1/24');
  });

  it('host-local: each family is its own pool; the full IPv4 pool is found, IPv6 reservations beside it do not add up', () => {
    const reservations = (v4: number, v6: number) => `/var/lib/cni/networks/cbr0:\n${Array.from({ length: v4 }, (_, i) => `10.244.1.${i + 2}`).join('\n')}\n${Array.from({ length: v6 }, (_, i) => `fd00:10:244:1::${(i + 2).toString(16)}`).join('\n')}\nlock\n`;
    const full = diagnose(changed((s) => { worker(s).cniIpam = reservations(253, 253); }));
    expect(full.findings[0]).toMatchObject({ code: 'IPAM_EXHAUSTED' });
    expect(full.findings[0]?.explanation).toMatch(/253 addresses reserved in 10\.244\.1\.0\/24 \(room for 253\)/);
    const half = diagnose(changed((s) => { worker(s).cniIpam = reservations(150, 150); }));
    expect(half.findings.map((f) => f.code)).not.toContain('IPAM_EXHAUSTED');
  });

  it('FORWARD policy DROP: judged against the IPv4 range of the dual-stack pod CIDR', () => {
    const save = (rules: string) => `*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n${rules}COMMIT\n`;
    const blocked = diagnose(changed((s) => { worker(s).iptablesSave = save(''); }));
    expect(blocked.findings.find((f) => f.code === 'POD_NETWORK_UNREACHABLE')?.evidence[0]?.text).toBe(':FORWARD DROP, no FORWARD rule for 10.244.0.0/16');
    const accepted = diagnose(changed((s) => { worker(s).iptablesSave = save('-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -d 10.244.0.0/16 -j ACCEPT\n'); }));
    expect(accepted.findings.map((f) => f.code)).not.toContain('POD_NETWORK_UNREACHABLE');
  });

  it('timeouts to an IPv6 pod IP → POD_NETWORK_UNREACHABLE; to an IPv6 service IP → SERVICE_PROXY_BROKEN', () => {
    const apiserverLog = 'E1129 21:49:58.120394       1 available_controller.go:460] v1beta1.metrics.k8s.io failed with: failing or missing response from https://[fd00:10:244:1::9]:10250/apis/metrics.k8s.io/v1beta1: Get "https://[fd00:10:244:1::9]:10250/apis/metrics.k8s.io/v1beta1": dial tcp [fd00:10:244:1::9]:10250: i/o timeout';
    const pod = diagnose(changed((s) => { s.podLogs[podLogKey('kube-system', 'kube-apiserver-k8s-cp-1', 'kube-apiserver')] = `${apiserverLog}\n`; }));
    expect(pod.findings[0]).toMatchObject({ code: 'POD_NETWORK_UNREACHABLE' });
    expect(pod.findings[0]?.explanation).toContain('fd00:10:244:1::9');

    const dnsLog = '[ERROR] plugin/errors: 2 web.default.svc.cluster.local. AAAA: read udp [fd00:10:244:1::4]:51234->[fd00:10:96::a]:53: i/o timeout';
    const service = diagnose(changed((s) => { s.podLogs[podLogKey('default', 'web-6b7f9c5d4-hm2xk', 'web')] = `${dnsLog}\n`; }));
    expect(service.findings[0]).toMatchObject({ code: 'SERVICE_PROXY_BROKEN' });

    const rejected = diagnose(changed((s) => { s.podLogs[podLogKey('default', 'web-6b7f9c5d4-hm2xk', 'web')] = 'W1129 21:49:01.000000       1 reflector.go:424] failed to list *v1.Pod: Get "https://[fd00:10:96::1]:443/api/v1/pods": dial tcp [fd00:10:96::1]:443: connect: no route to host\n'; }));
    expect(rejected.findings[0]).toMatchObject({ code: 'POD_NETWORK_UNREACHABLE' });
    expect(rejected.findings[0]?.explanation).toContain('fd00:10:96::1:443');

    const elsewhere = diagnose(changed((s) => { s.podLogs[podLogKey('default', 'web-6b7f9c5d4-hm2xk', 'web')] = `${dnsLog.replace('fd00:10:96::a', 'fd00:99::a')}\n`; }));
    expect(elsewhere.findings.map((f) => f.code)).not.toContain('SERVICE_PROXY_BROKEN');
  });

  it('a node without pod CIDRs among nodes that have both families → POD_CIDR_NOT_ASSIGNED', () => {
    const notReady = 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized';
    const d = diagnose(changed((s) => {
      s.nodeFacts = {};
      const node = s.nodes[1]!;
      node.spec = {};
      const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
      Object.assign(ready, { status: 'False', reason: 'KubeletNotReady', message: notReady });
      for (const n of s.nodes) delete n.spec!.podCIDR; // podCIDRs alone must be enough to count as "has one"
    }));
    expect(d.findings[0]).toMatchObject({ code: 'POD_CIDR_NOT_ASSIGNED' });
    expect(d.findings[0]?.evidence[0]?.object).toBe('Node k8s-worker-1');
  });

  it('the iptables view: the dual-stack cluster CIDR, the FORWARD/POSTROUTING rules of its IPv4 range', () => {
    const dump = parseIptablesSave('*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully\nCOMMIT\n*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -s 172.17.0.0/16 -j ACCEPT\nCOMMIT\n');
    const view = buildIptablesView('k8s-worker-1', dump, new ClusterView(healthy).clusterPodCidr());
    expect(view.podCidr).toBe('10.244.0.0/16,fd00:10:244::/56');
    expect(view.podCidrRules.map((r) => r.rule)).toEqual(['-A POSTROUTING -s 10.244.0.0/16 ! -d 224.0.0.0/4 -j MASQUERADE --random-fully', '-A FORWARD -s 10.244.0.0/16 -j ACCEPT']);
    expect(renderIptablesView(view)).toContain('FORWARD/POSTROUTING rules for the pod CIDR 10.244.0.0/16,fd00:10:244::/56 (kubeadm-config networking.podSubnet)');
  });
});
