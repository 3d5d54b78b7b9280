import fs from 'node:fs';
import { PluginError, UsageError } from '../../../shared/cli/errors.js';
import { runPlugin, type Plugin } from '../../../shared/cli/run-plugin.js';
import { VERSION } from '../../../shared/cli/version.js';
import { netcheck } from '../../../plugins/netcheck/command.js';
import { nsenter } from '../../../plugins/nsenter/command.js';
import { tap } from '../../../plugins/tap/command.js';
import { captureIo } from '../../support/capture-io.js';

function pluginThatThrows(error: unknown): Plugin<object> {
  return { name: 'demo', usage: 'kubectl demo POD', parse: async () => ({}), run: async () => { throw error; } };
}

describe('runPlugin', () => {
  it('prints error and hint, and returns the error\'s exit code', async () => {
    const io = captureIo();
    const code = await runPlugin(pluginThatThrows(new PluginError('pod shop/web-0 has no node yet', 1, 'wait for scheduling')), [], io);
    expect(code).toBe(1);
    expect(io.text().err).toBe('error: pod shop/web-0 has no node yet\nhint: wait for scheduling\n');
  });

  it('a usage error exits 2 and shows the usage', async () => {
    const io = captureIo();
    expect(await runPlugin(pluginThatThrows(new UsageError('--vni must be 1..16777215, got 0')), [], io)).toBe(2);
    expect(io.text().err).toContain('Usage: kubectl demo POD\n');
  });

  it('anything else thrown is exit 1 with its message', async () => {
    const io = captureIo();
    expect(await runPlugin(pluginThatThrows(new Error('boom')), [], io)).toBe(1);
    expect(io.text().err).toBe('error: boom\n');
  });
});

describe('plugin parsers', () => {
  it.each([
    [netcheck, ['--bogus'], 'unknown flag: --bogus'],
    [netcheck, ['-o', 'xml'], '--output must be one of text, json, yaml, got "xml"'],
    [nsenter, [], 'missing a required argument'],
    [tap, ['web-0', '--mirrortype', 'sideways'], '--mirrortype must be one of ingress, egress, both, got "sideways"'],
  ] as const)('%#: rejects %j', async (plugin, argv, message) => {
    await expect((plugin as Plugin<unknown>).parse([...argv])).rejects.toThrow(message);
  });

  it('nsenter keeps everything after -- as the command, untouched', async () => {
    const args = await nsenter.parse(['web-0', '-n', 'shop', '--', 'sh', '-c', 'echo "$HOME"; ls -la']);
    expect(args?.command).toEqual(['sh', '-c', 'echo "$HOME"; ls -la']);
    expect(args?.namespace).toBe('shop');
    expect(args?.ns).toBe('net');
  });

  it('netcheck iptables NODE selects the iptables view', async () => {
    const args = await netcheck.parse(['iptables', 'kube-node-1', '--service', 'kube-system/kube-dns']);
    expect(args?.iptablesNode).toBe('kube-node-1');
    expect(args?.service).toBe('kube-system/kube-dns');
  });
});

it('VERSION matches package.json', () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
