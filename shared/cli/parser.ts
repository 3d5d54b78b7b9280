import yargs, { type Argv } from 'yargs';
import { UsageError } from './errors.js';
import { VERSION } from './version.js';

/** Flags every plugin shares, as yargs types them. */
export interface CommonArgs {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout?: string;
  verbose: number;
  color: boolean;
}

export type OutputFormat = 'text' | 'json' | 'yaml';

/**
 * A yargs parser set up the kubectl way: strict (unknown flags are errors),
 * never exiting the process, failures thrown as UsageError (exit 2).
 */
export function newParser(plugin: string, argv: string[]): Argv<CommonArgs> {
  return yargs(argv)
    // Messages in English whatever LANG says: kubectlStyle() rewrites them, and tests read them.
    .detectLocale(false)
    .locale('en')
    .scriptName(`kubectl ${plugin}`)
    .parserConfiguration({ 'populate--': true, 'strip-aliased': true, 'strip-dashed': true })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error instanceof UsageError ? error : new UsageError(kubectlStyle(message ?? error?.message ?? 'invalid arguments'));
    })
    .version(VERSION)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 100))
    .group(['kubeconfig', 'context', 'namespace', 'request-timeout'], 'Cluster flags:')
    .option('kubeconfig', { type: 'string', describe: 'Path to the kubeconfig file (default: $KUBECONFIG or ~/.kube/config)' })
    .option('context', { type: 'string', describe: 'The kubeconfig context to use' })
    .option('namespace', { alias: 'n', type: 'string', describe: 'Namespace (default: the context\'s namespace)' })
    .option('request-timeout', { type: 'string', describe: 'Time to wait for each API request, like 30s or 1m (0: no limit)' })
    .option('verbose', { alias: 'v', type: 'count', describe: 'More detail on stderr (repeat for more)' })
    .option('color', { type: 'boolean', default: true, describe: 'Colour on a TTY; --no-color or NO_COLOR turns it off' }) as unknown as Argv<CommonArgs>;
}

/** yargs says "Unknown argument: bogus"; kubectl users know "unknown flag: --bogus". */
function kubectlStyle(multiLine: string): string {
  // yargs spreads some messages over lines; ours are one line each.
  const message = multiLine.replace(/\s*\n\s*/g, ' ').trim();
  if (message.startsWith('Not enough non-option arguments')) return 'missing a required argument (see Usage below)';
  const choice = /^Invalid values: Argument: (\S+), Given: (.+), Choices: (.+)$/.exec(message);
  if (choice) return `--${choice[1]} must be one of ${choice[3]!.replaceAll('"', '')}, got ${choice[2]}`;
  const unknown = /^Unknown arguments?: (.+)$/.exec(message);
  if (!unknown) return message;
  const flags = unknown[1]!.split(', ').map((f) => (f.length === 1 ? `-${f}` : `--${f}`));
  return `unknown flag${flags.length > 1 ? 's' : ''}: ${flags.join(', ')}`;
}

export const outputOption = {
  alias: 'o',
  choices: ['text', 'json', 'yaml'] as const,
  default: 'text' as const,
  describe: 'Output format',
};

/** True when yargs already printed --help or --version, so there is nothing to run. */
export function answeredByParser(args: object): boolean {
  const flags = args as { help?: unknown; version?: unknown };
  return flags.help === true || flags.version === true;
}
