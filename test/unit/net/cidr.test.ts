import { cidrContains, cidrsOverlap, cidrSize, formatCidr, hostPortPattern, ipInCidr, parseCidr, parseCidrList, parseIp } from '../../../shared/net/cidr.js';
import { parseIptablesSave, rulesMentioningCidr } from '../../../shared/net/iptables.js';

describe('CIDRs of both families', () => {
  it.each([
    ['10.244.1.7/24', 'ipv4', '10.244.1.0/24'],
    ['fd00:10:244:1::5/64', 'ipv6', 'fd00:10:244:1::/64'],
    ['FD00:10:96::/112', 'ipv6', 'fd00:10:96::/112'],
    ['10.0.0.1', 'ipv4', '10.0.0.1/32'],
    ['::1', 'ipv6', '::1/128'],
    ['::ffff:10.1.2.3/32', 'ipv4', '10.1.2.3/32'],
  ])('%s parses as %s %s', (text, family, formatted) => {
    const cidr = parseCidr(text);
    expect(cidr?.family).toBe(family);
    expect(formatCidr(cidr!)).toBe(formatted);
  });

  it.each(['10.244.0.0/33', 'fd00::/129', '10.244', '10.244.0.0/16/1', 'not-an-ip', '', '10.244.0.0/-1', '10.256.0.0/16'])('%s is not a CIDR', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('a dual-stack list is every range of it; bad entries are left out', () => {
    expect(parseCidrList('10.96.0.0/12, fd00:10:96::/112,bogus').map(formatCidr)).toEqual(['10.96.0.0/12', 'fd00:10:96::/112']);
  });

  it('containment and overlap stay within a family', () => {
    const v6 = parseCidr('fd00:10:244::/56')!;
    expect(cidrContains(v6, parseIp('fd00:10:244:1::5')!)).toBe(true);
    expect(cidrContains(v6, parseIp('fd00:10:245::5')!)).toBe(false);
    expect(cidrContains(parseCidr('0.0.0.0/0')!, parseIp('fd00::1')!)).toBe(false);
    expect(cidrsOverlap(v6, parseCidr('fd00:10:244:1::/64')!)).toBe(true);
    expect(cidrsOverlap(parseCidr('10.0.0.0/8')!, parseCidr('::/0')!)).toBe(false);
    expect(cidrSize(parseCidr('10.244.1.0/24')!)).toBe(256);
    expect(cidrSize(parseCidr('fd00::/64')!)).toBe(2 ** 64);
  });

  it('ipInCidr takes a list', () => {
    expect(ipInCidr('fd00:10:96::a', '10.96.0.0/12,fd00:10:96::/112')).toBe(true);
    expect(ipInCidr('[fd00:10:96::a]', '10.96.0.0/12,fd00:10:96::/112')).toBe(true);
    expect(ipInCidr('10.96.0.10', '10.96.0.0/12,fd00:10:96::/112')).toBe(true);
    expect(ipInCidr('fd00:10:97::a', '10.96.0.0/12,fd00:10:96::/112')).toBe(false);
  });

  it('host:port as Go writes it, both families', () => {
    const re = new RegExp(hostPortPattern);
    expect(re.exec('dial tcp [fd00:10:96::1]:443')?.groups).toMatchObject({ ip: 'fd00:10:96::1', port: '443' });
    expect(re.exec('dial tcp 10.96.0.1:443')?.groups).toMatchObject({ ip: '10.96.0.1', port: '443' });
  });

  it('iptables rules for a dual-stack pod CIDR: the IPv4 range matches IPv4 rules', () => {
    const dump = parseIptablesSave('*filter\n:FORWARD DROP [0:0]\n-A FORWARD -s 10.244.0.0/16 -j ACCEPT\n-A FORWARD -d 10.99.0.0/16 -j ACCEPT\nCOMMIT\n');
    expect(rulesMentioningCidr(dump, '10.244.0.0/16,fd00:10:244::/56', ['FORWARD']).map((r) => r.text)).toEqual(['-A FORWARD -s 10.244.0.0/16 -j ACCEPT']);
    expect(rulesMentioningCidr(dump, 'fd00:10:244::/56', ['FORWARD'])).toEqual([]);
  });
});
