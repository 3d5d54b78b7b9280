// The workstation-side decisions that differ between Linux, macOS and Windows,
// as pure functions of the platform so each is tested for every OS on Linux.

/** Separator of path lists (KUBECONFIG, PATH): ';' on Windows, ':' elsewhere — kubectl splits the same way. */
export function pathListSeparator(platform: NodeJS.Platform): string {
  return platform === 'win32' ? ';' : ':';
}

/** OpenSSH for Windows' agent listens on this named pipe (ssh2 speaks to it as to a Unix socket). */
export const windowsOpenSshAgentPipe = '\\\\.\\pipe\\openssh-ssh-agent';

/**
 * The ssh-agent to use when neither IdentityAgent nor SSH_AUTH_SOCK names one.
 * Unix has no default. On Windows: OpenSSH's agent pipe when its service runs,
 * else Pageant (PuTTY's agent; ssh2 reaches it by the name "pageant").
 */
export function defaultSshAgent(platform: NodeJS.Platform, openSshPipeExists: boolean): string | undefined {
  if (platform !== 'win32') return undefined;
  return openSshPipeExists ? windowsOpenSshAgentPipe : 'pageant';
}

/**
 * Signals that ask us to stop besides Ctrl-C (SIGINT). Windows delivers no
 * SIGTERM or SIGHUP to a console program; Ctrl-Break arrives as SIGBREAK.
 */
export function terminationSignals(platform: NodeJS.Platform): NodeJS.Signals[] {
  return platform === 'win32' ? ['SIGBREAK'] : ['SIGTERM', 'SIGHUP'];
}

const windowsReserved = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * Why NAME cannot be one file name in a directory on PLATFORM, or undefined
 * when it can. Windows also refuses : * ? " < > | and device names like NUL.
 */
export function fileNameProblem(name: string, platform: NodeJS.Platform): string | undefined {
  if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name)) return 'not a plain file name';
  if (platform === 'win32') {
    if (/[:*?"<>|\x00-\x1f]/.test(name)) return 'holds a character Windows does not allow in file names';
    if (windowsReserved.test(name) || /[. ]$/.test(name)) return 'is a name Windows reserves';
  }
  return undefined;
}

/** Home-relative paths: ~/x everywhere, and ~\x on Windows. */
export function expandHome(text: string, homeDir: string, platform: NodeJS.Platform): string {
  if (text === '~') return homeDir;
  if (text.startsWith('~/') || (platform === 'win32' && text.startsWith('~\\'))) return `${homeDir}${text.slice(1)}`;
  return text;
}

/**
 * Colour on stdout: only on a terminal, never with --no-color or NO_COLOR, nor
 * with TERM=dumb. Windows terminals take ANSI colours since Windows 10 (Node
 * turns on their VT mode), so the same rule holds there.
 */
export function colourAllowed(stdoutIsTty: boolean, noColorFlag: boolean, env: NodeJS.ProcessEnv): boolean {
  if (noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== '')) return false;
  if (env.TERM === 'dumb') return false;
  return stdoutIsTty;
}
