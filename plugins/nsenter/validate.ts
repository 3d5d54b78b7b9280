import { UsageError } from '../../shared/cli/errors.js';
import { checkConflict, checkNotEmpty, checkSingle } from '../../shared/cli/validate.js';
import { validateKubeFlags } from '../../shared/kube/kube-options.js';
import { nodeAccessFromArgs } from '../../shared/nodes/node-access.js';
import { sshOptionsFromArgs } from '../../shared/ssh/ssh-options.js';
import type { NsenterArgs } from './command.js';

const namespaceKinds = ['net', 'mnt', 'pid', 'uts', 'ipc'];

/** Every flag, conflict and dependency of kubectl nsenter. Pure: no file, kubeconfig or network. */
export function validateNsenterArgs(args: NsenterArgs, env: NodeJS.ProcessEnv): void {
  validateKubeFlags(args);
  for (const [flag, value] of [['POD', args.pod], ['--container', args.container], ['--ns', args.ns], ['--output', args.output]] as const) {
    checkSingle(flag, value);
    checkNotEmpty(flag, value);
  }
  const kinds = args.ns.split(',').map((n) => n.trim());
  const unknown = kinds.filter((k) => !namespaceKinds.includes(k));
  if (unknown.length > 0) throw new UsageError(`--ns takes ${namespaceKinds.join(',')}, got ${unknown.map((k) => `"${k}"`).join(', ')}`);
  const hasCommand = args.command.length > 0;
  if (!args.ifaces && !hasCommand) {
    throw new UsageError('no command given: put it after --, like: kubectl nsenter POD -- ip addr', 'or use --ifaces for the interface map');
  }
  if (hasCommand && args.command[0]!.trim() === '') throw new UsageError('the command after -- is empty');
  checkConflict('--ifaces', args.ifaces, 'a command after --', hasCommand, '--ifaces shows the interface map and runs nothing else');
  checkConflict('--ifaces', args.ifaces, '-i/--interactive', args.interactive);
  checkConflict('--ifaces', args.ifaces, '-t/--tty', args.tty);
  if (!args.ifaces && args.output !== 'text') throw new UsageError(`-o ${args.output} only works with --ifaces (a command's output is its own)`);
  sshOptionsFromArgs(args, env);
  nodeAccessFromArgs(args, env);
}
