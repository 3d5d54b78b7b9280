import type { Readable, Writable } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { ExitCode, PluginError } from '../cli/errors.js';
import { quoteArgv, withSudo } from './quote.js';
import { announcingPid, RemoteStopper } from './remote-process.js';
import { collectOutput, feedStdin, followResize } from './remote-streams.js';

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
  const exit: { code: number | null; signal?: string } = { code: null };
  let exited = false;
  channel.on('exit', (code: number | null, signal?: string) => {
    exited = true;
    Object.assign(exit, { code }, signal ? { signal } : {});
  });
  let stopper: RemoteStopper | undefined;
  const output = collectOutput(channel, options, () => stopper?.stop(['TERM', 'KILL']));
  const remote = { pid: output.pid, pty: options.pty !== undefined, asRoot: options.sudo === true, user: target.user };
  stopper = new RemoteStopper(client, channel, remote, () => exited);

  let timedOut = false;
  const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    stopper.stop(['KILL']);
  }, options.timeoutMs);
  const onAbort = (): void => stopper.stop(['INT', 'KILL']);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const releaseStdin = feedStdin(channel, options.stdin, options.pty !== undefined);
  const stopResizing = followResize(channel, options.pty?.resizeFrom);
  try {
    await output.drained;
  } finally {
    clearTimeout(timeout);
    stopper.dispose();
    output.dispose();
    options.signal?.removeEventListener('abort', onAbort);
    releaseStdin();
    stopResizing();
  }
  if (timedOut) {
    throw new PluginError(`a command on ${target.where} did not finish within ${options.timeoutMs! / 1000}s and was stopped`,
      ExitCode.couldNotCheck, 'the node may be overloaded; a timeout that is too short for the command can also cause this');
  }
  const sinkError = output.sinkError();
  if (sinkError) {
    const tooLarge = sinkError.message.startsWith('the output was larger');
    throw new PluginError(tooLarge ? `a command on ${target.where} printed too much: ${sinkError.message}; it was stopped`
      : `could not write the output of a command on ${target.where}: ${sinkError.message}`, ExitCode.couldNotCheck,
      undefined, { cause: sinkError });
  }
  return { ...exit, ...output.captured(), stderrTail: output.stderrTail() };
}
