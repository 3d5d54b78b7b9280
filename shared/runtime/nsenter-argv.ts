import { UsageError } from '../cli/errors.js';
import { lookedUpPid } from '../ssh/quote.js';

export type Namespace = 'net' | 'mnt' | 'pid' | 'uts' | 'ipc';

// util-linux nsenter's short flags; the order here is the order in argv, so
// the same request always gives the same command line.
const flags: Readonly<Record<Namespace, string>> = {
  net: '-n',
  mnt: '-m',
  pid: '-p',
  uts: '-u',
  ipc: '-i',
};

function isNamespace(name: string): name is Namespace {
  return Object.hasOwn(flags, name);
}

/**
 * `nsenter -t PID -n ... -- COMMAND...` as an argv. The `--` keeps a command
 * that starts with "-" from being read as an nsenter option. PID 1 (and
 * below) is refused: on the node that is the host's init, and entering it
 * would silently run the command in the host's namespaces instead of the pod's.
 */
export function nsenterArgv(pid: number | typeof lookedUpPid, namespaces: readonly string[], command: readonly string[]): readonly string[] {
  if (pid !== lookedUpPid && (!Number.isSafeInteger(pid) || pid < 2)) {
    throw new UsageError(`PID ${pid} is not a container process`, 'the PID must be an integer above 1, as found by the PID lookup');
  }
  const unknown = namespaces.filter((name) => !isNamespace(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown namespace ${unknown.map((name) => `"${name}"`).join(', ')}`,
      `choose among ${Object.keys(flags).join(', ')}`,
    );
  }
  if (namespaces.length === 0) throw new UsageError('no namespace to enter', 'give at least one, e.g. net');
  if (command.length === 0 || command[0] === '') {
    throw new UsageError('no command to run in the pod\'s namespaces', 'put it after --, e.g. -- ip addr');
  }
  const wanted = new Set(namespaces);
  const namespaceFlags = (Object.keys(flags) as Namespace[]).filter((name) => wanted.has(name)).map((name) => flags[name]);
  return ['nsenter', '-t', String(pid), ...namespaceFlags, '--', ...command];
}
