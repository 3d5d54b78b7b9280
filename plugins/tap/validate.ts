import net from 'node:net';
import { UsageError } from '../../shared/cli/errors.js';
import { shown } from '../../shared/cli/safe-text.js';
import { checkConflict, checkDuration, checkIntegerRange, checkNotEmpty, checkSingle } from '../../shared/cli/validate.js';
import { validateKubeFlags } from '../../shared/kube/kube-options.js';
import { nodeAccessFromArgs } from '../../shared/nodes/node-access.js';
import { sshOptionsFromArgs } from '../../shared/ssh/ssh-options.js';
import type { TapArgs } from './command.js';

// What the kernel accepts as a link name: 1..15 bytes, no "/", ":" or whitespace.
const linkName = /^[A-Za-z0-9_.-]{1,15}$/;

/** Every flag, conflict and dependency of kubectl tap. Pure: no file, kubeconfig or network. */
export function validateTapArgs(args: TapArgs, env: NodeJS.ProcessEnv = {}): void {
  validateKubeFlags(args);
  for (const [flag, value] of [['POD', args.pod], ['--dest', args.dest], ['--dest-ip', args.destIp], ['--ifname', args.ifname], ['--capture', args.capture],
    ['--filter', args.filter], ['--duration', args.duration], ['--output', args.output], ['--vxlan-id', args.vxlanId], ['--vxlan-port', args.vxlanPort]] as const) {
    checkSingle(flag, value);
    if (typeof value === 'string' || value === undefined) checkNotEmpty(flag, value);
  }
  const list = args.list === true;
  const remove = args.delete === true;
  checkConflict('--list', list, '--delete', remove, 'list first, then delete');
  if (list || remove) {
    const mode = list ? '--list' : '--delete';
    const setUpFlags = [['--dest', args.dest], ['--dest-ip', args.destIp], ['--capture', args.capture], ['--filter', args.filter],
      ['--duration', args.duration], ['--ifname', args.ifname], ['--detach', args.detach ? true : undefined]] as const;
    for (const [flag, value] of setUpFlags) checkConflict(mode, true, flag, value !== undefined, `${flag} sets up a tap`);
    if (remove && args.output !== 'text') throw new UsageError(`-o ${args.output} only works with --list`);
    sshOptionsFromArgs(args, env);
    nodeAccessFromArgs(args, env);
    return;
  }
  if (args.output !== 'text') throw new UsageError(`-o ${args.output} only works with --list`);
  if (!args.pod) throw new UsageError('which pod? kubectl tap POD --dest NODE');
  if (Boolean(args.dest) === Boolean(args.destIp)) throw new UsageError('give exactly one of --dest NODE or --dest-ip IP');
  if (args.destIp !== undefined && net.isIP(args.destIp) === 0) throw new UsageError(`--dest-ip must be an IP address, got "${shown(args.destIp)}"`);
  checkIntegerRange('--vxlan-id', args.vxlanId, 1, 16_777_215);
  checkIntegerRange('--vxlan-port', args.vxlanPort, 1, 65_535);
  if (args.ifname !== undefined && !linkName.test(args.ifname)) throw new UsageError(`--ifname must be a link name of 1..15 letters, digits, "_", "." or "-", got "${shown(args.ifname)}"`);
  if (args.capture !== undefined && !args.dest) throw new UsageError('--capture needs --dest: tcpdump runs on the receiving node');
  if (args.capture !== undefined && args.detach) throw new UsageError('--capture streams until you stop it; it cannot be combined with --detach');
  if (args.filter !== undefined && args.capture === undefined) throw new UsageError('--filter goes with --capture');
  checkDuration('--duration', args.duration);
  if (args.duration !== undefined && args.detach) throw new UsageError('--duration and --detach exclude each other: a detached tap stays until --delete');
  sshOptionsFromArgs(args, env);
  nodeAccessFromArgs(args, env);
}
