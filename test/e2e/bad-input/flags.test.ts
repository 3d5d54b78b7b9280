import { badFlagCases } from '../../support/bad-flags.js';
import { expectCleanFailure, runBadInput, type PluginBinary } from '../../support/bad-input.js';

// Bad flags through the built binaries, with no kubeconfig anywhere: exit 2 naming the flag,
// before any file, kubeconfig or network is touched (else the missing kubeconfig would say exit 3).
describe('bad flags (built binaries, no kubeconfig)', () => {
  it.concurrent.each(badFlagCases.map((c) => [`kubectl ${c.plugin} ${c.argv.map((a) => JSON.stringify(a)).join(' ')}`, c] as const))('%s', async (_line, c) => {
    const run = await runBadInput(`kubectl-${c.plugin}` as PluginBinary, c.argv, { env: { LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } });
    expectCleanFailure(run, { code: 2, says: c.says });
  }, 30_000);
});
