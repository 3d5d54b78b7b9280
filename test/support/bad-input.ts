import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binDir, ensureBuilt } from './built-binaries.js';

/** One bad input run through the built binary, in a throwaway HOME and working folder. */
export interface BadInputRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** Files under HOME and the working folder that appeared, vanished or changed (outside the allowed paths). */
  changed: string[];
  home: string;
  work: string;
}

export interface RunOptions {
  /** Extra environment; a function gets the run's working folder and HOME. */
  env?: NodeJS.ProcessEnv | ((work: string, home: string) => NodeJS.ProcessEnv);
  /** Paths (relative to the working folder) the command was asked to write. */
  allowWrites?: string[];
  /** Hang guard: killed after this long (several times the command's own deadlines). */
  hangGuardMs?: number;
  stdin?: string;
  /** Prepares files in the working folder before the run; returns nothing. */
  setUp?: (work: string, home: string) => void;
  /** Sends this signal after the given delay. */
  signalAfter?: { signal: NodeJS.Signals; ms: number };
}

/** Every file under dir (relative path → size and mtime), without following symlinks. */
export function treeState(dir: string): Map<string, string> {
  const state = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.join(sub, entry.name);
      const info = fs.lstatSync(path.join(dir, rel));
      state.set(rel, `${info.mode}:${info.isDirectory() ? 'dir' : info.size}:${info.isDirectory() ? '' : info.mtimeMs}`);
      if (entry.isDirectory()) walk(rel);
    }
  };
  walk('');
  return state;
}

function diff(before: Map<string, string>, after: Map<string, string>, allowed: string[]): string[] {
  const changed: string[] = [];
  const isAllowed = (rel: string) => allowed.some((a) => rel === a || rel.startsWith(`${a}/`));
  for (const [rel, value] of after) if (before.get(rel) !== value && !isAllowed(rel)) changed.push(rel);
  for (const rel of before.keys()) if (!after.has(rel) && !isAllowed(rel)) changed.push(`${rel} (removed)`);
  return changed;
}

export type PluginBinary = 'kubectl-netcheck' | 'kubectl-nsenter' | 'kubectl-tap';

export async function runBadInput(binary: PluginBinary, argv: string[], options: RunOptions = {}): Promise<BadInputRun> {
  ensureBuilt();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-bad-input-'));
  const home = path.join(root, 'home');
  const work = path.join(root, 'work');
  fs.mkdirSync(home);
  fs.mkdirSync(work);
  try {
    options.setUp?.(work, home);
    const before = { home: treeState(home), work: treeState(work) };
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C', KUBECONFIG: path.join(home, 'no-kubeconfig'),
      NETCHECK_SSH_CONFIG: path.join(home, 'no-ssh-config'), ...(typeof options.env === 'function' ? options.env(work, home) : options.env),
    };
    const started = Date.now();
    const child = spawn(path.join(binDir, binary), argv, { cwd: work, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1_000_000) stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1_000_000) stderr += d.toString('utf8'); });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
    const guard = setTimeout(() => child.kill('SIGKILL'), options.hangGuardMs ?? 20_000);
    const signalTimer = options.signalAfter && setTimeout(() => child.kill(options.signalAfter!.signal), options.signalAfter.ms);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
    clearTimeout(guard);
    if (signalTimer) clearTimeout(signalTimer);
    const ms = Date.now() - started;
    const allowed = options.allowWrites ?? [];
    const changed = [...diff(before.home, treeState(home), []), ...diff(before.work, treeState(work), allowed)];
    return { code, signal, stdout, stderr, ms, changed, home, work };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** stderr without the usage trailer a usage error prints. */
export function problemLines(stderr: string): string[] {
  const lines = stderr.split('\n').filter((l) => l.trim() !== '');
  const usage = lines.findIndex((l) => l.startsWith('Usage: '));
  return usage === -1 ? lines : lines.slice(0, usage);
}

/** What every bad input must satisfy: exit code, a short named problem, no JS internals, in time, nothing written. */
export function expectCleanFailure(run: BadInputRun, expected: { code: number | number[]; says?: string | RegExp }): void {
  const codes = Array.isArray(expected.code) ? expected.code : [expected.code];
  const context = `exit ${run.code} signal ${run.signal} after ${run.ms} ms\nstderr:\n${run.stderr}\nstdout (start):\n${run.stdout.slice(0, 400)}`;
  if (run.signal !== null) throw new Error(`hang guard: killed by ${run.signal}\n${context}`);
  if (!codes.includes(run.code!)) throw new Error(`expected exit ${codes.join(' or ')}\n${context}`);
  const lines = problemLines(run.stderr);
  if (!/^error: /.test(lines[0] ?? '')) throw new Error(`stderr does not start with "error: "\n${context}`);
  const ownLines = lines.filter((l) => !l.startsWith('warning: '));
  if (ownLines.length > 2) throw new Error(`stderr names the problem in ${ownLines.length} lines, not one or two\n${context}`);
  if (/^\s+at .+[(:]\d+/m.test(run.stderr) || /node:internal|\b(TypeError|ReferenceError|RangeError): /.test(run.stderr)) {
    throw new Error(`stderr shows JavaScript internals\n${context}`);
  }
  if (expected.says !== undefined) {
    const ok = typeof expected.says === 'string' ? run.stderr.includes(expected.says) : expected.says.test(run.stderr);
    if (!ok) throw new Error(`stderr does not say ${String(expected.says)}\n${context}`);
  }
  if (run.changed.length > 0) throw new Error(`files changed outside the asked-for paths: ${run.changed.join(', ')}\n${context}`);
}

/** A run that must not end in a clean "OK": problems found (1) or could not check (3), never 0. */
export function expectNotOk(run: BadInputRun): void {
  const context = `exit ${run.code} signal ${run.signal} after ${run.ms} ms\nstderr:\n${run.stderr}\nstdout (start):\n${run.stdout.slice(0, 600)}`;
  if (run.signal !== null) throw new Error(`hang guard: killed by ${run.signal}\n${context}`);
  if (run.code === 0) throw new Error(`silent OK on bad input\n${context}`);
  if (![1, 3].includes(run.code!)) throw new Error(`expected exit 1 or 3\n${context}`);
  if (/^\s+at .+[(:]\d+/m.test(run.stderr) || /node:internal|\b(TypeError|ReferenceError|RangeError): /.test(run.stderr)) {
    throw new Error(`stderr shows JavaScript internals\n${context}`);
  }
  if (run.changed.length > 0) throw new Error(`files changed: ${run.changed.join(', ')}\n${context}`);
}
