import type { Io } from '../cli/io.js';

/** Where the SSH layer reports: warnings always, debug lines only with -v. */
export interface SshLog {
  warn(text: string): void;
  debug(text: string): void;
}

export function stderrLog(io: Pick<Io, 'err'>, verbose: number): SshLog {
  return {
    warn: (text) => io.err.write(`warning: ${text}\n`),
    debug: (text) => {
      if (verbose > 0) io.err.write(`ssh: ${text}\n`);
    },
  };
}

export const silentLog: SshLog = { warn: () => undefined, debug: () => undefined };
