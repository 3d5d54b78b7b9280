import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostileStrings, splitNulTerminated } from '../../fixtures/ssh/hostile-strings.js';
import { describeLab, kubectl, labEnv, useScenario } from '../../support/lab.js';

// kubectl nsenter through the real kubectl, real OpenSSH sshd on the lab nodes,
// real containerd pods. The lab's nodes have no crictl: the PID comes from the /proc scan.

interface LabPod { name: string; namespace: string; node: string; ip: string }

function labPods(env: NodeJS.ProcessEnv): LabPod[] {
  const list = JSON.parse(kubectl(['get', 'pods', '-A', '-o', 'json'], env).stdout) as {
    items: { metadata: { name: string; namespace: string }; spec: { nodeName: string; hostNetwork?: boolean }; status: { podIP: string; phase: string } }[];
  };
  return list.items.filter((p) => !p.spec.hostNetwork && p.status.phase === 'Running')
    .map((p) => ({ name: p.metadata.name, namespace: p.metadata.namespace, node: p.spec.nodeName, ip: p.status.podIP }));
}

function sshNode(node: string, env: NodeJS.ProcessEnv, command: string): string {
  return execFileSync('ssh', ['-F', env.NETCHECK_SSH_CONFIG!, '-o', 'BatchMode=yes', node, command], { encoding: 'utf8' });
}

