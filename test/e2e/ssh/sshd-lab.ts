import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A throwaway "node" for the SSH e2e tests: a network namespace joined to
 * the root namespace by a veth pair on a private /30, real OpenSSH sshd
 * daemons inside it, and generated host and client keys. Nothing leaves the
 * namespaces the lab creates, and stop() removes all of it.
 */
export const sshdPath = '/usr/sbin/sshd';

/** Why the lab cannot run here, or undefined when it can. */
export function whyLabCannotRun(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces, sshd)';
  if (!fs.existsSync(sshdPath)) return `needs OpenSSH server at ${sshdPath} (apt-get install openssh-server)`;
  for (const tool of ['ip', 'ssh-keygen', 'ssh-agent', 'ssh-add']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `needs ${tool} on the PATH`;
    }
  }
  return undefined;
}

export function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
}

export function newKey(file: string, type = 'ed25519'): { privateFile: string; publicLine: string; fingerprint: string } {
  run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', path.basename(file), '-f', file]);
  const fingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).split(' ')[1]!;
  return { privateFile: file, publicLine: fs.readFileSync(`${file}.pub`, 'utf8').trim(), fingerprint };
}

export interface Sshd {
  name: string;
  listen: string;
  hostKey: ReturnType<typeof newKey>;
  process: ChildProcess;
}

export class SshdLab {
  readonly dir: string;
  readonly namespace: string;
  /** The root namespace's end of the veth pair, and the node's end (where sshd listens). */
  readonly hostAddress: string;
  readonly nodeAddress: string;
  readonly clientKey: ReturnType<typeof newKey>;
  private readonly vethHost: string;
  private readonly daemons: Sshd[] = [];
  private readonly children: ChildProcess[] = [];

  /** `subnet` picks one /30 of 10.203.0.0/24, so test files running in parallel do not collide. */
  constructor(subnet: number) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-ssh-e2e-'));
    this.namespace = `ncssh-${process.pid}-${subnet}`;
    this.vethHost = `ncs${process.pid % 100000}h${subnet}`;
    this.hostAddress = `10.203.0.${subnet * 4 + 1}`;
    this.nodeAddress = `10.203.0.${subnet * 4 + 2}`;
    this.clientKey = newKey(path.join(this.dir, 'client_key'));
  }

  start(): void {
    const vethNode = `${this.vethHost.slice(0, -2)}n${this.vethHost.slice(-1)}`;
    run('ip', ['netns', 'add', this.namespace]);
    run('ip', ['link', 'add', this.vethHost, 'type', 'veth', 'peer', 'name', vethNode]);
    run('ip', ['link', 'set', vethNode, 'netns', this.namespace]);
    run('ip', ['addr', 'add', `${this.hostAddress}/30`, 'dev', this.vethHost]);
    run('ip', ['link', 'set', this.vethHost, 'up']);
    this.inNamespace(['ip', 'addr', 'add', `${this.nodeAddress}/30`, 'dev', vethNode]);
    this.inNamespace(['ip', 'link', 'set', vethNode, 'up']);
    this.inNamespace(['ip', 'link', 'set', 'lo', 'up']);
    fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation directory
    this.authorize(this.clientKey.publicLine);
  }

  inNamespace(argv: string[]): string {
    return run('ip', ['netns', 'exec', this.namespace, ...argv]);
  }

  authorize(publicLine: string): void {
    fs.appendFileSync(path.join(this.dir, 'authorized_keys'), `${publicLine}\n`);
  }

  /** Starts a real sshd inside the namespace; resolves once it listens. */
  async startSshd(name: string, listen: string): Promise<Sshd> {
    const hostKey = newKey(path.join(this.dir, `${name}_host_ed25519`));
    const config = path.join(this.dir, `${name}_sshd_config`);
    fs.writeFileSync(config, [
      `ListenAddress ${listen}`, `HostKey ${hostKey.privateFile}`, `PidFile ${path.join(this.dir, `${name}.pid`)}`,
      `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`, 'StrictModes no', 'UsePAM no', 'PermitRootLogin yes',
      'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'AllowTcpForwarding yes', 'LogLevel VERBOSE',
      'MaxStartups 100', 'MaxSessions 100', '',
    ].join('\n'));
    const child = spawn('ip', ['netns', 'exec', this.namespace, sshdPath, '-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.children.push(child);
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd ${name} did not start:\n${log}`)), 10_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Server listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => reject(new Error(`sshd ${name} exited with ${code}:\n${log}`)));
    });
    child.stderr!.resume();
    const sshd = { name, listen, hostKey, process: child };
    this.daemons.push(sshd);
    return sshd;
  }

  /** A real ssh-agent holding one key; returns its socket. */
  async startAgent(keyFile: string): Promise<string> {
    const socket = path.join(this.dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    this.children.push(agent);
    for (let waited = 0; !fs.existsSync(socket); waited += 50) {
      if (waited > 5000) throw new Error('ssh-agent did not create its socket');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    run('ssh-add', ['-q', keyFile], { env: { SSH_AUTH_SOCK: socket } });
    return socket;
  }

  /** A known_hosts file with these lines, written into the lab directory. */
  knownHosts(name: string, lines: string[], hashed = false): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, lines.map((line) => `${line}\n`).join(''));
    if (hashed) {
      run('ssh-keygen', ['-q', '-H', '-f', file]);
      fs.rmSync(`${file}.old`, { force: true });
    }
    return file;
  }

  /** The known_hosts line for a daemon, as it listens (`[addr]:port`). */
  knownHostsLine(sshd: Sshd, key = sshd.hostKey.publicLine): string {
    const [address, port] = [sshd.listen.slice(0, sshd.listen.lastIndexOf(':')), sshd.listen.slice(sshd.listen.lastIndexOf(':') + 1)];
    return `[${address}]:${port} ${key.split(' ').slice(0, 2).join(' ')}`;
  }

  async stop(): Promise<void> {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) {
        let timer: NodeJS.Timeout | undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => { timer = setTimeout(resolve, 2000); })]);
        clearTimeout(timer);
      }
    }
    try {
      run('ip', ['netns', 'del', this.namespace]); // takes the veth pair with it
    } catch { /* never created */ }
    try {
      run('ip', ['link', 'del', this.vethHost]);
    } catch { /* already gone with the namespace */ }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * describe() for an SSH e2e file, skipped with the reason when sshd or root is missing,
 * and it() with a timeout for real daemons and 50 MB transfers.
 */
export const sshE2eTimeoutMs = 60_000;

export function sshE2e(file: string): { describeLab: jest.Describe; slowIt: (name: string, test: () => Promise<void>) => void } {
  const reason = whyLabCannotRun();
  if (reason) {
    process.stderr.write(`skipping the SSH e2e tests (${file}): ${reason}\n`);
    it.skip(`SSH e2e (${file}) skipped: ${reason}`, () => undefined);
  }
  return { describeLab: reason ? describe.skip : describe, slowIt: (name, test) => it(name, test, sshE2eTimeoutMs) };
}
