import { UsageError } from '../../shared/cli/errors.js';
import { checkConflict, checkDuration, checkNotEmpty, checkRequires, checkSingle } from '../../shared/cli/validate.js';
import { validateKubeFlags } from '../../shared/kube/kube-options.js';
import { nodeAccessFromArgs } from '../../shared/nodes/node-access.js';
import { sshOptionsFromArgs } from '../../shared/ssh/ssh-options.js';
import type { NetcheckArgs } from './command.js';

/** Default of --timeout (with --wait); not a yargs default, so that `--timeout` without `--wait` can be told apart. */
export const defaultWaitTimeout = '5m';

const serviceRef = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Every flag, conflict and dependency of kubectl netcheck. Pure: no file, kubeconfig or network. */
export function validateNetcheckArgs(args: NetcheckArgs, env: NodeJS.ProcessEnv): void {
  validateKubeFlags(args);
  for (const [flag, value] of [['--dump', args.dump], ['--save-bundle', args.saveBundle], ['--timeout', args.timeout], ['--service', args.service], ['--output', args.output]] as const) {
    checkSingle(flag, value);
    checkNotEmpty(flag, value);
  }
  const given = {
    dump: args.dump !== undefined, ssh: args.ssh === true, wait: args.wait === true, saveBundle: args.saveBundle !== undefined,
    timeout: args.timeout !== undefined, service: args.service !== undefined, iptables: args.iptablesNode !== undefined,
  };
  if (given.iptables) {
    if (args.iptablesNode!.trim() === '' || args.iptablesNode === 'undefined') throw new UsageError('iptables needs a node name: kubectl netcheck iptables NODE');
    checkConflict('iptables', true, '--ssh', given.ssh, 'the iptables view always reads the node over SSH (or from --dump)');
    checkConflict('iptables', true, '--wait', given.wait);
    checkConflict('iptables', true, '--save-bundle', given.saveBundle);
  }
  checkRequires('--service', given.service, 'iptables NODE', given.iptables);
  if (given.service && !serviceRef.test(args.service!)) throw new UsageError(`--service must be NAMESPACE/NAME, got "${args.service}"`, 'for example --service kube-system/kube-dns');
  checkConflict('--dump', given.dump, '--ssh', given.ssh, '--dump reads a folder');
  checkConflict('--dump', given.dump, '--via', args.via !== undefined, '--dump reads a folder');
  checkRequires('--delete', args.delete === true, 'helpers', args.helpers === true);
  checkConflict('--dump', given.dump, '--wait', given.wait, '--dump reads a folder');
  checkConflict('--wait', given.wait, '--save-bundle', given.saveBundle, 'save a bundle after the network is ready, in a second run');
  checkRequires('--timeout', given.timeout, '--wait', given.wait);
  checkRequires('--force', args.force === true, '--save-bundle', given.saveBundle);
  checkDuration('--timeout', args.timeout);
  sshOptionsFromArgs(args, env);
  nodeAccessFromArgs(args, env);
}