describeLab('kubectl nsenter in the lab (scenario ready)', () => {
  let env: NodeJS.ProcessEnv;
  let pods: LabPod[];
  let pod: LabPod;
  beforeAll(() => {
    useScenario('ready');
    env = labEnv();
    pods = labPods(env);
    pod = pods[0]!;
  }, 900_000);

  const nsenter = (args: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
    spawnSync('kubectl', ['nsenter', '-n', pod.namespace, pod.name, ...args], {
      env: options.env ?? env, maxBuffer: 128 << 20, timeout: 120_000, ...(options.input !== undefined && { input: Buffer.from(options.input) }),
    });

  it('-- ip addr shows the pod IP the API reports, found through the /proc scan', () => {
    const result = nsenter(['-v', '--', 'ip', 'addr']);
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toContain(`inet ${pod.ip}/`);
    expect(result.stderr.toString()).toContain('/proc/*/cgroup scan');
  }, 60_000);

  it("-- sh -c 'exit 7' exits 7", () => {
    expect(nsenter(['--', 'sh', '-c', 'exit 7']).status).toBe(7);
  }, 60_000);

  it('50 MB on stdout arrive intact', () => {
    const size = 50 * 1024 * 1024;
    const result = nsenter(['--', 'sh', '-c', `yes 0123456789abcdef | head -c ${size}`]);
    expect(result.status).toBe(0);
    const expected = crypto.createHash('sha256').update(Buffer.from('0123456789abcdef\n'.repeat(size / 17 + 1)).subarray(0, size)).digest('hex');
    expect(result.stdout.length).toBe(size);
    expect(crypto.createHash('sha256').update(result.stdout).digest('hex')).toBe(expected);
  }, 120_000);

  it('forwards stdin', () => {
    const result = nsenter(['-i', '--', 'wc', '-c'], { input: 'x'.repeat(100_000) });
    expect(result.stdout.toString().trim()).toBe('100000');
  }, 60_000);

  it('-it runs an interactive shell on a terminal the size of the local one, in the pod\'s network namespace', () => {
    // script(1) gives kubectl a real local terminal (33x91) and types into it like a person would.
    const podNetns = nsenter(['--', 'readlink', '/proc/self/ns/net']).stdout.toString().trim();
    const line = ['stty rows 33 cols 91;', 'kubectl', 'nsenter', '-n', pod.namespace, pod.name, '-it', '--', 'sh'].join(' ');
    const typed = 'tty; stty size; readlink /proc/self/ns/net; echo answer-$((6*7)); exit 5\n';
    const result = spawnSync('script', ['-q', '-e', '-c', line, '/dev/null'], { env, input: typed, encoding: 'utf8', timeout: 60_000 });
    // What a user sees, without depending on byte-exact prompts: each answer ends a line of the terminal
    // (a prompt, an echoed control character or line editing may come before it). Seen in the lab:
    // "exit 5\r\r\n^@# /dev/pts/1". script(1) ends its piped input with an EOF character; typed while the
    // local terminal is still in cooked mode (kubectl has not switched it to raw yet), the line discipline
    // keeps it as a NUL marker that becomes a real NUL byte at the switch, and the remote terminal echoes
    // it as "^@". The harness types it, not the plugin: test/e2e/ssh/node-shell.test.ts checks that our
    // PTY path over a real sshd adds no NUL.
    const lines = result.stdout.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/).map((line) => line.replace(/[\x00-\x1f\x7f]/g, '').trimEnd());
    const endsALine = (pattern: RegExp) => expect(lines.some((line) => pattern.test(line))).toBe(true);
    expect(podNetns).toMatch(/^net:\[\d+\]$/);
    endsALine(/(^|\s)\/dev\/pts\/\d+$/);
    endsALine(/(^|\s)33 91$/);
    endsALine(new RegExp(`(^|\\s)${podNetns.replace(/[[\]]/g, '\\$&')}$`));
    endsALine(/(^|\s)answer-42$/);
    expect(result.status).toBe(5);
  }, 60_000);

  it('--ifaces names the right host veth and bridge for every pod of the lab', () => {
    expect(pods.length).toBeGreaterThanOrEqual(2);
    for (const p of pods) {
      const result = spawnSync('kubectl', ['nsenter', '-n', p.namespace, p.name, '--ifaces', '-o', 'json'], { env, encoding: 'utf8' });
      expect(result.status).toBe(0);
      const map = JSON.parse(result.stdout) as { interfaces: { pod: { name: string; ips: string[] }; host?: { name: string; master?: string } }[] };
      const eth0 = map.interfaces.find((i) => i.pod.name === 'eth0')!;
      expect(eth0.pod.ips.some((ip) => ip.startsWith(`${p.ip}/`))).toBe(true);
      // Independently: the "eth0@ifN" the pod's own ip prints, and the node's view of ifindex N through plain OpenSSH.
      const podLine = spawnSync('kubectl', ['nsenter', '-n', p.namespace, p.name, '--', 'ip', '-o', 'link', 'show', 'eth0'], { env, encoding: 'utf8' }).stdout;
      const iflink = /eth0@if(\d+)/.exec(podLine)?.[1];
      const hostLine = sshNode(p.node, env, `ip -o link show | grep "^${iflink}: "`);
      expect(hostLine).toContain(`${eth0.host!.name}@`);
      expect(hostLine).toContain(`master ${eth0.host!.master}`);
      expect(eth0.host!.master).toBe('cni0');
    }
  }, 300_000);

  it('1,000 hostile arguments arrive byte for byte, with no side effect on the node', () => {
    const canary = `/tmp/netcheck-pwned-${process.pid}`;
    const strings = hostileStrings(1000, canary);
    const result = nsenter(['--', 'printf', '%s\\0', ...strings]);
    expect(result.status).toBe(0);
    expect(splitNulTerminated(result.stdout)).toEqual(strings);
    expect(sshNode(pod.node, env, `ls ${canary} 2>/dev/null || echo absent`).trim()).toBe('absent');
  }, 120_000);

  describe('SSH access', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-ssh-'));
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    function configWith(replace: (text: string) => string): string {
      const file = path.join(work, `config-${crypto.randomUUID()}`);
      fs.writeFileSync(file, replace(fs.readFileSync(env.NETCHECK_SSH_CONFIG!, 'utf8')));
      return file;
    }

    it('refuses a node whose host key changed, naming its SHA256 fingerprint', () => {
      const known = fs.readFileSync(path.join(path.dirname(env.NETCHECK_SSH_CONFIG!), 'known_hosts'), 'utf8');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(work, 'other')]);
      const otherKey = fs.readFileSync(path.join(work, 'other.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
      const forged = known.split('\n').map((line) => (line.includes('ssh-ed25519') ? `${line.split(' ')[0]} ${otherKey}` : line)).join('\n');
      fs.writeFileSync(path.join(work, 'known_hosts'), forged);
      const config = configWith((t) => t.replaceAll(/UserKnownHostsFile .*/g, `UserKnownHostsFile ${path.join(work, 'known_hosts')}`));
      const nodeIp = execFileSync('ssh', ['-F', env.NETCHECK_SSH_CONFIG!, '-G', pod.node], { encoding: 'utf8' }).match(/^hostname (\S+)$/m)![1]!;
      const realLine = known.split('\n').find((line) => line.includes('ssh-ed25519') && line.split(' ')[0]!.split(',').includes(nodeIp))!;
      const realFingerprint = execFileSync('ssh-keygen', ['-lf', '-'], { input: realLine, encoding: 'utf8' }).split(' ')[1];
      const result = nsenter(['--', 'true'], { env: { ...env, NETCHECK_SSH_CONFIG: config } });
      expect(result.status).not.toBe(0);
      expect(result.stderr.toString()).toContain(realFingerprint);
      expect(result.stderr.toString()).toMatch(/changed/i);
    }, 60_000);

    it('logs in with ssh-agent alone (no key flag, no IdentityFile)', async () => {
      const socket = path.join(work, 'agent.sock');
      const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 50 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
        execFileSync('ssh-add', [path.join(path.dirname(env.NETCHECK_SSH_CONFIG!), 'id_ed25519')], { env: { ...env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
        const config = configWith((t) => t.replaceAll(/^\s*(IdentityFile|IdentitiesOnly) .*\n/gm, ''));
        const result = nsenter(['--', 'true'], { env: { ...env, NETCHECK_SSH_CONFIG: config, SSH_AUTH_SOCK: socket, HOME: work } });
        expect(result.stderr.toString()).toBe('');
        expect(result.status).toBe(0);
      } finally {
        agent.kill();
      }
    }, 60_000);

    it('reaches a worker through --ssh-jump via kube-master', () => {
      const worker = pods.find((p) => p.node !== 'kube-master')!;
      const result = spawnSync('kubectl', ['nsenter', '-n', worker.namespace, worker.name, '-v', '--ssh-jump', 'root@kube-master', '--', 'hostname'], { env, encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout.trim()).toBe(worker.node);
      expect(result.stderr).toMatch(/kube-master/);
    }, 60_000);
  });
});
