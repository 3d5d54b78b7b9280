import fs from 'node:fs';
import path from 'node:path';
import { PluginError } from '../../../shared/cli/errors.js';
import { checkHostKey, readKnownHosts } from '../../../shared/ssh/host-key-check.js';
import type { SshEndpoint } from '../../../shared/ssh/ssh-endpoint.js';
import type { SshLog } from '../../../shared/ssh/ssh-log.js';

const fixtures = path.resolve('test/fixtures/ssh');
const blob = (name: string): Buffer => Buffer.from(fs.readFileSync(path.join(fixtures, `${name}.pub`), 'utf8').split(' ')[1]!, 'base64');
const fingerprint = (name: string): string =>
  fs.readFileSync(path.join(fixtures, 'fingerprints.txt'), 'utf8').split('\n').find((line) => line.includes(` ${name} `))!.split(' ')[1]!;

const knownHosts = readKnownHosts([path.join(fixtures, 'known_hosts.hashed'), path.join(fixtures, 'no-such-file')]);
const endpoint = (host: string, port = 22, strict: SshEndpoint['strictHostKeyChecking'] = 'yes'): SshEndpoint => ({
  label: 'node worker-1', host, port, user: 'root', explicitKeys: [], configKeys: [], hostKeyName: host, hostKeyPort: port,
  knownHostsFiles: ['/home/alice/.ssh/known_hosts'], strictHostKeyChecking: strict, connectTimeoutMs: 1000,
});

function recordingLog(): SshLog & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, warn: (text) => warnings.push(text), debug: () => undefined };
}

describe('checkHostKey', () => {
  it('accepts the known key silently', () => {
    const log = recordingLog();
    expect(checkHostKey(endpoint('10.0.0.1'), knownHosts, false, log).accept(blob('node1-ed25519'))).toBe(true);
    expect(log.warnings).toEqual([]);
  });

  it('refuses an unknown key, naming host, type and fingerprint, and how to add it', () => {
    const check = checkHostKey(endpoint('10.9.9.9', 2222), knownHosts, false, recordingLog());
    expect(check.accept(blob('node1-ed25519'))).toBe(false);
    expect(check.refusal).toBeInstanceOf(PluginError);
    expect(check.refusal?.message).toContain('node worker-1 (10.9.9.9:2222)');
    expect(check.refusal?.message).toContain(`ssh-ed25519 key ${fingerprint('node1-ed25519')}`);
    expect(check.refusal?.hint).toContain('ssh-keyscan -p 2222 -t ed25519 10.9.9.9 >> /home/alice/.ssh/known_hosts');
    expect(check.refusal?.hint).toContain('--insecure-skip-host-key-check');
  });

  it('refuses a changed key, pointing at the old line and ssh-keygen -R', () => {
    const check = checkHostKey(endpoint('node1.example.com'), knownHosts, false, recordingLog());
    expect(check.accept(blob('changed-ed25519'))).toBe(false);
    expect(check.refusal?.message).toMatch(/HOST KEY CHANGED/);
    expect(check.refusal?.message).toContain(fingerprint('changed-ed25519'));
    expect(check.refusal?.message).toContain('known_hosts.hashed:2');
    expect(check.refusal?.hint).toContain(`ssh-keygen -R 'node1.example.com' -f ${path.join(fixtures, 'known_hosts.hashed')}`);
  });

  it('refuses a revoked key', () => {
    const check = checkHostKey(endpoint('10.0.0.1'), knownHosts, false, recordingLog());
    expect(check.accept(blob('revoked-ed25519'))).toBe(false);
    expect(check.refusal?.message).toMatch(/revoked/);
  });

  it('accepts an unknown key with a warning under StrictHostKeyChecking accept-new, never a changed one', () => {
    const log = recordingLog();
    expect(checkHostKey(endpoint('10.9.9.9', 22, 'accept-new'), knownHosts, false, log).accept(blob('node1-ed25519'))).toBe(true);
    expect(log.warnings.join()).toMatch(/not in known_hosts; accepted because the ssh config says StrictHostKeyChecking accept-new/);
    expect(checkHostKey(endpoint('node1.example.com', 22, 'no'), knownHosts, false, log).accept(blob('changed-ed25519'))).toBe(false);
  });

  it('skips the check only when asked, and says so with the fingerprint', () => {
    const log = recordingLog();
    expect(checkHostKey(endpoint('node1.example.com'), knownHosts, true, log).accept(blob('changed-ed25519'))).toBe(true);
    expect(log.warnings.join()).toContain(`--insecure-skip-host-key-check; it presented ssh-ed25519 key ${fingerprint('changed-ed25519')}`);
  });
});
