import { asPluginError, ExitCode, UsageError } from './errors.js';
import { paint, processIo, type Io } from './io.js';

/** What each plugin supplies: a parser (yargs only), a validator (pure) and a runner. */
export interface Plugin<A> {
  name: string;
  /** The synopsis printed under a usage error. */
  usage: string;
  /** Parses argv; undefined when the parser answered by itself (--help, --version). */
  parse(argv: string[]): Promise<A | undefined>;
  /**
   * Checks every flag, conflict and dependency; throws UsageError naming the flag. Pure: runs before
   * any file, kubeconfig or network is touched, so a bad flag exits 2 whatever the environment.
   */
  validate?(args: A, env: NodeJS.ProcessEnv): void;
  run(args: A, io: Io): Promise<number>;
}

/** A plugin whose runner (and the heavy modules behind it) loads only when it runs. */
export function lazyPlugin<A>(name: string, usage: string, parse: Plugin<A>['parse'],
  loadRun: () => Promise<(args: A, io: Io) => Promise<number>>, validate?: Plugin<A>['validate']): Plugin<A> {
  return { name, usage, parse, ...(validate && { validate }), run: async (args, io) => (await loadRun())(args, io) };
}

/** The only place that prints errors and decides the exit code. */
export async function runPlugin<A>(plugin: Plugin<A>, argv: string[], io: Io = processIo(argv.includes('--no-color'))): Promise<number> {
  try {
    const args = await plugin.parse(argv);
    if (args === undefined) return ExitCode.ok;
    plugin.validate?.(args, io.env);
    return await plugin.run(args, io);
  } catch (thrown) {
    const error = asPluginError(thrown);
    io.err.write(`${paint(io, 'red', 'error:')} ${error.message}\n`);
    if (error.hint) io.err.write(`hint: ${error.hint}\n`);
    if (error instanceof UsageError) {
      io.err.write(`Usage: ${plugin.usage}\nSee 'kubectl ${plugin.name} --help' for more.\n`);
    }
    if (argv.includes('-v') || argv.includes('--verbose')) {
      for (let cause = error.cause; cause; cause = (cause as Error).cause) {
        io.err.write(`cause: ${String((cause as Error).stack ?? cause)}\n`);
      }
    }
    return error.exitCode;
  }
}
