import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Progress } from '../../../shared/cli/spinner.js';
import type { ExecOptions, ExecResult, NodeShell } from '../../../shared/ssh/node-shell.js';
import { TapSession } from '../../../plugins/tap/session.js';

// TapSession against a node that is this machine: every argv runs for real (sh, timeout, head, touch),
// only the start of each remote command is delayed the way a node's login shell delays it (rc files).

const quiet: Progress = { step: () => undefined, succeed: () => undefined, fail: () => undefined, stop: () => undefined };

function localNode(startDelayMs: (argv: readonly string[]) => number): NodeShell & { started: { argv: string[]; at: number }[] } {
  const started: { argv: string[]; at: number }[] = [];
  const exec = async (argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> => {
    await new Promise((r) => setTimeout(r, startDelayMs(argv)));
    started.push({ argv: [...argv], at: Date.now() });
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    if (options.stdin && typeof options.stdin === 'object' && 'pipe' in options.stdin) (options.stdin as Readable).pipe(child.stdin);
    else child.stdin.end(options.stdin ?? '');
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => (options.stdout ? options.stdout.write(d) : out.push(d)));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? 1)));
    return { code, stdout: Buffer.concat(out), stderr: Buffer.concat(err), stderrTail: Buffer.concat(err).toString('utf8') };
  };
  return {
    node: 'local', address: '127.0.0.1', port: 22, user: 'root', started, exec,
    run: async (argv) => (await exec(argv)).stdout!.toString('utf8'),
    close: () => undefined,
  };
}

const isDeadMan = (argv: readonly string[]) => argv.includes('kubectl-tap-dead-man');

describe('TapSession: the dead-man is armed before any step changes the node', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-session-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('waits for a slow-starting dead-man, then applies; ending the session tears down', async () => {
    const marker = path.join(dir, 'applied');
    const shell = localNode((argv) => (isDeadMan(argv) ? 600 : 0));
    const session = new TapSession(quiet, async () => shell);
    await session.bringUp([{ shell, plan: { node: 'local', steps: [{ title: 'touch marker', apply: ['touch', marker], revert: ['rm', '-f', marker] }] } }], false);
    expect(fs.existsSync(marker)).toBe(true);
    const deadMan = shell.started.find((s) => isDeadMan(s.argv))!;
    const firstStep = shell.started.find((s) => !isDeadMan(s.argv))!;
    expect(firstStep.at).toBeGreaterThanOrEqual(deadMan.at);
    await session.tearDown();
    expect(fs.existsSync(marker)).toBe(false);
  }, 20_000);

  it('a dead-man that cannot start stops the tap before anything is applied, with an error naming the node', async () => {
    const marker = path.join(dir, 'never');
    const shell = localNode(() => 0);
    const broken: NodeShell = { ...shell, exec: async (argv, options) => (isDeadMan(argv) ? { code: 127, stdout: Buffer.alloc(0), stderr: Buffer.from('sh: timeout: not found'), stderrTail: 'sh: timeout: not found' } : shell.exec(argv, options)) };
    const session = new TapSession(quiet, async () => broken);
    await expect(session.bringUp([{ shell: broken, plan: { node: 'local', steps: [{ title: 'touch marker', apply: ['touch', marker], revert: ['rm', '-f', marker] }] } }], false))
      .rejects.toThrow(/dead-man on node local ended before it was armed \(exit 127\)/);
    expect(fs.existsSync(marker)).toBe(false);
  }, 20_000);
});
