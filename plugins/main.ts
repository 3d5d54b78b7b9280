import path from 'node:path';
import type { Argv } from 'yargs';
import { VERSION } from '../shared/cli/version.js';
import type { Plugin } from '../shared/cli/run-plugin.js';

/**
 * One binary serves the three plugins: kubectl runs it as kubectl-netcheck,
 * kubectl-nsenter or kubectl-tap, and the name it was started by picks the plugin.
 * Each plugin's modules load only when it runs, so start-up stays short.
 */
const plugins: Record<string, () => Promise<Plugin<never>>> = {
  'kubectl-netcheck': async () => (await import('./netcheck/command.js')).netcheck as Plugin<never>,
  'kubectl-nsenter': async () => (await import('./nsenter/command.js')).nsenter as Plugin<never>,
  'kubectl-tap': async () => (await import('./tap/command.js')).tap as Plugin<never>,
};

/** Each plugin's flag definitions, for shell completion (kubectl runs kubectl_complete-PLUGIN). */
const parsers: Record<string, () => Promise<(argv: string[]) => Argv<unknown>>> = {
  netcheck: async () => (await import('./netcheck/command.js')).netcheckParser as unknown as (argv: string[]) => Argv<unknown>,
  nsenter: async () => (await import('./nsenter/command.js')).nsenterParser as unknown as (argv: string[]) => Argv<unknown>,
  tap: async () => (await import('./tap/command.js')).tapParser as unknown as (argv: string[]) => Argv<unknown>,
};

function startedAs(): string {
  // A single executable sees its own path in argv[0]; `node bundle.cjs` in argv[1].
  // On Windows the name ends in .exe (any case) and the path uses backslashes.
  const names = [process.argv[1], process.argv[0]].map((p) => path.win32.basename(p ?? '').replace(/\.(c?js|exe|cmd)$/i, ''));
  return names.find((name) => name in plugins || name.startsWith('kubectl_complete-')) ?? process.env.KUBECTL_NETCHECK_PLUGIN ?? 'kubectl-netcheck';
}

/** A completion request: started as kubectl_complete-PLUGIN, or `__complete PLUGIN WORDS...` (what the helpers run). */
function completionRequest(name: string, argv: string[]): { plugin: string; words: string[] } | undefined {
  if (name.startsWith('kubectl_complete-')) return { plugin: name.slice('kubectl_complete-'.length), words: argv };
  if (argv[0] === '__complete' && argv[1] !== undefined && argv[1] in parsers) return { plugin: argv[1], words: argv.slice(2) };
  return undefined;
}

async function main(argv: string[]): Promise<number> {
  // Deprecation notices from bundled libraries (punycode, via node-fetch) mean nothing to a kubectl user.
  process.noDeprecation = true;
  // `--version` alone needs no parser: answer before loading anything.
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const name = startedAs();
  const completion = completionRequest(name, argv);
  if (completion) {
    const parser = await parsers[completion.plugin]?.();
    if (!parser) return 0;
    const { answerCompletion } = await import('../shared/complete/answer.js');
    const answer = await answerCompletion(parser([]), completion.words);
    // An API request that timed out may still hold a socket: the answer is out, so end now.
    process.stdout.write(answer, () => process.exit(0));
    return 0;
  }
  const { runPlugin } = await import('../shared/cli/run-plugin.js');
  if (name === 'kubectl-netcheck' && argv[0] === 'completion') {
    const { completionInstall } = await import('./netcheck/completion-install.js');
    return runPlugin(completionInstall as Plugin<unknown>, argv);
  }
  const plugin = await (plugins[name] ?? plugins['kubectl-netcheck']!)();
  return runPlugin(plugin as Plugin<unknown>, argv);
}

// No top-level await: the single binary runs this bundle as CommonJS.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
