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

/** Starts each command's record in the batch's stdout: `NCBATCH index code stdoutBytes stderrBytes`. */
const recordTag = 'NCBATCH';

/**
 * One shell script that runs every argv in turn (each quoted by quoteArgv,
 * stdin from /dev/null), keeping each one's stdout, stderr and exit status in
 * a private temporary folder, and prints them as length-prefixed records. A
 * node's round trip costs far more than the commands, so a step's commands
 * travel together; the records are binary-safe and parsed by parseBatchOutput.
 */
export function batchScript(commands: readonly Argv[], stopAtFirstFailure = false): string {
  const lines = [
    'd=$(mktemp -d) || exit 97',
    'trap \'rm -rf "$d"\' EXIT',
    'r() { printf \'%s %s %s %s %s\\n\' ' + recordTag + ' "$1" "$2" "$(wc -c <"$d/o" | tr -d " ")" "$(wc -c <"$d/e" | tr -d " ")"; cat "$d/o" "$d/e"; return "$2"; }',
  ];
  commands.forEach((argv, index) => {
    lines.push(`${quoteArgv(argv)} </dev/null >"$d/o" 2>"$d/e"; r ${index} $?${stopAtFirstFailure ? ' || exit 0' : ''}`);
  });
  return lines.join('\n');
}

/** The records of a batch's stdout, in order; a batch cut short yields the records that arrived. Pure. */
export function parseBatchOutput(stdout: Buffer, commands: readonly Argv[]): BatchResult[] {
  const results: BatchResult[] = [];
  let at = stdout.indexOf(`${recordTag} `);
  while (at >= 0 && at < stdout.length) {
    const lineEnd = stdout.indexOf(0x0a, at);
    if (lineEnd < 0) break;
    const fields = stdout.subarray(at, lineEnd).toString('latin1').split(' ');
    const [tag, index, code, outBytes, errBytes] = [fields[0], Number(fields[1]), Number(fields[2]), Number(fields[3]), Number(fields[4])];
    if (tag !== recordTag || fields.length !== 5 || ![index, code, outBytes, errBytes].every(Number.isSafeInteger)) break;
    const outStart = lineEnd + 1;
    const errStart = outStart + outBytes;
    const end = errStart + errBytes;
    if (end > stdout.length || commands[index] === undefined) break;
    results.push({
      argv: commands[index]!,
      code,
      stdout: stdout.subarray(outStart, errStart).toString('utf8'),
      stderr: stdout.subarray(errStart, end).toString('utf8'),
    });
    at = end;
  }
  return results;
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
  const script = batchScript(commands, stopAtFirstFailure);
  const result = await shell.exec(wrap ? wrap(script) : ['sh', '-c', script], execOptions);
  const records = parseBatchOutput(result.stdout ?? Buffer.alloc(0), commands);
  const stoppedOnPurpose = stopAtFirstFailure === true && records.length > 0 && records.at(-1)!.code !== 0;
  if (records.length < commands.length && !stoppedOnPurpose) {
    if (records.length === 0 && wrap) throw new BatchPreludeError(result.code, result.stderrTail);
    const missing = commands[records.length]!;
    const reason = result.code === 97 ? 'mktemp -d failed' : result.stderrTail.trim().split('\n').at(-1) || `exit ${result.code ?? result.signal}`;
    throw new PluginError(`commands on node ${shell.node} stopped before ${quoteArgv(missing)}: ${reason}`, ExitCode.couldNotCheck,
      'the node may be short of disk space in /tmp, or the connection dropped; run again');
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
