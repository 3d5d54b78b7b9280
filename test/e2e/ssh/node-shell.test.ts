import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { NodeShell } from '../../../shared/ssh/node-shell.js';
import { RemoteCommandError } from '../../../shared/ssh/node-shell.js';
import type { NodeShellPool } from '../../../shared/ssh/node-shell-pool.js';
import { hostileStrings, splitNulTerminated } from '../../fixtures/ssh/hostile-strings.js';
import { labNode, labPool } from './lab-pool.js';
import { SshdLab, sshE2e, sshE2eTimeoutMs } from './sshd-lab.js';

const { describeLab, slowIt } = sshE2e('node-shell');

/** A deliberately slow sink: small buffer, asynchronous writes, so backpressure really happens. */
function hashingSink(): { sink: Writable; digest: () => string; bytes: () => number } {
  const hash = createHash('sha256');
  let bytes = 0;
  const sink = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      setImmediate(done);
    },
  });
  return { sink, digest: () => hash.digest('hex'), bytes: () => bytes };
}

describeLab('NodeShell against a real sshd in a network namespace', () => {
  let lab: SshdLab; // made in beforeAll: describe.skip still runs this body
  let pool: NodeShellPool;
  let shell: NodeShell;

  beforeAll(async () => {
    lab = new SshdLab(0);
    lab.start();
    const sshd = await lab.startSshd('node', `${lab.nodeAddress}:2222`);
    const knownHosts = lab.knownHosts('known_hosts', [lab.knownHostsLine(sshd)], true);
    pool = labPool(lab, { knownHosts, flags: { sshKey: lab.clientKey.privateFile, sshPort: '2222' } });
    shell = await pool.shell(labNode('node-a', lab.nodeAddress));
  }, sshE2eTimeoutMs);

  afterAll(async () => {
    await pool?.closeAll();
    await lab?.stop();
  }, sshE2eTimeoutMs);

  slowIt('runs a command on the node (inside its namespace) and reuses the connection', async () => {
    expect(await shell.run(['ip', '-o', '-4', 'addr', 'show'])).toContain(`inet ${lab.nodeAddress}/30`);
    expect(await pool.shell(labNode('node-a', lab.nodeAddress))).toBe(shell);
    expect([shell.node, shell.address, shell.port, shell.user]).toEqual(['node-a', lab.nodeAddress, 2222, 'root']);
    expect(await shell.run(['id', '-u'], { sudo: true })).toBe('0\n'); // root needs no sudo (none is installed here)
  });

  slowIt('propagates the exit status, and run() names node, command and last stderr line', async () => {
    expect((await shell.exec(['sh', '-c', 'exit 7'])).code).toBe(7);
    const failure = shell.run(['sh', '-c', 'echo first >&2; echo "it broke" >&2; exit 3']);
    await expect(failure).rejects.toBeInstanceOf(RemoteCommandError);
    await expect(failure).rejects.toThrow(/^command sh -c .* failed on node node-a \(10\.203\.0\.2:2222\): exit status 3: it broke$/);
    await expect(shell.run(['no-such-command-xyz'])).rejects.toMatchObject({ exitStatus: 127, hint: expect.stringMatching(/not to be installed/) });
  });

  slowIt('reports death by signal', async () => {
    const result = await shell.exec(['sh', '-c', 'kill -TERM $$']);
    expect(result).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  slowIt('streams 50 MB of stdout intact through a slow sink', async () => {
    const file = path.join(lab.dir, 'blob');
    fs.writeFileSync(file, randomBytes(50 * 1024 * 1024));
    const expected = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    const { sink, digest, bytes } = hashingSink();
    const result = await shell.exec(['cat', file], { stdout: sink });
    expect(result.code).toBe(0);
    expect(result.stdout).toBeUndefined();
    expect(bytes()).toBe(50 * 1024 * 1024);
    expect(digest()).toBe(expected);
    fs.rmSync(file);
  });

  slowIt('captures stdout and stderr separately when no stream is given', async () => {
    const result = await shell.exec(['sh', '-c', 'printf out; printf err >&2']);
    expect([result.stdout?.toString(), result.stderr?.toString(), result.stderrTail]).toEqual(['out', 'err', 'err']);
  });

  slowIt('forwards stdin from a Buffer and from a stream', async () => {
    const input = randomBytes(5 * 1024 * 1024);
    const expected = createHash('sha256').update(input).digest('hex');
    expect((await shell.run(['sha256sum'], { stdin: input })).split(' ')[0]).toBe(expected);
    const chunks = Array.from({ length: 80 }, (_, i) => input.subarray(i * 65536, (i + 1) * 65536));
    expect((await shell.run(['sha256sum'], { stdin: Readable.from(chunks) })).split(' ')[0]).toBe(expected);
    expect(await shell.run(['cat'])).toBe(''); // no stdin: EOF at once, no hang
  });

  slowIt('copes with a command that stops reading its stdin early', async () => {
    const endless = Readable.from((function* () {
      for (let i = 0; i < 2000; i++) yield Buffer.alloc(64 * 1024, 'x');
    })());
    const result = await shell.exec(['head', '-c', '10'], { stdin: endless });
    expect([result.code, result.stdout?.toString()]).toEqual([0, 'xxxxxxxxxx']);
  });

  slowIt('ends the input when the local stdin stream fails, instead of hanging', async () => {
    const failing = new Readable({ read() {} });
    failing.push('partial');
    setTimeout(() => failing.destroy(new Error('disk gone')), 300);
    expect((await shell.exec(['cat'], { stdin: failing })).stdout?.toString()).toBe('partial');
    const alreadyDestroyed = new Readable({ read() {} });
    alreadyDestroyed.on('error', () => undefined).destroy(new Error('gone before we started'));
    expect((await shell.exec(['cat'], { stdin: alreadyDestroyed })).code).toBe(0);
  });

  slowIt('stops the remote command when the local sink fails (like stdout piped to head)', async () => {
    const brokenPipe = new Writable({
      write(_chunk, _encoding, done) {
        done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const started = Date.now();
    await expect(shell.exec(['yes'], { stdout: brokenPipe })).rejects.toThrow(/could not write the output of a command on node node-a .*: write EPIPE/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await shell.run(['sh', '-c', 'pgrep -x yes || true'])).toBe('');
  });

  slowIt('passes 1,000 hostile strings byte for byte, with no side effect on the node', async () => {
    const canary = `/tmp/pwned-${process.pid}-${Date.now()}`;
    const strings = hostileStrings(1000, canary);
    for (let start = 0; start < strings.length; start += 100) {
      const batch = strings.slice(start, start + 100);
      const result = await shell.exec(['printf', '%s\\0', ...batch]);
      expect(result.code).toBe(0);
      expect(splitNulTerminated(result.stdout!)).toEqual(batch);
    }
    expect(await shell.run(['sh', '-c', 'ls /tmp/pwned-* 2>/dev/null || true'])).toBe('');
    expect(fs.existsSync(canary)).toBe(false);
  });

  slowIt('allocates a terminal of the asked size', async () => {
    const output = await shell.exec(['sh', '-c', 'tty; stty size; echo $TERM'], { pty: { rows: 41, cols: 103, term: 'xterm-256color' } });
    expect(output.stdout?.toString().split(/\r?\n/).slice(0, 3)).toEqual([expect.stringMatching(/^\/dev\/pts\/\d+$/), '41 103', 'xterm-256color']);
  });

  slowIt('a shell on a terminal fed typed input prints no NUL bytes', async () => {
    const typed = Readable.from([Buffer.from('tty; echo answer-$((6*7)); exit 5\n')]);
    const result = await shell.exec(['sh'], { stdin: typed, pty: { rows: 33, cols: 91, term: 'xterm' } });
    const text = result.stdout!.toString('latin1');
    expect(text.includes('\0')).toBe(false);
    expect(text).toMatch(/answer-42/);
    expect(result.code).toBe(5);
  });

  slowIt('stops a command at its timeout', async () => {
    const started = Date.now();
    await expect(shell.exec(['sleep', '30'], { timeoutMs: 500 })).rejects.toThrow(/on node node-a \(.*:2222\) did not finish within 0.5s/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  slowIt('interrupts a command on abort (SIGINT), letting it finish its output', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const result = await shell.exec(['sh', '-c', 'trap "echo interrupted; exit 3" INT; echo started; while :; do sleep 0.1; done'],
      { signal: controller.signal });
    expect(result.stdout?.toString()).toBe('started\ninterrupted\n');
    expect(result.code).toBe(3);
  });
});
