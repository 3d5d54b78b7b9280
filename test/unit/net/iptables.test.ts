import { readFileSync } from 'node:fs';
import { chainOwner, findChain, parseIptablesSave, rulesMentioningCidr, summarizeByOwner, tokenize } from '../../../shared/net/iptables.js';
import { traceService } from '../../../shared/net/iptables-trace.js';

// Hand-made kube-proxy v1.20 / flannel v0.13 rules (see the header of the fixture).
const healthy = readFileSync(new URL('../../fixtures/dumps/healthy-flannel/nodes/node-1/iptables-save.txt', import.meta.url), 'utf8');
const withoutLines = (pattern: RegExp) => healthy.split('\n').filter((line) => !pattern.test(line)).join('\n');

describe('parseIptablesSave', () => {
  const dump = parseIptablesSave(healthy);

  it('reads tables, chains, policies and rules', () => {
    expect(findChain(dump, 'filter', 'FORWARD')?.policy).toBe('ACCEPT');
    expect(findChain(dump, 'nat', 'KUBE-SERVICES')?.rules).toHaveLength(9);
    const dnat = findChain(dump, 'nat', 'KUBE-SEP-X7YBSJWKXG3HSYLT')?.rules[1];
    expect(dnat).toMatchObject({ table: 'nat', target: 'DNAT', comment: 'default/kubernetes:https' });
    expect(dump.warnings).toEqual([]);
  });

  it('keeps quoted comments whole', () => {
    expect(tokenize('-A X -m comment --comment "a b:c" -j Y')).toEqual(['-A', 'X', '-m', 'comment', '--comment', 'a b:c', '-j', 'Y']);
  });

  it.each([
    ['KUBE-FIREWALL', 'kubelet'], ['KUBE-MARK-MASQ', 'kubelet'], ['KUBE-KUBELET-CANARY', 'kubelet'],
    ['KUBE-SERVICES', 'kube-proxy'], ['KUBE-SVC-NPX46M4PTMTKRN6Y', 'kube-proxy'], ['KUBE-SEP-X7YBSJWKXG3HSYLT', 'kube-proxy'],
    ['KUBE-POSTROUTING', 'kube-proxy'], ['KUBE-PROXY-CANARY', 'kube-proxy'], ['FLANNEL-FWD', 'flannel'], ['cali-FORWARD', 'calico'],
    ['WEAVE-NPC', 'weave'], ['CILIUM_FORWARD', 'cilium'], ['ISTIO_OUTPUT', 'istio'], ['FORWARD', 'builtin'], ['MY-CHAIN', 'unknown'],
  ])('%s was added by %s', (chain, owner) => expect(chainOwner(chain)).toBe(owner));

  it('groups chains and counts rules by owner', () => {
    const byOwner = Object.fromEntries(summarizeByOwner(dump).map((s) => [s.owner, s]));
    expect(byOwner['kubelet']?.rules).toBe(4);
    expect(byOwner['kube-proxy']?.chains).toContain('nat/KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(byOwner['builtin']?.rules).toBe(15);
  });

  it('finds the FORWARD and POSTROUTING rules about the pod CIDR', () => {
    const rules = rulesMentioningCidr(dump, '10.244.0.0/16');
    expect(rules.map((r) => `${r.chain} ${r.target}`)).toEqual([
      'FORWARD ACCEPT', 'FORWARD ACCEPT',
      'POSTROUTING RETURN', 'POSTROUTING MASQUERADE', 'POSTROUTING RETURN', 'POSTROUTING MASQUERADE',
    ]);
  });

  it('collects the nft-vs-legacy warning', () => {
    const mixed = parseIptablesSave(`# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n${healthy}`);
    expect(mixed.warnings).toEqual(['# Warning: iptables-legacy tables present, use iptables-legacy-save to see them']);
  });
});

describe('traceService', () => {
  it('follows KUBE-SERVICES -> KUBE-SVC -> KUBE-SEP -> DNAT', () => {
    const trace = traceService(parseIptablesSave(healthy), 'kube-system/kube-dns');
    expect(trace.complete).toBe(true);
    expect(trace.missing).toEqual([]);
    expect(trace.ports.map((p) => p.portName)).toEqual(['kube-system/kube-dns:dns', 'kube-system/kube-dns:dns-tcp', 'kube-system/kube-dns:metrics']);
    expect(trace.ports[0]).toEqual({
      portName: 'kube-system/kube-dns:dns', clusterIp: '10.96.0.10', serviceChain: 'KUBE-SVC-TCOU7JCQXEZGVUNU',
      endpoints: [{ chain: 'KUBE-SEP-YIL6JZP7A3QYXJU2', dnatTo: '10.244.0.2:53' }, { chain: 'KUBE-SEP-6E7XQMQ4RAYOWTTM', dnatTo: '10.244.0.3:53' }],
    });
  });

  it('says when kube-proxy has not programmed the node', () => {
    const trace = traceService(parseIptablesSave(withoutLines(/KUBE-SERVICES|KUBE-SVC|KUBE-SEP/)), 'default/kubernetes');
    expect(trace).toMatchObject({ complete: false, missing: ['nat table has no KUBE-SERVICES chain: kube-proxy has not programmed this node'] });
  });

  it('names an endpoint chain without DNAT', () => {
    const trace = traceService(parseIptablesSave(withoutLines(/-A KUBE-SEP-X7YBSJWKXG3HSYLT -p tcp/)), 'default/kubernetes');
    expect(trace.missing).toEqual(['default/kubernetes:https: KUBE-SEP-X7YBSJWKXG3HSYLT has no DNAT rule']);
  });

  it('reports a service without endpoints (kube-proxy 1.20 REJECT rule in filter)', () => {
    const noEndpoints = withoutLines(/kube-dns/).replace('-A KUBE-FIREWALL -m comment',
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns has no endpoints" -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable\n-A KUBE-FIREWALL -m comment');
    const trace = traceService(parseIptablesSave(noEndpoints), 'kube-system/kube-dns');
    expect(trace.complete).toBe(false);
    expect(trace.missing).toEqual(['kube-system/kube-dns:dns has no endpoints: kube-proxy rejects its traffic (filter/KUBE-SERVICES)']);
  });

  it('says when a service is not there at all', () => {
    expect(traceService(parseIptablesSave(healthy), 'shop/web').missing).toEqual(['KUBE-SERVICES has no rule for shop/web']);
  });
});
