import path from 'node:path';
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

function startedAs(): string {
  // A single executable sees its own path in argv[0]; `node bundle.cjs` in argv[1].
  // On Windows the name ends in .exe (any case) and the path uses backslashes.
  const names = [process.argv[1], process.argv[0]].map((p) => path.win32.basename(p ?? '').replace(/\.(c?js|exe)$/i, ''));
  return names.find((name) => name in plugins) ?? process.env.KUBECTL_NETCHECK_PLUGIN ?? 'kubectl-netcheck';
}

async function main(argv: string[]): Promise<number> {
  // Deprecation notices from bundled libraries (punycode, via node-fetch) mean nothing to a kubectl user.
  process.noDeprecation = true;
  // `--version` alone needs no parser: answer before loading anything.
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { runPlugin } = await import('../shared/cli/run-plugin.js');
  const plugin = await (plugins[startedAs()] ?? plugins['kubectl-netcheck']!)();
  return runPlugin(plugin as Plugin<unknown>, argv);
}

// No top-level await: the single binary runs this bundle as CommonJS.
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
