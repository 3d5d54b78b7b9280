import fs from 'node:fs';
import path from 'node:path';
import { answeredByParser, newParser, type CommonArgs } from '../../shared/cli/parser.js';
import { UsageError } from '../../shared/cli/errors.js';
import type { Io } from '../../shared/cli/io.js';
import { lazyPlugin } from '../../shared/cli/run-plugin.js';
import { findOnPath, planShims } from '../../shared/complete/shims.js';

interface CompletionInstallArgs extends CommonArgs {
  dir?: string;
  dryRun: boolean;
}

const usage = 'kubectl netcheck completion install [DIR] [--dry-run]';

async function parse(argv: string[]): Promise<CompletionInstallArgs | undefined> {
  // yargs would call an unknown action an unknown flag.
  const action = argv[1];
  if (action !== undefined && !action.startsWith('-') && action !== 'install') {
    throw new UsageError(`unknown completion action "${action}"`, 'the action is install');
  }
  const args = await newParser('netcheck completion', argv.slice(1))
    .usage(`$0 install: shell completion for kubectl netcheck, nsenter and tap\n\nUsage:\n  ${usage}\n\n` +
      'kubectl 1.26+ completes a plugin by running kubectl_complete-<plugin> from PATH. This writes those three small\n' +
      'scripts next to the kubectl-netcheck that kubectl runs (or into DIR, which must be on PATH), and nothing else.')
    .command('install [dir]', 'Write the three kubectl_complete-* helpers', (y) => y.positional('dir', { type: 'string', describe: 'Directory on PATH' }))
    .demandCommand(1, 1)
    .option('dry-run', { type: 'boolean', default: false, describe: 'Print the files and their content; write nothing' })
    .parseAsync();
  if (answeredByParser(args)) return undefined;
  return args as unknown as CompletionInstallArgs;
}

const isFile = (file: string) => {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
};

async function runCompletionInstall(args: CompletionInstallArgs, io: Io): Promise<number> {
  const platform = process.platform;
  // The kubectl-netcheck kubectl runs (krew's bin link, which follows upgrades), else this very executable.
  const binary = findOnPath('kubectl-netcheck', platform, io.env.PATH ?? '', isFile) ?? process.execPath;
  const dir = path.resolve(args.dir ?? path.dirname(binary));
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`${dir} is not a directory`, 'pass an existing directory on PATH, or none for the one holding kubectl-netcheck');
  }
  const shims = planShims(platform, binary, dir);
  for (const shim of shims) {
    if (args.dryRun) {
      io.out.write(`would write ${shim.file}:\n${shim.content.replaceAll('\r', '')}\n`);
      continue;
    }
    fs.writeFileSync(shim.file, shim.content, { mode: 0o755 });
    fs.chmodSync(shim.file, 0o755);
    io.out.write(`wrote ${shim.file}\n`);
  }
  const onPath = (io.env.PATH ?? '').split(path.delimiter).some((d) => d !== '' && path.resolve(d) === dir);
  if (!onPath) io.err.write(`warning: ${dir} is not on PATH, so kubectl will not find the helpers there\n`);
  return 0;
}

/** `kubectl netcheck completion install [DIR]`, run like a plugin of its own (errors, exit codes). */
export const completionInstall = lazyPlugin('netcheck', usage, parse, async () => runCompletionInstall);
