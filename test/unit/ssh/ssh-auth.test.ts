import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { authFailure, planAuth } from '../../../shared/ssh/ssh-auth.js';
import type { SshEndpoint } from '../../../shared/ssh/ssh-endpoint.js';
import { silentLog } from '../../../shared/ssh/ssh-log.js';

// Real keys from ssh-keygen: one plain, one protected by a passphrase.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-auth-'));
const sshDir = path.join(home, '.ssh');
fs.mkdirSync(sshDir);
const keygen = (file: string, passphrase: string): void => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', path.join(sshDir, file)]);
};
keygen('id_ed25519', '');
keygen('locked', 'secret');
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const endpoint = (overrides: Partial<SshEndpoint> = {}): SshEndpoint => ({
  label: 'node w1', host: '10.0.0.1', port: 22, user: 'root', explicitKeys: [], configKeys: [], hostKeyName: '10.0.0.1', hostKeyPort: 22,
  knownHostsFiles: [], strictHostKeyChecking: 'yes', connectTimeoutMs: 1000, ...overrides,
});
const parseKey = ssh2.utils.parseKey;

describe('planAuth', () => {
  it('tries the agent first, then the default keys that exist', () => {
    const plan = planAuth(endpoint({ agentSocket: '/run/agent' }), home, parseKey, silentLog);
    expect(plan.tried).toEqual(['ssh-agent (/run/agent)', `key ${sshDir}/id_ed25519`]);
    expect(plan.methods.map((method) => method.type)).toEqual(['agent', 'publickey']);
  });

  it('uses only named keys when there are any, and explains the ones it cannot use', () => {
    const locked = path.join(sshDir, 'locked');
    const plan = planAuth(endpoint({ configKeys: [locked, path.join(sshDir, 'gone')] }), home, parseKey, silentLog);
    expect(plan.methods).toEqual([]);
    expect(plan.skipped).toEqual([`${locked}: it is encrypted (add it to ssh-agent with ssh-add)`, `${sshDir}/gone: no such file`]);
    expect(authFailure(endpoint(), plan, undefined).message)
      .toBe(`node w1 (10.0.0.1:22) refused SSH login as "root" (tried nothing: no ssh-agent and no usable key file; skipped ${plan.skipped.join('; ')})`);
  });

  it('refuses a --ssh-key that does not exist', () => {
    expect(() => planAuth(endpoint({ explicitKeys: ['/nope/key'] }), home, parseKey, silentLog)).toThrow('SSH key /nope/key (from --ssh-key) does not exist');
  });
});
