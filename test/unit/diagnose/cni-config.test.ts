import { loadCniConfigDir, parseBinaryListing, parseCniConfigFile, requiredCniBinaries } from '../../../shared/diagnose/cni-config.js';

const flannelConflist = JSON.stringify({
  name: 'cbr0', cniVersion: '0.3.1',
  plugins: [{ type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } }, { type: 'portmap', capabilities: { portMappings: true } }],
});

describe('parseCniConfigFile', () => {
  it('reads a valid flannel conflist', () => {
    const config = parseCniConfigFile('10-flannel.conflist', flannelConflist);
    expect(config).toMatchObject({ format: 'conflist', name: 'cbr0', cniVersion: '0.3.1', problems: [] });
    expect(config.plugins.map((p) => p.type)).toEqual(['flannel', 'portmap']);
    expect(config.plugins[0]).toMatchObject({ bridge: 'cni0', usesNodePodCidr: true });
    expect(requiredCniBinaries(config)).toEqual(['flannel', 'bridge', 'host-local', 'portmap']);
  });

  it.each([
    ['truncated JSON', '10-bridge.conflist', '{"cniVersion": "0.4.0", "name": "bridge", "plugins": [', /^error parsing configuration list: /],
    ['conflist content in a .conf', '10-flannel.conf', flannelConflist, /^no 'type'; perhaps this is a \.conflist\?/],
    ['.conf content in a .conflist', '10-bridge.conflist', '{"cniVersion":"0.4.0","name":"b","type":"bridge"}', /^error parsing configuration list: no 'plugins' key \(this looks like a single \.conf/],
    ['empty cniVersion', '10-flannel.conflist', flannelConflist.replace('"0.3.1"', '""'), /^cniVersion is empty/],
    ['no cniVersion', '10-flannel.conflist', flannelConflist.replace('"cniVersion":"0.3.1",', ''), /^cniVersion is missing/],
    ['unknown cniVersion', '10-flannel.conflist', flannelConflist.replace('"0.3.1"', '"9.9.9"'), /^unsupported CNI version "9.9.9"/],
    ['plugin without type', '10-x.conflist', '{"cniVersion":"1.0.0","name":"x","plugins":[{"ipam":{}}]}', /^plugins\[0\]: missing 'type'/],
    ['empty plugin list', '10-x.conflist', '{"cniVersion":"1.0.0","name":"x","plugins":[]}', /no plugins in list/],
    ['conf without type', '10-x.conf', '{"cniVersion":"1.0.0","name":"x"}', /missing 'type'/],
  ])('rejects %s', (_name, file, content, problem) => {
    expect(parseCniConfigFile(file, content).problems[0]).toMatch(problem);
  });

  it('reads bridge, mtu and host-local ranges', () => {
    const config = parseCniConfigFile('10-bridge.conf', JSON.stringify({
      cniVersion: '0.4.0', name: 'bridge', type: 'bridge', bridge: 'cbr0', mtu: 1400,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.85.0.0/16' }], [{ subnet: 'usePodCidr' }]] },
    }));
    expect(config.plugins[0]).toEqual({ type: 'bridge', ipamType: 'host-local', bridge: 'cbr0', mtu: 1400, ipamSubnets: ['10.85.0.0/16'], usesNodePodCidr: true });
  });
});

describe('loadCniConfigDir', () => {
  it('uses the first loadable file in name order and ignores other extensions', () => {
    const { all, active } = loadCniConfigDir({ '20-b.conf': '{"cniVersion":"0.4.0","name":"b","type":"bridge"}', '10-a.conflist': '{', 'README': 'x' });
    expect(all.map((c) => c.file)).toEqual(['10-a.conflist', '20-b.conf']);
    expect(active?.file).toBe('20-b.conf');
  });
});

describe('parseBinaryListing', () => {
  it.each([
    ['ls -1', 'bridge\nflannel\nhost-local\n', ['bridge', 'flannel', 'host-local']],
    ['ls -l', 'total 8\n-rwxr-xr-x 1 root root 3990548 Jan  5 10:00 bridge\nlrwxrwxrwx 1 root root 9 Jan 5 10:00 flannel -> /opt/bin/flannel\n', ['bridge', 'flannel']],
    ['ls -F', 'bridge*\nportmap*\n', ['bridge', 'portmap']],
  ])('reads %s output', (_name, listing, names) => expect(parseBinaryListing(listing)).toEqual(names));
});
