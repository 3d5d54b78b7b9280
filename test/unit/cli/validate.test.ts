import { PassThrough } from 'node:stream';
import type { Io } from '../../../shared/cli/io.js';
import { runPlugin, type Plugin } from '../../../shared/cli/run-plugin.js';
import { netcheck } from '../../../plugins/netcheck/command.js';
import { nsenter } from '../../../plugins/nsenter/command.js';
import { tap } from '../../../plugins/tap/command.js';
import { badFlagCases } from '../../support/bad-flags.js';

const plugins = { netcheck, nsenter, tap } as Record<string, Plugin<unknown>>;

/** No kubeconfig anywhere: a bad flag must still exit 2 (validate runs before anything is read). */
function io(): Io & { err: PassThrough; text(): string } {
  const out = new PassThrough();
  const err = new PassThrough();
  let text = '';
  err.on('data', (d) => (text += d));
  out.resume();
  return { out, err, color: false, interactive: false, env: { KUBECONFIG: '/nonexistent/kubeconfig', HOME: '/nonexistent' }, text: () => text };
}

describe('validate: every bad flag exits 2 naming it, with no kubeconfig', () => {
  it.each(badFlagCases.map((c) => [`kubectl ${c.plugin} ${c.argv.map((a) => JSON.stringify(a)).join(' ')}`, c] as const))('%s', async (_line, c) => {
    const sink = io();
    const code = await runPlugin(plugins[c.plugin]!, [...c.argv], sink);
    const firstLine = sink.text().split('\n')[0]!;
    expect(firstLine).toMatch(/^error: /);
    if (typeof c.says === 'string') expect(firstLine).toContain(c.says);
    else expect(firstLine).toMatch(c.says);
    expect(code).toBe(2);
  });
});

describe('validate accepts what makes sense', () => {
  it.each([
    ['netcheck', '--wait --timeout 10m'],
    ['netcheck', 'iptables kube-node-1 --service kube-system/kube-dns'],
    ['netcheck', '--dump ./dump -o json'],
    ['nsenter', 'web-0 --ifaces -o yaml'],
    ['nsenter', 'web-0 --ns net,pid -- ip addr'],
    ['tap', '--list -o json'],
    ['tap', '--delete web-0'],
    ['tap', 'web-0 --dest-ip 10.0.0.9 --duration 30s'],
  ])('kubectl %s %s', async (name, line) => {
    const plugin = plugins[name]!;
    const args = await plugin.parse(line.split(' '));
    expect(() => plugin.validate!(args!, {})).not.toThrow();
  });
});
