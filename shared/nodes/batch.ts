import crypto from 'node:crypto';
import { ExitCode, PluginError } from '../cli/errors.js';
import type { NodeShell } from '../ssh/node-shell.js';
import { quoteArgv } from '../ssh/quote.js';

type Argv = readonly string[];

/** One command's outcome inside a batch: its exit status and both outputs, byte for byte. */
export interface BatchResult {
  argv: Argv;
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A boundary no command's output will hold: random per batch (16 bytes, hex), so a
 * line printed by a command (a log line, a file the user controls) cannot pose as one.
 */
export function newBoundary(): string {
  return `NCB${crypto.randomBytes(16).toString('hex')}`;
}

const boundaryShape = /^NCB[0-9a-f]{32}$/;

/**
 * One shell script that runs every argv in turn (each quoted by quoteArgv,
 * stdin from /dev/null) and, after each, prints a boundary line carrying its
 * index on stdout (with its exit status) and on stderr. Only shell builtins
 * frame the output: no temporary files, no process per record. A node's round
 * trip (and every fork on a busy node) costs far more than the commands, so a
 * step's commands travel together; parseBatchOutput splits them again.
 */
export function batchScript(commands: readonly Argv[], boundary: string, stopAtFirstFailure = false): string {
  if (!boundaryShape.test(boundary)) throw new Error(`batchScript: not a boundary: ${boundary}`);
  const lines = [
    `ncb_b=${boundary}`,
    // Whatever a login shell printed comes before this line, and is no command's output.
    'printf \'%s start\\n\' "$ncb_b"; printf \'%s start\\n\' "$ncb_b" >&2',
    'ncb_r() { printf \'\\n%s %s %s\\n\' "$ncb_b" "$1" "$2"; printf \'\\n%s %s\\n\' "$ncb_b" "$1" >&2; return "$2"; }',
  ];
  commands.forEach((argv, index) => {
    lines.push(`${quoteArgv(argv)} </dev/null; ncb_r ${index} $?${stopAtFirstFailure ? ' || exit 0' : ''}`);
  });
  return lines.join('\n');
}

interface Section {
  body: Buffer;
  code: number;
}

/** The sections of one stream: from the start line, each up to its command's boundary line. */
function sections(stream: Buffer, boundary: string, withCode: boolean): Section[] {
  const start = Buffer.from(`${boundary} start\n`);
  let at = stream.indexOf(start);
  if (at < 0) return [];
  at += start.length;
  const found: Section[] = [];
  for (let index = 0; ; index++) {
    const marker = Buffer.from(`\n${boundary} ${index}${withCode ? ' ' : '\n'}`);
    const end = stream.indexOf(marker, at);
    if (end < 0) break;
    let next = end + marker.length;
    let code = 0;
    if (withCode) {
      const lineEnd = stream.indexOf(0x0a, next);
      code = lineEnd < 0 ? NaN : Number(stream.subarray(next, lineEnd).toString('latin1'));
      if (!Number.isSafeInteger(code)) break;
      next = lineEnd + 1;
    }
    found.push({ body: stream.subarray(at, end), code });
    at = next;
  }
  return found;
}

/** The results of a batch's stdout and stderr, in order; a batch cut short yields the commands that finished. Pure. */
export function parseBatchOutput(stdout: Buffer, stderr: Buffer, commands: readonly Argv[], boundary: string): BatchResult[] {
  const outs = sections(stdout, boundary, true);
  const errs = sections(stderr, boundary, false);
  const finished = Math.min(outs.length, errs.length, commands.length);
  return Array.from({ length: finished }, (_, i) => ({
    argv: commands[i]!,
    code: outs[i]!.code,
    stdout: outs[i]!.body.toString('utf8'),
    stderr: errs[i]!.body.toString('utf8'),
  }));
}

/** What the command a batch stopped in said last on stderr (after the last boundary line), if anything. */
function lastWords(stderr: Buffer, boundary: string): string {
  const text = stderr.toString('utf8');
  const lastMarker = text.lastIndexOf(boundary);
  const lineEnd = lastMarker < 0 ? -1 : text.indexOf('\n', lastMarker);
  const after = lastMarker < 0 ? text : lineEnd < 0 ? '' : text.slice(lineEnd + 1);
  return after.trim().split('\n').at(-1) ?? '';
}

export interface BatchOptions {
  /** Builds the argv that runs the script (default: sh -c SCRIPT); e.g. withPidLookup, which sets $pid first. */
  wrap?: (script: string) => string[];
  /** Run no command after one that failed (a setup's later steps build on its earlier ones); the results end with the failed one. */
  stopAtFirstFailure?: boolean;
  sudo?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Runs the commands on the node in one exec (one round trip, over SSH or a
 * helper pod alike) and returns one result per command, in order. A batch
 * that did not run to its end (killed, connection lost) is an error naming
 * the first command without a result.
 */
export async function runBatch(shell: NodeShell, commands: readonly Argv[], options: BatchOptions = {}): Promise<BatchResult[]> {
  if (commands.length === 0) return [];
  const { wrap, stopAtFirstFailure, ...execOptions } = options;
  const boundary = newBoundary();
  const script = batchScript(commands, boundary, stopAtFirstFailure);
  const result = await shell.exec(wrap ? wrap(script) : ['sh', '-c', script], execOptions);
  const stdout = result.stdout ?? Buffer.alloc(0);
  const stderr = result.stderr ?? Buffer.alloc(0);
  const records = parseBatchOutput(stdout, stderr, commands, boundary);
  const stoppedOnPurpose = stopAtFirstFailure === true && records.length > 0 && records.at(-1)!.code !== 0;
  if (records.length < commands.length && !stoppedOnPurpose) {
    const started = stdout.includes(`${boundary} start\n`);
    if (!started && wrap) throw new BatchPreludeError(result.code, result.stderrTail);
    const missing = commands[records.length]!;
    const reason = lastWords(stderr, boundary) || (result.signal ? `killed by ${result.signal}` : `exit ${result.code ?? 'unknown (connection lost?)'}`);
    throw new PluginError(`commands on node ${shell.node} stopped before ${quoteArgv(missing)}: ${reason}`, ExitCode.couldNotCheck,
      'the connection may have dropped, or the node is overloaded; run again');
  }
  return records;
}

/** The wrapper's own part failed before any command ran (e.g. the PID lookup found nothing). */
export class BatchPreludeError extends PluginError {
  constructor(readonly code: number | null, readonly stderrTail: string) {
    super(`a node-side lookup failed (exit ${code}): ${stderrTail.trim().split('\n').at(-1) ?? ''}`, ExitCode.couldNotCheck);
    this.name = 'BatchPreludeError';
  }
}

/** Like runBatch, but any command that exits non-zero fails the whole batch (as NodeShell.run does for one). */
export async function runAllOrFail(shell: NodeShell, commands: readonly Argv[], options: BatchOptions = {}): Promise<string[]> {
  const results = await runBatch(shell, commands, options);
  const failed = results.find((r) => r.code !== 0);
  if (failed) {
    const last = failed.stderr.trim().split('\n').at(-1) ?? '';
    throw new PluginError(`command ${quoteArgv(failed.argv)} failed on node ${shell.node}: exit status ${failed.code}${last ? `: ${last}` : ''}`,
      ExitCode.couldNotCheck, failed.code === 127 ? `${failed.argv[0]} seems not to be installed on node ${shell.node}` : undefined);
  }
  return results.map((r) => r.stdout);
}
