import { PassThrough, Readable, type Writable } from 'node:stream';
import type { V1Status } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';
import type { KubeSession } from '../kube/kube-client.js';
import type { ExecOptions, ExecResult } from '../ssh/node-shell.js';
import { PidLineStripper } from '../ssh/remote-process.js';

/** The channels of the Kubernetes streaming protocol (v4/v5.channel.k8s.io): one byte in front of every frame. */
const channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 } as const;
const stderrTailBytes = 4096;
const stopGraceMs = 2000;

/** The socket as client-node hands it over (the `ws` package's WebSocket). */
interface Socket {
  protocol: string;
  readyState: number;
  send(data: Buffer): void;
  close(): void;
  pause?(): void;
  resume?(): void;
  on(event: 'close', listener: () => void): void;
}

export interface PodRef {
  namespace: string;
  name: string;
  container: string;
}

/** The exit status a status frame reports: 0, the NonZeroExitCode cause, or null (killed, error). Pure. */
export function exitCodeFromStatus(status: V1Status | undefined): number | null {
  if (status === undefined) return null;
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number(cause.message) : NaN;
  return Number.isInteger(code) ? code : null;
}

/** A status that is not about the command's exit: the exec itself failed (no such container, nsenter refused...). */
function execFailure(status: V1Status | undefined): string | undefined {
  if (status === undefined || status.status === 'Success' || status.reason === 'NonZeroExitCode') return undefined;
  return status.message ?? status.reason ?? 'exec failed';
}

function frame(stream: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  return Buffer.concat([Buffer.from([stream]), body]);
}

