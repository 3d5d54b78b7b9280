import { readFileSync } from 'node:fs';
import { parseIpJson } from '../../../shared/net/ip-json.js';
import { mapPodInterfaces, renderInterfaceMap } from '../../../shared/net/interface-map.js';

const ip = (name: string) => readFileSync(new URL(`../../fixtures/ip/${name}`, import.meta.url), 'utf8');
const hostLinks = ip('host-bridge-vxlan-links.json');

describe('mapPodInterfaces on the recorded namespaces', () => {
  it('a veth pod: peer found by ifindex, its bridge, no mismatch', () => {
    const map = mapPodInterfaces(ip('pod-veth-addr.json'), hostLinks);
    expect(map.interfaces).toEqual([{
      pod: { name: 'eth0', ifindex: 2, peerIfindex: 5, kind: 'veth', ips: ['10.244.1.3/24'], mtu: 1450, mac: '22:26:af:a8:48:07' },
      host: {
        name: 'veth3f9a21c7', ifindex: 5, relation: 'veth-peer', kind: 'veth', peerIfindex: 2, mtu: 1450,
        master: 'cni0', masterKind: 'bridge', masterMtu: 1450,
      },
    }]);
    expect(map.overlays).toEqual([{ name: 'flannel.1', kind: 'vxlan', mtu: 1450, vni: 1, underlay: 'eth0' }]);
  });

  it('the pod at 1500 behind a 1450 veth and vxlan: both mismatches are named', () => {
    const [eth0] = mapPodInterfaces(ip('pod-veth-mtu-mismatch-addr.json'), hostLinks).interfaces;
    expect(eth0?.host?.name).toBe('veth8c0d5e2b');
    expect(eth0?.pod.ips).toEqual(['10.244.1.4/24', 'fd00:10:244:1::4/64']);
    expect(eth0?.mtuMismatch).toBe(
      'pod eth0 mtu 1500 != host veth8c0d5e2b mtu 1450; ' +
      'pod eth0 mtu 1500 > vxlan flannel.1 mtu 1450: packets to other nodes larger than 1450 bytes are dropped or fragmented',
    );
  });

  it('a macvlan pod: the host side is its parent, found by link_index, and no veth check applies', () => {
    const [eth0] = mapPodInterfaces(ip('pod-macvlan-addr.json'), hostLinks).interfaces;
    expect(eth0?.host).toMatchObject({ name: 'eth0', ifindex: 2, relation: 'parent', mtu: 1500 });
    expect(eth0?.mtuMismatch).toBeUndefined();
    expect(eth0?.note).toBeUndefined();
  });

  it('a parent smaller than its macvlan child is a mismatch', () => {
    const host = parseIpJson(hostLinks, 'n').map((l) => (l.ifname === 'eth0' ? { ...l, mtu: 1400 } : l));
    expect(mapPodInterfaces(ip('pod-macvlan-addr.json'), host).interfaces[0]?.mtuMismatch).toBe('pod eth0 mtu 1500 > parent eth0 mtu 1400');
  });

  it('a bridge port whose MTU differs from its bridge is named', () => {
    const host = parseIpJson(hostLinks, 'n').map((l) => (l.ifname === 'cni0' ? { ...l, mtu: 1500 } : l));
    expect(mapPodInterfaces(ip('pod-veth-addr.json'), host).interfaces[0]?.mtuMismatch).toBe('host veth3f9a21c7 mtu 1450 != bridge cni0 mtu 1500');
  });

  it('no host link with the peer ifindex: no host side, and a note instead of a wrong match', () => {
    const host = parseIpJson(hostLinks, 'n').filter((l) => l.ifindex !== 5);
    const [eth0] = mapPodInterfaces(ip('pod-veth-addr.json'), host).interfaces;
    expect(eth0?.host).toBeUndefined();
    expect(eth0?.note).toBe('no host interface has ifindex 5; the peer may live in another namespace than the node\'s');
  });

  it('ifindexes are per namespace: a host veth whose own peer is another ifindex is flagged', () => {
    // Pretend the pod's eth0 were ifindex 9: host ifindex 5 (peer @if2) cannot be its other end.
    const pod = parseIpJson(ip('pod-veth-addr.json'), 'p').map((l) => (l.ifname === 'eth0' ? { ...l, ifindex: 9 } : l));
    expect(mapPodInterfaces(pod, hostLinks).interfaces[0]?.note).toMatch(/^host ifindex 5 is veth3f9a21c7 \(veth, peer @if2\), not the other end of eth0/);
  });

  it('skips lo, and accepts parsed links as well as raw stdout', () => {
    const parsed = mapPodInterfaces(parseIpJson(ip('pod-veth-addr.json'), 'p'), parseIpJson(hostLinks, 'n'));
    expect(parsed).toEqual(mapPodInterfaces(ip('pod-veth-addr.json'), hostLinks));
    expect(parsed.interfaces.map((m) => m.pod.name)).toEqual(['eth0']);
  });
});

describe('renderInterfaceMap', () => {
  it('one line per interface, the overlay last', () => {
    expect(renderInterfaceMap(mapPodInterfaces(ip('pod-veth-addr.json'), hostLinks))).toBe(
      'eth0@if5 10.244.1.3/24 mtu 1450 <-> veth3f9a21c7@if2 mtu 1450 -> bridge cni0 mtu 1450\n' +
      'node overlay: vxlan flannel.1 id 1 mtu 1450 on eth0',
    );
  });

  it('mismatches and macvlan parents', () => {
    expect(renderInterfaceMap(mapPodInterfaces(ip('pod-veth-mtu-mismatch-addr.json'), hostLinks)).split('\n').slice(0, 2)).toEqual([
      'eth0@if6 10.244.1.4/24,fd00:10:244:1::4/64 mtu 1500 <-> veth8c0d5e2b@if2 mtu 1450 -> bridge cni0 mtu 1450',
      '    MTU MISMATCH: pod eth0 mtu 1500 != host veth8c0d5e2b mtu 1450; pod eth0 mtu 1500 > vxlan flannel.1 mtu 1450: ' +
      'packets to other nodes larger than 1450 bytes are dropped or fragmented',
    ]);
    expect(renderInterfaceMap(mapPodInterfaces(ip('pod-macvlan-addr.json'), hostLinks)).split('\n')[0])
      .toBe('eth0@if2 192.168.56.201/24 mtu 1500 -> macvlan of eth0 mtu 1500');
  });

  it('the map is plain data: it survives a JSON round trip unchanged', () => {
    const map = mapPodInterfaces(ip('pod-veth-mtu-mismatch-addr.json'), hostLinks);
    expect(JSON.parse(JSON.stringify(map))).toEqual(map);
  });
});
