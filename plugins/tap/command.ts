import { newParser, outputOption, answeredByParser, type CommonArgs, type OutputFormat } from '../../shared/cli/parser.js';
import { lazyPlugin } from '../../shared/cli/run-plugin.js';
import { addNodeAccessOptions, type NodeAccessArgs } from '../../shared/nodes/node-access.js';
import { validateTapArgs } from './validate.js';
import { addSshOptions, type SshArgs } from '../../shared/ssh/ssh-options.js';

export type MirrorDirection = 'ingress' | 'egress' | 'both';

export interface TapArgs extends CommonArgs, SshArgs, NodeAccessArgs {
  pod?: string;
  dest?: string;
  destIp?: string;
  vxlanId: number;
  vxlanPort: number;
  mirrortype: MirrorDirection;
  ifname?: string;
  capture?: string;
  filter?: string;
  detach: boolean;
  duration?: string;
  list: boolean;
  delete: boolean;
  dryRun: boolean;
  output: OutputFormat;
}

const usage = 'kubectl tap POD [-n NS] --dest NODE | --dest-ip IP [--vxlan-id N] [--vxlan-port 4789] [--mirrortype ingress|egress|both] [--capture FILE|-]\n       kubectl tap --list | --delete [POD]';

/** yargs reads a lone "-" as a stray positional; `--capture -` means stdout, so glue it to its flag. */
function glueStdoutDash(argv: string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '-' && argv[i - 1] === '--capture' ? [] : arg === '--capture' && argv[i + 1] === '-' ? ['--capture=-'] : [arg]));
}

/** The flags, defined once: parsing and shell completion both read them. */
export function tapParser(argv: string[]) {
  return addNodeAccessOptions(addSshOptions(newParser('tap', glueStdoutDash(argv))))
    .usage(`$0: mirror a pod's traffic into a VXLAN tunnel to another node, and capture it\n\nUsage:\n  ${usage}`)
    .command('$0 [pod]', 'Mirror POD\'s traffic', (y) => y.positional('pod', { type: 'string', describe: 'Pod name' }))
    .option('dest', { type: 'string', describe: 'Node that receives the mirrored traffic' })
    .option('dest-ip', { type: 'string', describe: 'Address that receives it (instead of --dest)' })
    .option('vxlan-id', { type: 'number', default: 4242, describe: 'VXLAN network identifier (1..16777215)' })
    .option('vxlan-port', { type: 'number', default: 4789, describe: 'VXLAN UDP port' })
    .option('mirrortype', { choices: ['ingress', 'egress', 'both'] as const, default: 'both' as const, describe: 'Which directions to mirror' })
    .option('ifname', { type: 'string', describe: 'Name of the vxlan device on both nodes (default: ntap<VNI>)' })
    .option('capture', { type: 'string', describe: 'Run tcpdump on the receiving node and write the pcap to FILE, or - for stdout' })
    .option('filter', { type: 'string', describe: 'BPF filter for --capture' })
    .option('duration', { type: 'string', describe: 'Stop by itself after this long, like 30s or 5m (default: at Ctrl-C)' })
    .option('detach', { type: 'boolean', default: false, describe: 'Leave the tap up and return; remove it later with --delete' })
    .option('list', { type: 'boolean', default: false, describe: 'List detached taps' })
    .option('delete', { type: 'boolean', default: false, describe: 'Remove detached taps (of POD, or all)' })
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the exact commands for both nodes; change nothing' })
    .option('output', outputOption)
    .example('$0 web-0 --dest kube-node-2', 'Mirror both directions; then run tcpdump -i ntap4242 on kube-node-2')
    .example('$0 web-0 --dest kube-node-2 --capture - | wireshark -k -i -', 'Watch the pod\'s packets live in Wireshark')
    .example('$0 web-0 --dest kube-node-2 --detach', 'Leave the tap up; kubectl tap --list shows it');
}

async function parse(argv: string[]): Promise<TapArgs | undefined> {
  const args = await tapParser(argv).parseAsync();
  if (answeredByParser(args)) return undefined;
  return args as unknown as TapArgs;
}

export const tap = lazyPlugin('tap', usage, parse, async () => (await import('./run.js')).runTap, validateTapArgs);
