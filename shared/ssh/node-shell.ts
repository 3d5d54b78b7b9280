import { ExitCode, PluginError } from '../cli/errors.js';
import { execOnClient, type ExecOptions, type ExecResult } from './remote-exec.js';
import { isSudoPasswordFailure, quoteArgv, sudoPasswordError } from './quote.js';
import type { SshConnection } from './ssh-connect.js';

export type { ExecOptions, ExecResult, PtyOptions } from './remote-exec.js';

/** A shell on one node: run argv vectors there (quoted for you), stream or capture their output. */
export interface NodeShell {
  readonly node: string;
  /** The host the SSH connection went to (after ssh_config HostName), and its port. */
  readonly address: string;
  readonly port: number;
  /** The login user; commands with `sudo: true` are wrapped in sudo -n unless it is root. */
  readonly user: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs to completion and returns stdout; a non-zero exit throws RemoteCommandError. */
  run(argv: readonly string[], options?: Omit<ExecOptions, 'stdout' | 'stderr' | 'pty'>): Promise<string>;
  close(): void;
}

/** A remote command exited non-zero (or died): names node, command, status and its last words on stderr. */
export class RemoteCommandError extends PluginError {
  constructor(
    readonly node: string,
    /** The node and the address:port it was reached at, as messages name it. */
    readonly where: string,
    readonly argv: readonly string[],
    readonly exitStatus: number | null,
    readonly exitSignal: string | undefined,
    readonly lastStderrLine: string,
  ) {
    const status = exitStatus !== null ? `exit status ${exitStatus}` : exitSignal ? `killed by ${exitSignal}` : 'no exit status (connection lost?)';
    super(`command ${shortCommand(argv)} failed on ${where}: ${status}${lastStderrLine ? `: ${lastStderrLine}` : ''}`,
      ExitCode.couldNotCheck,
      exitStatus === 127 ? `${argv[0]} seems not to be installed on node ${node} (or not in the PATH of the SSH user)` : undefined);
    this.name = 'RemoteCommandError';
  }
}

function shortCommand(argv: readonly string[]): string {
  const text = quoteArgv(argv);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1)?.trim() ?? '';
}

export class SshNodeShell implements NodeShell {
  readonly address: string;
  readonly port: number;
  readonly user: string;
  private readonly where: string;

  constructor(readonly node: string, private readonly connection: SshConnection) {
    this.address = connection.endpoint.host;
    this.port = connection.endpoint.port;
    this.user = connection.endpoint.user;
    this.where = `node ${node} (${this.address}:${this.port})`;
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const result = await execOnClient(this.connection.client, argv, options, { where: this.where, user: this.user });
    if (options.sudo && this.user !== 'root' && isSudoPasswordFailure(result.code, result.stderrTail)) {
      throw sudoPasswordError(this.node, this.user);
    }
    return result;
  }

  async run(argv: readonly string[], options: Omit<ExecOptions, 'stdout' | 'stderr' | 'pty'> = {}): Promise<string> {
    const result = await this.exec(argv, options);
    if (result.code !== 0) {
      throw new RemoteCommandError(this.node, this.where, argv, result.code, result.signal, lastLine(result.stderrTail));
    }
    return result.stdout?.toString('utf8') ?? '';
  }

  close(): void {
    this.connection.close();
  }
}
