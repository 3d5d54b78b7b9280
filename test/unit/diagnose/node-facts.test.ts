import { diagnose } from '../../../shared/diagnose/diagnose.js';
import type { CauseCode, Step } from '../../../shared/diagnose/types.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import type { ClusterSnapshot, NodeFacts } from '../../../shared/snapshot/types.js';

/** Each rule on node facts, provoked by breaking one thing on node-1 of the healthy lab dump. */
let healthy: ClusterSnapshot;
beforeAll(async () => { healthy = await readDump(new URL('../../fixtures/dumps/healthy-flannel', import.meta.url).pathname); });

function breakNode1(change: (facts: NodeFacts, snapshot: ClusterSnapshot) => void): ClusterSnapshot {
  const snapshot = structuredClone(healthy);
  change(snapshot.nodeFacts['node-1']!, snapshot);
  return snapshot;
}

const replaceLine = (text: string | undefined, from: RegExp, to: string) => (text ?? '').replace(from, to);

const cases: [string, (facts: NodeFacts, snapshot: ClusterSnapshot) => void, CauseCode, Step, RegExp][] = [
  ['/etc/cni/net.d is empty', (f) => { f.cniNetD = {}; }, 'CNI_NOT_INSTALLED', 'waiting-for-cni', /holds no \.conf/],
  ['the conflist is cut short', (f) => { f.cniNetD = { '10-flannel.conflist': '{ "name": "cbr0", "plugins": [' }; }, 'CNI_CONFIG_INVALID', 'waiting-for-cni', /error parsing configuration list/],
  ['the conflist is named .conf', (f) => { f.cniNetD = { '10-flannel.conf': f.cniNetD!['10-flannel.conflist']! }; }, 'CNI_CONFIG_INVALID', 'waiting-for-cni', /perhaps this is a \.conflist/],
  ['the flannel binary is missing', (f) => { f.cniBin = replaceLine(f.cniBin, /^flannel\n/m, ''); }, 'CNI_PLUGIN_BINARY_MISSING', 'case-a', /needs flannel/],
  ['flanneld wrote no subnet.env', (f) => { f.flannelSubnetEnv = null; }, 'FLANNEL_SUBNET_ENV_MISSING', 'case-a', /\/run\/flannel\/subnet\.env/],
  ['cni0 kept an old address', (f) => { f.ipAddr = replaceLine(f.ipAddr, 'inet 10.244.0.1/24 brd 10.244.0.255 scope global cni0' as unknown as RegExp, 'inet 10.244.7.1/24 brd 10.244.7.255 scope global cni0'); }, 'BRIDGE_ADDRESS_CONFLICT', 'case-a', /10\.244\.7\.1\/24, outside the node's pod subnet 10\.244\.0\.0\/24/],
  ['every host-local address is reserved', (f) => { f.cniIpam = `/var/lib/cni/networks/cbr0:\n${Array.from({ length: 253 }, (_, i) => `10.244.0.${i + 2}`).join('\n')}\nlock\n`; }, 'IPAM_EXHAUSTED', 'case-a', /253 addresses reserved .* but only 2 pods run there/],
  ['the node has no podCIDR', (f, s) => { delete s.nodes[0]!.spec!.podCIDR; delete s.nodes[0]!.spec!.podCIDRs; f.flannelSubnetEnv = null; }, 'POD_CIDR_NOT_ASSIGNED', 'waiting-for-cni', /has none/],
  ['bridge-nf-call-iptables is 0', (f) => { f.sysctl = replaceLine(f.sysctl, /bridge-nf-call-iptables = 1/, 'bridge-nf-call-iptables = 0'); }, 'HOST_NETFILTER_SETTINGS', 'case-b', /bridge-nf-call-iptables is 0/],
  ['ip_forward is 0', (f) => { f.sysctl = replaceLine(f.sysctl, /ip_forward = 1/, 'ip_forward = 0'); }, 'HOST_NETFILTER_SETTINGS', 'case-b', /ip_forward is 0/],
  ['br_netfilter is not loaded', (f) => { f.modules = replaceLine(f.modules, /^br_netfilter.*\n/m, ''); f.sysctl = 'net.ipv4.ip_forward = 1\n'; }, 'HOST_NETFILTER_SETTINGS', 'case-b', /br_netfilter module is not loaded/],
  ['flannel.1 is as large as the underlay', (f) => { f.ipAddr = replaceLine(f.ipAddr, /flannel\.1: (<[^>]*>) mtu 1450/, 'flannel.1: $1 mtu 1500'); }, 'MTU_MISMATCH', 'case-b', /flannel\.1 \(MTU 1500\) plus its 50-byte header does not fit enp0s8 \(MTU 1500\)/],
  ['pod veths are larger than the overlay', (f) => { f.ipAddr = replaceLine(f.ipAddr, /(veth3a1f9c2e@if3: <[^>]*>) mtu 1450/, '$1 mtu 1500'); }, 'MTU_MISMATCH', 'case-b', /veth3a1f9c2e has MTU 1500, more than flannel\.1 \(MTU 1450\)/],
  ['iptables-legacy and -nft are mixed', (f) => { f.iptablesSave = `# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n${f.iptablesSave}`; }, 'SERVICE_PROXY_BROKEN', 'case-b', /both iptables-legacy and iptables-nft/],
  ['the kubernetes service has no DNAT', (f) => { f.iptablesSave = replaceLine(f.iptablesSave, /^-A KUBE-SEP-X7YBSJWKXG3HSYLT -p tcp.*\n/m, ''); }, 'SERVICE_PROXY_BROKEN', 'case-b', /has no DNAT rule/],
  // A restore by an iptables of another version lost the mark match (kube-router's image 1.8.7 vs the host's 1.8.8 nf_tables).
  ['KUBE-FIREWALL lost its mark match', (f) => { f.iptablesSave = replaceLine(f.iptablesSave, / -m mark --mark 0x8000\/0x8000 -j DROP/, ' -j DROP'); }, 'SERVICE_PROXY_BROKEN', 'case-b', /DROP rule without its mark match/],
  ['flannel leased a subnet outside its Network', (f) => { f.flannelSubnetEnv = 'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=172.30.4.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n'; }, 'CNI_CONFIG_INVALID', 'waiting-for-cni', /leased 172\.30\.4\.1\/24, outside its configured Network 10\.244\.0\.0\/16/],
  ['systemd set rp_filter on a cilium device', (f) => { f.sysctl = `${f.sysctl ?? ''}net.ipv4.conf.cilium_host.rp_filter = 2\n`; }, 'HOST_NETFILTER_SETTINGS', 'case-b', /rp_filter = 2\) for cilium's interface cilium_host/],
  ['FORWARD drops pod traffic', (f) => { f.iptablesSave = replaceLine(f.iptablesSave, /:FORWARD ACCEPT( \[0:0\]\n:OUTPUT ACCEPT \[0:0\]\n:KUBE-EXTERNAL)/, ':FORWARD DROP$1').replace(/^-A FORWARD -[sd] 10\.244\.0\.0\/16 -j ACCEPT\n/gm, ''); }, 'POD_NETWORK_UNREACHABLE', 'case-b', /FORWARD chain on node-1 drops/],
];

describe('node facts', () => {
  it('the healthy lab dump has no findings', () => {
    expect(diagnose(healthy).findings).toEqual([]);
  });

  it.each(cases)('%s', (_name, change, code, step, explanation) => {
    const diagnosis = diagnose(breakNode1(change));
    expect(diagnosis.findings[0]?.code).toBe(code);
    expect(diagnosis.findings[0]?.explanation).toMatch(explanation);
    expect(diagnosis.containerNetwork).toEqual({ status: 'NG', step });
  });

  describe('a FORWARD chain that drops, judged against the cluster pod CIDR', () => {
    const forwardDrops = (f: NodeFacts, s: ClusterSnapshot) => {
      cases.find(([name]) => name === 'FORWARD drops pod traffic')![1](f, s);
      s.configMaps = s.configMaps.filter((c) => c.metadata?.name !== 'kubeadm-config');
    };
    const codes = (snapshot: ClusterSnapshot) => diagnose(snapshot).findings.map((f) => f.code);

    it('uses the controller-manager\'s --cluster-cidr when kubeadm-config is missing', () => {
      const snapshot = breakNode1((f, s) => {
        forwardDrops(f, s);
        s.pods.push({
          metadata: { namespace: 'kube-system', name: 'kube-controller-manager-master', labels: { component: 'kube-controller-manager' } },
          spec: { nodeName: 'master', containers: [{ name: 'kube-controller-manager', command: ['kube-controller-manager', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16'] }] },
          status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
        });
      });
      expect(codes(snapshot)).toContain('POD_NETWORK_UNREACHABLE');
    });

    it('says nothing when the pod CIDR could only be guessed', () => {
      expect(codes(breakNode1(forwardDrops))).not.toContain('POD_NETWORK_UNREACHABLE');
    });
  });
});
