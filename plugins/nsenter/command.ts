import { newParser, outputOption, answeredByParser, type CommonArgs, type OutputFormat } from '../../shared/cli/parser.js';
import { lazyPlugin } from '../../shared/cli/run-plugin.js';
import { addNodeAccessOptions, type NodeAccessArgs } from '../../shared/nodes/node-access.js';
import { validateNsenterArgs } from './validate.js';
import { addSshOptions, type SshArgs } from '../../shared/ssh/ssh-options.js';

export interface NsenterArgs extends CommonArgs, SshArgs, NodeAccessArgs {
  pod: string;
  container?: string;
  ns: string;
  ifaces: boolean;
  interactive: boolean;
  tty: boolean;
  dryRun: boolean;
  output: OutputFormat;
  command: string[];
}

const usage = 'kubectl nsenter POD [-n NS] [-c CONTAINER] [--ns net,mnt,pid,uts,ipc] -- CMD [ARGS...]\n       kubectl nsenter POD --ifaces [-o json]';

/** The flags, defined once: parsing and shell completion both read them. */
export function nsenterParser(argv: string[]) {
  return addNodeAccessOptions(addSshOptions(newParser('nsenter', argv)))
    .usage(`$0: run a command in a pod's namespaces on its node, over SSH or a helper pod\n\nUsage:\n  ${usage}`)
    .command('$0 <pod>', 'Run CMD (after --) in the pod\'s namespaces', (y) => y.positional('pod', { type: 'string', describe: 'Pod name' }))
    .option('container', { alias: 'c', type: 'string', describe: 'Container whose process to enter (default: the first)' })
    .option('ns', { type: 'string', default: 'net', describe: 'Namespaces to enter, comma separated: net,mnt,pid,uts,ipc' })
    .option('ifaces', { type: 'boolean', default: false, describe: 'Show the pod\'s interfaces and their host-side veth and bridge' })
    .option('interactive', { alias: 'i', type: 'boolean', default: false, describe: 'Forward stdin' })
    .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'Allocate a PTY (for a shell)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the node, address and remote commands; run nothing' })
    .option('output', outputOption)
    .example('$0 coredns-6d4b75cb6d-x2x9z -n kube-system -- ip addr', 'The pod\'s interfaces, seen from inside')
    .example('$0 web-0 -it -- sh', 'An interactive shell in the pod\'s network namespace (node tools)')
    .example('$0 web-0 --ifaces', 'eth0@ifN inside, vethXXXX@ifM and its bridge on the node');
}

async function parse(argv: string[]): Promise<NsenterArgs | undefined> {
  const args = await nsenterParser(argv).parseAsync();
  if (answeredByParser(args)) return undefined;
  const command = ((args as { '--'?: unknown[] })['--'] ?? []).map(String);
  return { ...(args as unknown as NsenterArgs), command };
}

export const nsenter = lazyPlugin('nsenter', usage, parse, async () => (await import('./run.js')).runNsenter, validateNsenterArgs);
