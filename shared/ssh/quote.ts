import { ExitCode, PluginError } from '../cli/errors.js';

/**
 * The one place a remote command line is built. SSH sends a single string
 * that the remote login shell parses, so every argument is single-quoted for
 * POSIX sh (sh, bash, dash, ash, zsh): inside '...' nothing is special, and a
 * quote itself is written as '\''. This holds for any byte sequence,
 * newlines and non-ASCII included. Login shells that are not POSIX (fish,
 * csh) are not supported; Kubernetes nodes use sh or bash for root.
 */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('quoteArgv: a command needs at least one argument');
  return argv.map(quoteArg).join(' ');
}

/** Words that need no quotes; `=` and `~` are left out as they mean assignment and home expansion. */
const plainWord = /^[A-Za-z0-9_./:@%+,-]+$/;

/**
 * Stands for the PID a node-side lookup found in the same round trip (see
 * shared/pods/container-pid.ts): written as "$pid". No real argument can be
 * it, as none can hold a NUL byte.
 */
export const lookedUpPid = '\0pid';

export function quoteArg(arg: string): string {
  if (arg === lookedUpPid) return '"$pid"';
  if (arg.includes('\0')) {
    // No shell and no exec() can carry a NUL byte inside an argument.
    throw new PluginError(`cannot pass an argument containing a NUL byte to a remote command: ${JSON.stringify(arg)}`,
      ExitCode.usage);
  }
  if (plainWord.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

/**
 * argv prefixed with `sudo -n --` unless the SSH user already is root.
 * `-n` makes sudo fail at once instead of waiting for a password nobody can
 * type; `--` stops sudo reading the command's own dash options.
 */
export function withSudo(argv: readonly string[], sshUser: string): string[] {
  return sshUser === 'root' ? [...argv] : ['sudo', '-n', '--', ...argv];
}

/** sudo -n's complaints when the account may not run commands without a password. */
const sudoNeedsPassword = /sudo: (?:a password is required|a terminal is required|no tty present)/;

export function isSudoPasswordFailure(exitCode: number | null, stderr: string): boolean {
  return exitCode === 1 && sudoNeedsPassword.test(stderr);
}

export function sudoPasswordError(node: string, sshUser: string): PluginError {
  return new PluginError(
    `sudo on node ${node} asks user "${sshUser}" for a password, and netcheck cannot type one`,
    ExitCode.couldNotCheck,
    `allow passwordless sudo for "${sshUser}" on the node (a sudoers line "${sshUser} ALL=(ALL) NOPASSWD: ALL"), ` +
      'or log in as root with --ssh-user root',
  );
}

/** Control characters (newline included) that must not reach a printed command line raw. */
const controlChar = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * argv as one line a person can copy into a shell (--dry-run): like quoteArgv, but an argument
 * holding a newline or another control character is written in $'...' form (\n, \t, \xHH), so data
 * can never start a new line or send escape sequences to the terminal. bash, zsh, ksh and busybox sh
 * read $'...'.
 */
export function quoteArgvForDisplay(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('quoteArgvForDisplay: a command needs at least one argument');
  return argv.map((arg) => (controlChar.test(arg) ? ansiCQuoted(arg) : quoteArg(arg))).join(' ');
}

function ansiCQuoted(arg: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\\': '\\\\', "'": "\\'" };
  return `$'${[...arg].map((c) => named[c] ?? (controlChar.test(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}'`;
}
