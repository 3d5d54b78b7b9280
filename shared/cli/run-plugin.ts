import { asPluginError, ExitCode, PluginError, UsageError } from './errors.js';
import { paint, processIo, type Io } from './io.js';
import { escapeControl } from './safe-text.js';

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
  const outputFailure = watchOutput(io);
  try {
    const args = await plugin.parse(argv);
    if (args === undefined) return ExitCode.ok;
    plugin.validate?.(args, io.env);
    const code = await Promise.race([plugin.run(args, io), outputFailure.promise]);
    // The result is only delivered once it is written: a full disk or a closed pipe shows up here.
    await Promise.race([flushed(io), outputFailure.promise]);
    return code;
  } catch (thrown) {
    const error = asPluginError(thrown);
    // One line each, whatever the message carries (names from the cluster, a parser's multi-line excerpt).
    io.err.write(`${paint(io, 'red', 'error:')} ${escapeControl(error.message.trimEnd())}\n`);
    if (error.hint) io.err.write(`hint: ${escapeControl(error.hint.trimEnd())}\n`);
    if (error instanceof UsageError) {
      io.err.write(`Usage: ${plugin.usage}\nSee 'kubectl ${plugin.name} --help' for more.\n`);
    }
    if (argv.includes('-v') || argv.includes('--verbose')) {
      for (let cause = error.cause; cause; cause = (cause as Error).cause) {
        io.err.write(`cause: ${String((cause as Error).stack ?? cause)}\n`);
      }
    }
    return error.exitCode;
  } finally {
    outputFailure.dispose();
  }
}

function flushed(io: Io): Promise<void> {
  return new Promise((resolve, reject) => {
    io.out.write('', (error) => (error ? reject(new PluginError(`cannot write the output: ${(error as NodeJS.ErrnoException).code === 'EPIPE' ? 'the reading end of the pipe was closed' : error.message}`, ExitCode.couldNotCheck)) : resolve()));
  });
}

/**
 * stdout closed under us (`| head`: EPIPE) or a full disk (ENOSPC): the run ends with one line
 * naming it, instead of an unhandled stream error and a stack trace.
 */
function watchOutput(io: Io): { promise: Promise<never>; dispose: () => void } {
  let onError: (error: NodeJS.ErrnoException) => void = () => undefined;
  const promise = new Promise<never>((_, reject) => {
    onError = (error) => reject(new PluginError(`cannot write the output: ${error.code === 'EPIPE' ? 'the reading end of the pipe was closed' : error.message}`,
      ExitCode.couldNotCheck));
  });
  promise.catch(() => undefined);
  io.out.on('error', onError);
  // Later errors (after we are done) are ignored: the run is already over.
  return { promise, dispose: () => { io.out.off('error', onError); io.out.on('error', () => undefined); } };
}
