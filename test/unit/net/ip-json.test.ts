import { readFileSync } from 'node:fs';
import { PluginError } from '../../../shared/cli/errors.js';
import { ipAddrShowArgv, ipLinkShowArgv, parseIpJson } from '../../../shared/net/ip-json.js';

const ip = (name: string) => readFileSync(new URL(`../../fixtures/ip/${name}`, import.meta.url), 'utf8');

describe('parseIpJson on iproute2 6.1 recordings', () => {
  it('a pod veth: eth0@if5 in netns 0, its MTU, MAC and addresses; lo is kept (callers skip it)', () => {
    const links = parseIpJson(ip('pod-veth-addr.json'), 'pod shop/web');
    expect(links.map((l) => l.ifname)).toEqual(['lo', 'eth0']);
    expect(links[1]).toEqual({
      ifindex: 2, ifname: 'eth0', linkIndex: 5, linkNetnsid: 0, mtu: 1450, address: '22:26:af:a8:48:07', operstate: 'UP',
      flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], kind: 'veth',
      addresses: [
        { family: 'inet', local: '10.244.1.3', prefixlen: 24, scope: 'global' },
        { family: 'inet6', local: 'fe80::2026:afff:fea8:4807', prefixlen: 64, scope: 'link' },
      ],
    });
  });

  it('a macvlan pod: kind macvlan, link_index = the parent on the node', () => {
    const eth0 = parseIpJson(ip('pod-macvlan-addr.json'), 'pod').find((l) => l.ifname === 'eth0');
    expect(eth0).toMatchObject({ ifindex: 7, linkIndex: 2, linkNetnsid: 0, kind: 'macvlan', mtu: 1500 });
  });

  it('the node: bridge, enslaved veths with master and slave kind, vxlan with VNI and underlay', () => {
    const links = parseIpJson(ip('host-bridge-vxlan-links.json'), 'node worker-1');
    const byName = new Map(links.map((l) => [l.ifname, l]));
    expect(byName.get('cni0')).toMatchObject({ ifindex: 4, kind: 'bridge', mtu: 1450 });
    expect(byName.get('veth3f9a21c7')).toMatchObject({
      ifindex: 5, kind: 'veth', master: 'cni0', slaveKind: 'bridge', linkIndex: 2, linkNetnsid: 1, mtu: 1450,
    });
    expect(byName.get('flannel.1')).toMatchObject({ kind: 'vxlan', mtu: 1450, vxlan: { id: 1, device: 'eth0', port: 8472 } });
    expect(byName.get('flannel.1')?.addresses).toEqual([]);
    expect(byName.get('lo')?.kind).toBeUndefined();
  });

  it('addr show and link show of the same namespace agree on links', () => {
    const strip = (links: ReturnType<typeof parseIpJson>) => links.map(({ addresses: _, ...rest }) => rest);
    expect(strip(parseIpJson(ip('host-bridge-vxlan-addr.json'), 'n'))).toEqual(strip(parseIpJson(ip('host-bridge-vxlan-links.json'), 'n')));
  });

  it('IPv4 and IPv6 addresses of the mismatch pod', () => {
    const eth0 = parseIpJson(ip('pod-veth-mtu-mismatch-addr.json'), 'pod').find((l) => l.ifname === 'eth0');
    expect(eth0?.addresses.map((a) => `${a.local}/${a.prefixlen}`)).toEqual(['10.244.1.4/24', 'fd00:10:244:1::4/64', 'fe80::848f:c7ff:fead:e312/64']);
  });

  it('skips {} entries and empty output', () => {
    expect(parseIpJson('[{},{"ifindex":1,"ifname":"lo","mtu":65536,"operstate":"UNKNOWN"}]', 'x').map((l) => l.ifname)).toEqual(['lo']);
    expect(parseIpJson('', 'x')).toEqual([]);
  });

  it('non-JSON (iproute2 without -j) is an error naming where it came from', () => {
    expect(() => parseIpJson('Option "-j" is unknown, try "ip -help".', 'pod shop/web')).toThrow(PluginError);
    expect(() => parseIpJson('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536', 'pod shop/web')).toThrow(/interface list of pod shop\/web \(ip -j\) is not JSON/);
    expect(() => parseIpJson('{"ifindex":1}', 'node n1')).toThrow(/not a JSON array/);
  });

  it('the argv builders', () => {
    expect(ipAddrShowArgv).toEqual(['ip', '-j', '-d', 'addr', 'show']);
    expect(ipLinkShowArgv).toEqual(['ip', '-j', '-d', 'link', 'show']);
  });
});
