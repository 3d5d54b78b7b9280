import { Transform, type TransformCallback } from 'node:stream';
import type { Client, ClientChannel } from 'ssh2';
import { quoteArgv, withSudo } from './quote.js';

/**
 * Stopping a remote command. SSH "signal" requests are not enough: OpenSSH
 * refuses them for root logins ("session signalling requires privilege
 * separation"), and closing a channel without a terminal leaves the
 * command running. So every command first reports its PID on stderr, then
 * execs the real command under that PID; sshd made it a session leader, so
 * `kill -- -PID` from a second channel reaches the command and everything
 * it started. With a terminal, ^C and hang-up do the job instead.
 */
const pidMarker = 'netcheck-remote-pid=';

export function announcingPid(quotedCommand: string): string {
  return `echo ${pidMarker}$$ >&2; exec ${quotedCommand}`;
}

/** How far into stderr the PID line may come: a login shell's rc files may print before it. */
const pidSearchBytes = 4096;
const pidLine = new RegExp(`(?:^|\\n)${pidMarker}(\\d+)\\n`);

/** Takes the PID line out of the start of stderr; everything else passes through untouched. */
export class PidLineStripper extends Transform {
  readonly pid: Promise<number | undefined>;
  private resolvePid!: (pid: number | undefined) => void;
  /** stderr held back while the PID line has not been seen; undefined once it has (or never will be). */
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor() {
    super();
    this.pid = new Promise((resolve) => { this.resolvePid = resolve; });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.head === undefined) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const match = pidLine.exec(this.head.toString('latin1')); // latin1: one char per byte, so indexes are byte offsets
    if (match === null && this.head.length < pidSearchBytes) return done();
    done(null, this.release(match));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.release(null));
  }

  private release(match: RegExpExecArray | null): Buffer | undefined {
    const head = this.head ?? Buffer.alloc(0);
    this.head = undefined;
    this.resolvePid(match ? Number(match[1]) : undefined);
    const rest = match
      ? Buffer.concat([head.subarray(0, match.index + (match[0].startsWith('\n') ? 1 : 0)), head.subarray(match.index + match[0].length)])
      : head;
    return rest.length > 0 ? rest : undefined;
  }
}

export type StopSignal = 'INT' | 'TERM' | 'KILL';

/** Sends a signal to the process group of a command started with announcingPid(). */
export async function signalRemote(
  client: Client, channel: ClientChannel, target: { pid: Promise<number | undefined>; pty: boolean; asRoot: boolean; user: string },
  signal: StopSignal,
): Promise<void> {
  if (target.pty) {
    // The terminal driver turns ^C into SIGINT for the foreground job; closing the terminal hangs everything up.
    if (signal === 'INT' && channel.writable) channel.write('\x03');
    else channel.close();
    return;
  }
  const pid = await target.pid;
  if (pid === undefined) {
    channel.close();
    return;
  }
  const kill = ['kill', '-s', signal, '--', `-${pid}`];
  await new Promise<void>((resolve) => {
    client.exec(quoteArgv(target.asRoot ? withSudo(kill, target.user) : kill), (error, killer) => {
      if (error) return resolve(); // the connection is gone, and the command with it
      killer.on('close', () => resolve()).resume();
      killer.stderr.resume();
      killer.end();
    });
  });
}

const stopGraceMs = 2000;

/** Stops a running command: each signal in turn, a grace period apart, then drops the channel. */
export class RemoteStopper {
  private readonly timers: NodeJS.Timeout[] = [];
  private stopping = false;

  constructor(
    private readonly client: Client,
    private readonly channel: ClientChannel,
    private readonly target: Parameters<typeof signalRemote>[2],
    private readonly isOver: () => boolean,
  ) {}

  stop(signals: readonly StopSignal[]): void {
    if (this.stopping) return;
    this.stopping = true;
    this.next(signals);
  }

  private next(signals: readonly StopSignal[]): void {
    const [first, ...rest] = signals;
    if (this.isOver()) return;
    if (first === undefined) {
      this.channel.close();
      return;
    }
    void signalRemote(this.client, this.channel, this.target, first);
    this.timers.push(setTimeout(() => this.next(rest), stopGraceMs));
  }

  dispose(): void {
    this.timers.forEach(clearTimeout);
  }
}
