import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { NodeShellPool } from '../../../shared/ssh/node-shell-pool.js';
import { PluginError } from '../../../shared/cli/errors.js';
import { hostileStrings, splitNulTerminated } from '../../fixtures/ssh/hostile-strings.js';
import { labNode, labPool } from './lab-pool.js';
import { run, SshdLab, sshE2e, sshE2eTimeoutMs, type Sshd } from './sshd-lab.js';

const { describeLab, slowIt } = sshE2e('sudo');

/**
 * A non-root SSH user, the way many kubeadm hosts are reached: commands that
 * need root go through `sudo -n --`. Two real accounts on the host (the sshd
 * runs in a network namespace but shares /etc): one with passwordless sudo,
 * one sudo would ask for a password. Both are removed afterwards.
 */
const sudoReady = fs.existsSync('/usr/bin/sudo') && fs.existsSync('/usr/sbin/useradd');
const describeSudo = sudoReady ? describeLab : describe.skip;
if (!sudoReady) it.skip('sudo e2e skipped: needs sudo and useradd (apt-get install sudo passwd)', () => undefined);

const suffix = String(process.pid % 100000);
const sudoer = `ncsudo${suffix}`;
const noSudo = `ncnopw${suffix}`;
const sudoersFile = `/etc/sudoers.d/netcheck-e2e-${suffix}`;

function addUser(name: string): number {
  run('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', name]);
  // useradd leaves the password locked ("!"), and sshd refuses locked accounts even for keys: "*" is unusable but not locked.
  run('usermod', ['--password', '*', name]);
  return Number(run('id', ['-u', name]).trim());
}

function removeUser(name: string): void {
  try {
    execFileSync('userdel', [name], { stdio: 'ignore' });
  } catch { /* never made */ }
}

describeSudo('a non-root SSH user with sudo, against a real sshd and sudo', () => {
  let lab: SshdLab;
  let sudoerUid: number;
  let sshd: Sshd;
  const pools: NodeShellPool[] = [];
  const shellAs = async (user: string) => {
    const knownHosts = lab.knownHosts(`known_hosts_${user}`, [lab.knownHostsLine(sshd)]);
    const pool = labPool(lab, { knownHosts, flags: { sshKey: lab.clientKey.privateFile, sshPort: '2222', sshUser: user } });
    pools.push(pool);
    return pool.shell(labNode('node-a', lab.nodeAddress));
  };

  beforeAll(async () => {
    sudoerUid = addUser(sudoer);
    addUser(noSudo);
    fs.writeFileSync(sudoersFile, `${sudoer} ALL=(ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    lab = new SshdLab(2);
    lab.start();
    // sshd reads authorized_keys as the logging-in user: let the unprivileged accounts through the 0700 temp dir.
    fs.chmodSync(lab.dir, 0o755);
    fs.chmodSync(path.join(lab.dir, 'authorized_keys'), 0o644);
    sshd = await lab.startSshd('node', `${lab.nodeAddress}:2222`);
  }, sshE2eTimeoutMs);

  afterAll(async () => {
    for (const pool of pools) await pool.closeAll();
    await lab?.stop();
    fs.rmSync(sudoersFile, { force: true });
    removeUser(sudoer);
    removeUser(noSudo);
  }, sshE2eTimeoutMs);

  slowIt('logs in as the user and runs root commands through sudo -n', async () => {
    const shell = await shellAs(sudoer);
    expect(shell.user).toBe(sudoer);
    expect(await shell.run(['id', '-u'])).toBe(`${sudoerUid}\n`);
    expect(await shell.run(['id', '-u'], { sudo: true })).toBe('0\n');
    // Reads that need root on a real node: the root namespace's iptables rules.
    expect(await shell.run(['iptables-save', '-t', 'filter'], { sudo: true })).toContain('*filter');
  });

  slowIt('passes hostile arguments through sudo byte-for-byte', async () => {
    const shell = await shellAs(sudoer);
    const canary = `/tmp/pwned-sudo-${process.pid}-${Date.now()}`;
    const strings = hostileStrings(300, canary);
    for (let start = 0; start < strings.length; start += 100) {
      const batch = strings.slice(start, start + 100);
      const result = await shell.exec(['printf', '%s\\0', ...batch], { sudo: true });
      expect(result.code).toBe(0);
      expect(splitNulTerminated(result.stdout!)).toEqual(batch);
    }
    expect(fs.existsSync(canary)).toBe(false);
  });

  slowIt('names the fix when sudo would ask for a password', async () => {
    const shell = await shellAs(noSudo);
    expect(await shell.run(['id', '-un'])).toBe(`${noSudo}\n`);
    const failure = shell.run(['id', '-u'], { sudo: true });
    await expect(failure).rejects.toBeInstanceOf(PluginError);
    await expect(failure).rejects.toThrow(`sudo on node node-a asks user "${noSudo}" for a password`);
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining(`${noSudo} ALL=(ALL) NOPASSWD: ALL`) });
  });
});