async function openSocket(kube: KubeSession, pod: PodRef, argv: readonly string[], tty: boolean, stdin: boolean, onFrame: (stream: number, data: Buffer) => void): Promise<Socket> {
  const { Exec } = await import('@kubernetes/client-node');
  // Without input no stdin is attached: the command reads EOF at once, on v4 servers too.
  const query = new URLSearchParams({ container: pod.container, stdin: String(stdin || tty), stdout: 'true', stderr: String(!tty), tty: String(tty) });
  for (const arg of argv) query.append('command', arg);
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.namespace)}/pods/${encodeURIComponent(pod.name)}/exec?${query.toString()}`;
  // client-node's handler negotiates v5.channel.k8s.io, else v4; its own stream plumbing (process.stdout...) is replaced by ours.
  const config = await kube.clientConfig();
  const stock = new Exec(config).handler as unknown as { constructor: new (...args: unknown[]) => { connect(path: string, text: null, binary: (n: number, b: Buffer) => boolean): Promise<Socket> } };
  const quiet = { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() };
  const handler = new stock.constructor(config, undefined, quiet);
  return kube.call({ verb: 'create', resource: 'pods/exec', namespace: pod.namespace, name: pod.name },
    () => handler.connect(path, null, (stream, data) => {
      onFrame(stream, data);
      return true;
    }));
}

/**
 * Runs argv in the pod's container over pods/exec (a WebSocket through the
 * API server): argv travels as argv, never as a shell line. Same contract as
 * over SSH: stdout/stderr streamed or captured, stdin then EOF (v5 servers;
 * v4 has no half-close, so the session ends with the input), a terminal with
 * resize, the exit status from the status channel, and stopping on abort or
 * timeout by signalling the command's PID from a second exec: without a
 * terminal, argv must announce its PID first (see onNodeArgv).
 */
export async function execInPod(kube: KubeSession, pod: PodRef, argv: readonly string[], options: ExecOptions, where: string): Promise<ExecResult> {
  const tty = options.pty !== undefined;
  const stderrIn = new PidLineStripper();
  let tail = Buffer.alloc(0);
  stderrIn.on('data', (chunk: Buffer) => { tail = Buffer.concat([tail, chunk]).subarray(-stderrTailBytes); });
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  let sinkError: Error | undefined;
  let status: V1Status | undefined;
  let socket: Socket | undefined;
  const paused = new Set<Writable>();
  const deliver = (sink: Writable | undefined, chunks: Buffer[], data: Buffer): void => {
    if (sink === undefined) {
      chunks.push(data);
      return;
    }
    if (sinkError) return;
    if (!sink.write(data) && !paused.has(sink)) {
      // Backpressure: stop reading the socket until the sink has room again.
      paused.add(sink);
      socket?.pause?.();
      sink.once('drain', () => {
        paused.delete(sink);
        if (paused.size === 0) socket?.resume?.();
      });
    }
  };
  const sinkErrorHandlers: [Writable, (e: Error) => void][] = [];
  for (const sink of [options.stdout, options.stderr]) {
    if (!sink) continue;
    const onError = (error: Error): void => {
      sinkError ??= error;
      stop(['TERM', 'KILL']);
    };
    sink.once('error', onError);
    sinkErrorHandlers.push([sink, onError]);
  }
  stderrIn.on('data', (chunk: Buffer) => deliver(options.stderr, errChunks, chunk));

  socket = await openSocket(kube, pod, argv, tty, options.stdin !== undefined, (stream, data) => {
    if (stream === channel.stdout) deliver(options.stdout, outChunks, data);
    else if (stream === channel.stderr) stderrIn.write(data);
    else if (stream === channel.status) status = JSON.parse(data.toString('utf8')) as V1Status;
  }).catch((error: unknown) => {
    throw error instanceof PluginError ? error : new PluginError(`could not start a command on ${where}: ${(error as Error).message}`, ExitCode.couldNotCheck,
      'the helper pod may have ended; run again', { cause: error });
  });
  const open = socket;
  const closed = new Promise<void>((resolve) => open.on('close', () => resolve()));
  let over = false;
  void closed.then(() => { over = true; });
  const canHalfClose = open.protocol === 'v5.channel.k8s.io';
  const send = (stream: number, data: Buffer | string): void => {
    if (!over && open.readyState === 1) open.send(frame(stream, data));
  };
  const endStdin = (): void => {
    if (canHalfClose) send(channel.close, Buffer.from([channel.stdin]));
    else if (!tty) open.close(); // v4: no way to say EOF but to end the session
  };

  // stdin: nothing (EOF at once, except on a terminal), a fixed input, or a stream.
  let releaseStdin = (): void => undefined;
  const input = options.stdin;
  if (input === undefined) {
    // Nothing to send: no stdin was attached (or, with a terminal, it stays open for the session).
  } else if (typeof input === 'string' || Buffer.isBuffer(input)) {
    send(channel.stdin, input);
    endStdin();
  } else {
    const onData = (chunk: Buffer | string): void => send(channel.stdin, chunk);
    const onEnd = (): void => endStdin();
    input.on('data', onData);
    input.once('end', onEnd);
    input.once('error', onEnd);
    releaseStdin = () => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.off('error', onEnd);
      if (input instanceof Readable && input.listenerCount('data') === 0) input.pause();
    };
  }

  // A local terminal's size, now and on every change.
  const resizeFrom = options.pty?.resizeFrom;
  const sendSize = (cols: number, rows: number): void => send(channel.resize, JSON.stringify({ Width: cols, Height: rows }));
  if (options.pty) sendSize(options.pty.cols, options.pty.rows);
  const onResize = (): void => { if (resizeFrom) sendSize(resizeFrom.columns, resizeFrom.rows); };
  resizeFrom?.on('resize', onResize);

  // Stopping: SIGINT/TERM/KILL to the command's PID from a second exec, a grace period apart; then drop the session.
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  function stop(signals: readonly ('INT' | 'TERM' | 'KILL')[]): void {
    if (stopping) return;
    stopping = true;
    const next = (rest: readonly ('INT' | 'TERM' | 'KILL')[]): void => {
      if (over) return;
      const [first, ...later] = rest;
      if (first === undefined) {
        open.close();
        return;
      }
      if (tty) {
        if (first === 'INT') send(channel.stdin, '\x03');
        else open.close();
      } else {
        void stderrIn.pid.then((pid) => {
          if (pid === undefined || over) return open.close();
          return execInPod(kube, pod, ['kill', '-s', first, String(pid)], {}, where).then(() => undefined, () => undefined);
        });
      }
      timers.push(setTimeout(() => next(later), stopGraceMs));
    };
    next(signals);
  }
  let timedOut = false;
  const timeout = options.timeoutMs === undefined ? undefined : setTimeout(() => {
    timedOut = true;
    stop(['KILL']);
  }, options.timeoutMs);
  const onAbort = (): void => stop(['INT', 'KILL']);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  try {
    await closed;
    stderrIn.end();
    await new Promise((resolve) => { if (stderrIn.readableEnded) resolve(undefined); else { stderrIn.once('end', resolve); stderrIn.resume(); } });
  } finally {
    clearTimeout(timeout);
    timers.forEach(clearTimeout);
    options.signal?.removeEventListener('abort', onAbort);
    releaseStdin();
    resizeFrom?.off('resize', onResize);
    for (const [sink, handler] of sinkErrorHandlers) sink.off('error', handler);
  }
  if (timedOut) {
    throw new PluginError(`a command on ${where} did not finish within ${options.timeoutMs! / 1000}s and was stopped`,
      ExitCode.couldNotCheck, 'the node may be overloaded; a timeout that is too short for the command can also cause this');
  }
  if (sinkError) {
    throw new PluginError(`could not write the output of a command on ${where}: ${sinkError.message}`, ExitCode.couldNotCheck, undefined, { cause: sinkError });
  }
  const failure = execFailure(status);
  if (failure && !/exit code|signal/i.test(failure)) {
    throw new PluginError(`could not run a command on ${where}: ${failure}`, ExitCode.couldNotCheck,
      'the helper pod may have ended (see: kubectl netcheck helpers); run again');
  }
  return {
    code: exitCodeFromStatus(status),
    ...(status && exitCodeFromStatus(status) === null && { signal: 'SIGKILL' }),
    ...(options.stdout === undefined && { stdout: Buffer.concat(outChunks) }),
    ...(options.stderr === undefined && { stderr: Buffer.concat(errChunks) }),
    stderrTail: tail.toString('utf8'),
  };
}
