import { newParser, outputOption, answeredByParser, type CommonArgs, type OutputFormat } from '../../shared/cli/parser.js';
import { lazyPlugin } from '../../shared/cli/run-plugin.js';
import { addNodeAccessOptions, type NodeAccessArgs } from '../../shared/nodes/node-access.js';
import { validateNetcheckArgs } from './validate.js';
import { addSshOptions, type SshArgs } from '../../shared/ssh/ssh-options.js';

export interface NetcheckArgs extends CommonArgs, SshArgs, NodeAccessArgs {
  output: OutputFormat;
  dump?: string;
  saveBundle?: string;
  force: boolean;
  ssh: boolean;
  wait: boolean;
  timeout?: string;
  /** `iptables NODE`: the iptables view instead of the verdict. */
  iptablesNode?: string;
  service?: string;
  /** `helpers`: list (or with --delete remove) helper pods left by killed runs. */
  helpers?: boolean;
  delete?: boolean;
}

const usage = 'kubectl netcheck [--dump DIR | --ssh] [-o text|json|yaml] [--wait [--timeout D]]\n       kubectl netcheck iptables NODE [--service NS/NAME]\n       kubectl netcheck helpers [--delete]';

/** The flags and commands, defined once: parsing and shell completion both read them. */
export function netcheckParser(argv: string[]) {
  return addNodeAccessOptions(addSshOptions(newParser('netcheck', argv)))
    .usage(`$0: where is the container network setup stuck, and why?\n\nUsage:\n  ${usage}`)
    .command('$0', 'Verdict, findings and next commands')
    .command('iptables <node>', 'The node\'s iptables rules grouped by who added them (kubelet, kube-proxy, CNI)', (y) =>
      y.positional('node', { type: 'string', describe: 'Node name' }))
    .command('helpers', 'List the helper pods (--via pod) that killed runs left behind; --delete removes them')
    .option('output', outputOption)
    .option('dump', { type: 'string', describe: 'Read a `kubectl cluster-info dump --output-directory` folder instead of the live cluster' })
    .option('ssh', { type: 'boolean', default: false, describe: 'Also collect facts from every node (over SSH, or through helper pods with --via pod)' })
    .option('delete', { type: 'boolean', default: false, describe: 'With helpers: delete them' })
    .option('save-bundle', { type: 'string', describe: 'Write what was collected to DIR, in the layout --dump reads' })
    .option('force', { type: 'boolean', default: false, describe: 'With --save-bundle: replace an earlier bundle in DIR completely' })
    .option('wait', { type: 'boolean', default: false, describe: 'Watch until the container network is ready' })
    .option('timeout', { type: 'string', describe: 'With --wait: give up after this long (default: 5m)' })
    .command('completion <action> [dir]', 'Shell completion: `completion install [DIR]` writes the kubectl_complete-* helpers next to the plugins (or into DIR)')
    .option('service', { type: 'string', describe: 'With iptables: trace NS/NAME through KUBE-SERVICES to its endpoints' })
    .example('$0', 'Check the current cluster')
    .example('$0 --ssh', 'Also read CNI files, sysctls and journals on each node')
    .example('$0 --ssh --via pod', 'The same without SSH: a helper pod per node, over pods/exec')
    .example('$0 --dump ./dump', 'Diagnose a folder written by kubectl cluster-info dump --output-directory=./dump')
    .example('$0 --wait --timeout 10m', 'Wait for the container network after applying a CNI')
    .example('$0 iptables kube-node-1 --service kube-system/kube-dns', 'Who wrote which rules, and the kube-dns service path')
    .epilogue('Exit codes: 0 all OK, 1 problems found, 2 usage error, 3 could not check.');
}

async function parse(argv: string[]): Promise<NetcheckArgs | undefined> {
  const args = await netcheckParser(argv).parseAsync();
  if (answeredByParser(args)) return undefined;
  const [first] = args._;
  return {
    ...(args as unknown as NetcheckArgs),
    iptablesNode: first === 'iptables' ? String((args as { node?: string }).node ?? '') : undefined,
    helpers: first === 'helpers',
  };
}

export const netcheck = lazyPlugin('netcheck', usage, parse, async () => (await import('./run.js')).runNetcheck, validateNetcheckArgs);
