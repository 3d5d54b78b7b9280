import type { Readable, Writable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ExitCode, PluginError } from '../cli/errors.js';
import { quoteArgv, withSudo } from './quote.js';
import { announcingPid, PidLineStripper, signalRemote, type StopSignal } from './remote-process.js';

export interface PtyOptions {
  rows: number;
  cols: number;
  term: string;
  /** A local terminal whose 'resize' events are forwarded as window changes (usually process.stdout). */
  resizeFrom?: NodeJS.WriteStream;
}

export interface ExecOptions {
  /** Sent to the command, then EOF. Without it the command sees EOF at once (except with a PTY). */
  stdin?: Readable | Buffer | string;
  /** Output is streamed here as it arrives (never ended by us); without it, it is captured in the result. */
  stdout?: Writable;
  stderr?: Writable;
  /** Allocate a remote terminal; stderr then arrives merged into stdout, as with ssh -t. */
  pty?: PtyOptions;
  /** Wrap in `sudo -n --` unless the SSH user is root. */
  sudo?: boolean;
  /** Kill the command (SIGKILL to its process group) and fail when it runs longer. */
  timeoutMs?: number;
  /** On abort the command gets SIGINT (so tcpdump and friends flush), then SIGKILL if it is still there 2s later. */
  signal?: AbortSignal;
}

export interface ExecResult {
  /** The remote exit status; null when the command died of a signal or the connection dropped. */
  code: number | null;
  /** Like "SIGKILL", when the command died of a signal. */
  signal?: string;
  /** Captured output, when no stream was given for it. */
  stdout?: Buffer;
  stderr?: Buffer;
  /** The last few KB of stderr, kept even when it is streamed, for error messages. */
  stderrTail: string;
}

const stderrTailBytes = 4096;
const stopGraceMs = 2000;

/** Who runs the command and how messages name the node. */
export interface ExecTarget {
  /** `node worker-1 (10.0.0.11:22)`. */
  where: string;
  user: string;
}

/** Runs argv on an open connection (with sudo when asked), streaming or capturing its output. */
export function execOnClient(client: Client, argv: readonly string[], options: ExecOptions, target: ExecTarget): Promise<ExecResult> {
  const pty = options.pty && { rows: options.pty.rows, cols: options.pty.cols, term: options.pty.term };
  const command = quoteArgv(options.sudo ? withSudo(argv, target.user) : argv);
  // A terminal merges stderr into stdout, so the PID line would show: those commands are stopped through the terminal.
  const line = pty ? command : announcingPid(command);
  return new Promise((resolve, reject) => {
    client.exec(line, pty ? { pty } : {}, (error, channel) => {
      if (error) {
        reject(new PluginError(`could not start a command on ${target.where}: ${error.message}`, ExitCode.couldNotCheck,
          'the SSH connection may have dropped; run again', { cause: error }));
        return;
      }
      collectResult(client, channel, options, target).then(resolve, reject);
    });
  });
}

async function collectResult(client: Client, channel: ClientChannel, options: ExecOptions, target: ExecTarget): Promise<ExecResult> {
  const stderr = channel.stderr.pipe(new PidLineStripper());
  const stdoutChunks = drain(channel, options.stdout);
  const stderrChunks = drain(stderr, options.stderr);
  let stderrTail = Buffer.alloc(0);
  stderr.on('data', (chunk: Buffer) => {
    stderrTail = Buffer.concat([stderrTail, chunk]).subarray(-stderrTailBytes);
  });
  const exit: { code: number | null; signal?: string } = { code: null };
  let exited = false;
  channel.on('exit', (code: number | null, signal?: string) => {
    exited = true;
    Object.assign(exit, { code }, signal ? { signal } : {});
  });
  const done = Promise.all([new Promise((resolve) => channel.once('close', resolve)), new Promise((resolve) => stderr.once('end', resolve))]);

  const remote = { pid: stderr.pid, pty: options.pty !== undefined, asRoot: options.sudo === true, user: target.user };
  const timers: NodeJS.Timeout[] = [];
  /** Signals in turn, a grace period apart, until the command is gone; then drops the channel. */
  const stop = (signals: StopSignal[]): void => {
    const [first, ...rest] = signals;
    if (exited) return;
    if (first === undefined) return channel.close();
    void signalRemote(client, channel, remote, first);
    timers.push(setTimeout(() => stop(rest), stopGraceMs));
  };
  let timedOut = false;
  if (options.timeoutMs !== undefined) {
    timers.push(setTimeout(() => { timedOut = true; stop(['KILL']); }, options.timeoutMs));
  }
  const onAbort = (): void => stop(['INT', 'KILL']);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const stopStdin = feedStdin(channel, options);
  const stopResize = followResize(channel, options.pty);
  try {
    await done;
  } finally {
    timers.forEach(clearTimeout);
    options.signal?.removeEventListener('abort', onAbort);
    stopStdin();
    stopResize();
  }
  if (timedOut) {
    throw new PluginError(`a command on ${target.where} did not finish within ${options.timeoutMs! / 1000}s and was stopped`,
      ExitCode.couldNotCheck, 'the node may be overloaded; a timeout that is too short for the command can also cause this');
  }
  return {
    ...exit,
    ...(stdoutChunks && { stdout: Buffer.concat(stdoutChunks) }),
    ...(stderrChunks && { stderr: Buffer.concat(stderrChunks) }),
    stderrTail: stderrTail.toString('utf8'),
  };
}

/** Streams into `target` with backpressure (pipe), or collects chunks when there is no target. */
function drain(source: Readable, target: Writable | undefined): Buffer[] | undefined {
  if (target) {
    source.pipe(target, { end: false }); // the caller's stream (often process.stdout) stays open
    return undefined;
  }
  const chunks: Buffer[] = [];
  source.on('data', (chunk: Buffer) => chunks.push(chunk));
  return chunks;
}

function feedStdin(channel: ClientChannel, options: ExecOptions): () => void {
  const { stdin } = options;
  if (stdin === undefined) {
    if (!options.pty) channel.end(); // EOF now, or `cat` would wait forever; a terminal keeps its input open
    return () => undefined;
  }
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
    channel.end(stdin);
    return () => undefined;
  }
  stdin.pipe(channel);
  // Let go of a long-lived input (process.stdin) once the command is over, so the process can exit.
  return () => {
    stdin.unpipe(channel);
    if (stdin.listenerCount('data') === 0) stdin.pause();
  };
}

function followResize(channel: ClientChannel, pty: PtyOptions | undefined): () => void {
  const terminal = pty?.resizeFrom;
  if (!terminal) return () => undefined;
  const onResize = (): void => channel.setWindow(terminal.rows, terminal.columns, 0, 0);
  terminal.on('resize', onResize);
  return () => terminal.off('resize', onResize);
}
