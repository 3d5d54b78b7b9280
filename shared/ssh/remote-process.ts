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

/** Takes the PID line off the front of stderr; everything after it passes through untouched. */
export class PidLineStripper extends Transform {
  readonly pid: Promise<number | undefined>;
  private resolvePid!: (pid: number | undefined) => void;
  private head: Buffer | undefined = Buffer.alloc(0);

  constructor() {
    super();
    this.pid = new Promise((resolve) => { this.resolvePid = resolve; });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.head === undefined) return done(null, chunk);
    this.head = Buffer.concat([this.head, chunk]);
    const newline = this.head.indexOf(10);
    if (newline < 0 && this.head.length < 64) return done();
    const line = this.head.subarray(0, Math.max(newline, 0)).toString('latin1');
    const match = new RegExp(`^${pidMarker}(\\d+)$`).exec(line);
    const rest = match ? this.head.subarray(newline + 1) : this.head;
    this.head = undefined;
    this.resolvePid(match ? Number(match[1]) : undefined);
    done(null, rest.length > 0 ? rest : undefined);
  }

  override _flush(done: TransformCallback): void {
    const rest = this.head;
    this.head = undefined;
    this.resolvePid(undefined);
    done(null, rest && rest.length > 0 ? rest : undefined);
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
