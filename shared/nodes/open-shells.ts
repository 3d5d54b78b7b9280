import type { Io } from '../cli/io.js';
import { NodeShellPool } from '../ssh/node-shell-pool.js';
import { stderrLog } from '../ssh/ssh-log.js';
import { sshOptionsFromArgs, type SshArgs } from '../ssh/ssh-options.js';

/** The run's SSH connections, from the SSH flags; warnings on stderr, debug lines with -v. */
export function openNodeShells(args: SshArgs & { verbose?: number }, io: Io): NodeShellPool {
  return new NodeShellPool(sshOptionsFromArgs(args, io.env), { env: io.env, log: stderrLog(io, args.verbose ?? 0) });
}
