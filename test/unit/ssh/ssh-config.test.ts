import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { splitConfigLine } from '../../../shared/ssh/ssh-config-line.js';
import { loadSshConfig } from '../../../shared/ssh/ssh-config-file.js';
import { configNamesHost, parseSshConfig, resolveHost, type IncludedFile } from '../../../shared/ssh/ssh-config.js';

const local = { homeDir: '/home/alice', localUser: 'alice' };
const fixtureHome = path.resolve('test/fixtures/ssh/home');

function parse(text: string, includes: Record<string, string> = {}) {
  const readInclude = (pattern: string): IncludedFile[] =>
    Object.entries(includes).filter(([name]) => name === pattern).map(([name, body]) => ({ path: name, text: body }));
  return parseSshConfig(text, 'config', { readInclude });
}

describe('splitConfigLine', () => {
  it.each([
    ['Host a b', ['Host', 'a', 'b']],
    ['  Port=2222', ['Port', '2222']],
    ['Port = 2222', ['Port', '2222']],
    ['IdentityFile "~/my key"', ['IdentityFile', '~/my key']],
    ["IdentityFile '~/my key' # comment", ['IdentityFile', '~/my key']],
    ['# just a comment', []],
    ['', []],
  ])('%j', (line, words) => expect(splitConfigLine(line)).toEqual(words));

  it('rejects an unbalanced quote', () => expect(splitConfigLine('HostName "oops')).toBeUndefined());
});

describe('resolveHost', () => {
  it('takes the first value obtained, like OpenSSH, and collects every IdentityFile', () => {
    const config = parse(`
Host node1
  HostName 10.0.0.1
  User root
  IdentityFile ~/.ssh/node1
Host *
  HostName ignored.example
  User nobody
  Port 2200
  IdentityFile %d/.ssh/%r@%h
`);
    expect(resolveHost(config, 'node1', local)).toEqual({
      alias: 'node1', hostName: '10.0.0.1', user: 'root', port: 2200,
      identityFiles: ['/home/alice/.ssh/node1', '/home/alice/.ssh/root@10.0.0.1'],
    });
  });

  it('matches wildcards, ? and negation, case-insensitively', () => {
    const config = parse('Host web-?? !web-13 *.LAB\n  User ops\n');
    expect(resolveHost(config, 'web-12', local).user).toBe('ops');
    expect(resolveHost(config, 'web-13', local).user).toBeUndefined();
    expect(resolveHost(config, 'web-123', local).user).toBeUndefined();
    expect(resolveHost(config, 'db.lab', local).user).toBe('ops');
  });

  it('expands %h in HostName and parses ProxyJump hops', () => {
    const config = parse('Host n-*\n  HostName %h.nodes.example\n  ProxyJump ops@bastion:2222,[fd00::1]:22,inner\n');
    const settings = resolveHost(config, 'n-1', local);
    expect(settings.hostName).toBe('n-1.nodes.example');
    expect(settings.proxyJump).toEqual([{ user: 'ops', host: 'bastion', port: 2222 }, { host: 'fd00::1', port: 22 }, { host: 'inner' }]);
    expect(resolveHost(parse('Host x\n ProxyJump none\n'), 'x', local).proxyJump).toEqual([]);
  });

  it('reads known hosts files and StrictHostKeyChecking', () => {
    const config = parse('Host *\n UserKnownHostsFile ~/.ssh/a /etc/b\n StrictHostKeyChecking off\n HostKeyAlias lab\n');
    expect(resolveHost(config, 'x', local)).toMatchObject({
      userKnownHostsFiles: ['/home/alice/.ssh/a', '/etc/b'], strictHostKeyChecking: 'no', hostKeyAlias: 'lab',
    });
  });

  it('skips Match blocks, with a note, and never applies them', () => {
    const config = parse('Match exec "rm -rf /"\n  User evil\nHost *\n  User good\n');
    expect(resolveHost(config, 'anything', local).user).toBe('good');
    expect(config.notes.join('\n')).toMatch(/config:1: skipped "Match exec rm -rf \/"/);
  });

  it('scopes an Include inside a Host block to that block', () => {
    const config = parse('Host a\n  Include extra\n  Port 2201\nHost *\n  Port 2299\n', { extra: 'User from-include\n' });
    expect(resolveHost(config, 'a', local)).toMatchObject({ user: 'from-include', port: 2201 });
    expect(resolveHost(config, 'b', local)).toMatchObject({ port: 2299 });
    expect(resolveHost(config, 'b', local).user).toBeUndefined();
  });

  it('rejects a bad port naming the line', () => {
    expect(() => resolveHost(parse('Host *\n  Port http\n'), 'x', local)).toThrow(/config:2: port: "http" is not a TCP port/);
  });
});

describe('configNamesHost', () => {
  const config = parse('Host worker-1 worker-2\n  User root\nHost gpu-*\n  HostName %h.gpu\nHost *\n  User x\n');
  it.each([['worker-1', true], ['gpu-7', true], ['cpu-1', false]])('%s: %s', (name, expected) =>
    expect(configNamesHost(config, name)).toBe(expected));
});

describe('loadSshConfig (files, Include from ~/.ssh, globs)', () => {
  const home = { homeDir: fixtureHome, localUser: 'alice' };
  const config = loadSshConfig(path.join(fixtureHome, '.ssh/config'), { homeDir: fixtureHome, explicit: true });

  it('reads included files in glob order; the first HostName wins', () => {
    expect(resolveHost(config, 'worker-1', home)).toMatchObject({
      hostName: '10.10.0.11', port: 2222, user: 'ubuntu', proxyJump: [{ host: 'bastion' }],
      identityFiles: [`${fixtureHome}/.ssh/key with space`, `${fixtureHome}/.ssh/id_default`],
      userKnownHostsFiles: [`${fixtureHome}/.ssh/lab_known_hosts`, '/etc/lab_known_hosts'],
      strictHostKeyChecking: 'accept-new',
    });
  });

  it('honours negation and the catch-all', () => {
    expect(resolveHost(config, 'worker-9', home)).toMatchObject({ user: 'fallback' });
    expect(resolveHost(config, 'worker-9', home).proxyJump).toBeUndefined();
    expect(resolveHost(config, 'bastion', home)).toMatchObject({ hostName: 'bastion.lab.example', user: 'jumper', port: 2201 });
  });

  it('never runs Match exec', () => {
    expect(fs.existsSync('/tmp/netcheck-match-exec-ran')).toBe(false);
    expect(config.notes.some((note) => note.includes('Match exec'))).toBe(true);
  });

  it('treats a missing default config as empty and a missing named one as an error', () => {
    const missing = path.join(os.tmpdir(), 'netcheck-no-such-config');
    expect(loadSshConfig(missing, { homeDir: fixtureHome, explicit: false }).blocks).toEqual([]);
    expect(() => loadSshConfig(missing, { homeDir: fixtureHome, explicit: true })).toThrow(/could not read SSH config/);
  });
});
