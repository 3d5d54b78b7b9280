import { finished, type Readable, type Writable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { PidLineStripper } from './remote-process.js';

const stderrTailBytes = 4096;
/** Output captured in memory (not streamed to a sink): node facts and lookups are far smaller than this. */
export const maxCapturedBytes = 256 * 1024 * 1024;

/** Where a command's output goes: streamed to the caller's sinks, or captured. */
export interface OutputCollector {
  /** The remote PID, from the line the command announces it with (undefined with a terminal). */
  pid: Promise<number | undefined>;
  /** Settles once all output has been read (and handed to the sinks). */
  drained: Promise<unknown>;
  captured(): { stdout?: Buffer; stderr?: Buffer };
  stderrTail(): string;
  /** The first error a caller's sink raised (EPIPE from `| head`...); output is discarded after it. */
  sinkError(): Error | undefined;
  dispose(): void;
}

export function collectOutput(channel: ClientChannel, sinks: { stdout?: Writable; stderr?: Writable }, onSinkError: () => void): OutputCollector {
  const stderr = channel.stderr.pipe(new PidLineStripper());
  let sinkError: Error | undefined;
  const failSink = (error: Error): void => {
    sinkError ??= error;
    onSinkError();
  };
  const stdout = drain(channel, sinks.stdout, failSink);
  const stderrOut = drain(stderr, sinks.stderr, failSink);
  let tail = Buffer.alloc(0);
  stderr.on('data', (chunk: Buffer) => {
    tail = Buffer.concat([tail, chunk]).subarray(-stderrTailBytes);
  });
  return {
    pid: stderr.pid,
    drained: Promise.all([new Promise((resolve) => channel.once('close', resolve)), new Promise((resolve) => stderr.once('end', resolve))]),
    captured: () => ({
      ...(stdout.chunks && { stdout: Buffer.concat(stdout.chunks) }),
      ...(stderrOut.chunks && { stderr: Buffer.concat(stderrOut.chunks) }),
    }),
    stderrTail: () => tail.toString('utf8'),
    sinkError: () => sinkError,
    dispose: () => {
      stdout.dispose();
      stderrOut.dispose();
    },
  };
}

/** Pipes into the sink with backpressure (never ending it: it is often process.stdout), or collects chunks. */
function drain(source: Readable, sink: Writable | undefined, onError: (error: Error) => void): { chunks?: Buffer[]; dispose(): void } {
  if (sink === undefined) {
    const chunks: Buffer[] = [];
    let size = 0;
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap the rest is read and dropped (so the channel can close), and the run reports it.
      if (size > maxCapturedBytes) {
        onError(new Error(`the output was larger than ${maxCapturedBytes / 1024 / 1024} MiB`));
        return;
      }
      chunks.push(chunk);
    });
    return { chunks, dispose: () => undefined };
  }
  const onSinkError = (error: Error): void => {
    source.unpipe(sink);
    source.resume(); // keep reading and dropping, so the channel can still close
    onError(error);
  };
  sink.once('error', onSinkError);
  source.pipe(sink, { end: false });
  return { dispose: () => sink.off('error', onSinkError) };
}

/** Sends stdin and EOF. Returns how to let go of a long-lived input (process.stdin) when the command is over. */
export function feedStdin(channel: ClientChannel, stdin: Readable | Buffer | string | undefined, pty: boolean): () => void {
  channel.on('error', () => undefined); // writing to a command that already exited: its exit status tells the story
  if (stdin === undefined) {
    if (!pty) channel.end(); // EOF now, or `cat` would wait forever; a terminal keeps its input open
    return () => undefined;
  }
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) {
    channel.end(stdin);
    return () => undefined;
  }
  // An input that fails (or was destroyed before we got it) ends like a finished one; else the command waits forever.
  const stopWatching = finished(stdin, () => channel.end());
  stdin.pipe(channel);
  return () => {
    stopWatching();
    stdin.unpipe(channel);
    if (stdin.listenerCount('data') === 0) stdin.pause(); // so the local process can exit
  };
}

/** Forwards a local terminal's size changes to the remote one. */
export function followResize(channel: ClientChannel, terminal: NodeJS.WriteStream | undefined): () => void {
  if (!terminal) return () => undefined;
  const onResize = (): void => channel.setWindow(terminal.rows, terminal.columns, 0, 0);
  terminal.on('resize', onResize);
  return () => terminal.off('resize', onResize);
}
