import yargs from 'yargs';
import { UsageError } from '../../../shared/cli/errors.js';
import { addSshOptions, sshOptionsFromArgs, type SshArgs } from '../../../shared/ssh/ssh-options.js';

/** Parses argv the way the plugins' parser does (camelCase only), then normalizes. */
async function optionsFor(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const parser = addSshOptions(yargs(argv).parserConfiguration({ 'strip-aliased': true, 'strip-dashed': true }).strict().exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    }));
  const args: SshArgs = await parser.parseAsync();
  return sshOptionsFromArgs(args, env, '/home/alice');
}

describe('addSshOptions + sshOptionsFromArgs', () => {
  it('has quiet defaults', async () => {
    expect(await optionsFor([])).toEqual({
      sshKeys: [], sshConfigFile: '/home/alice/.ssh/config', sshConfigExplicit: false, insecureSkipHostKeyCheck: false,
      nodeAddressType: 'InternalIP', nodeAddresses: new Map(),
    });
  });

  it('reads every flag', async () => {
    const options = await optionsFor([
      '--ssh-user', 'ubuntu', '--ssh-key', '/k1', '--ssh-key', '/k2', '--ssh-port', '2222', '--ssh-jump', 'ops@bastion:22,inner',
      '--ssh-config', '/etc/cfg', '--insecure-skip-host-key-check', '--node-address-type', 'ExternalIP',
      '--node-address', 'a=10.0.0.1', '--node-address', 'b=host.example', '--ssh-connect-timeout', '3s',
    ]);
    expect(options).toEqual({
      sshUser: 'ubuntu', sshKeys: ['/k1', '/k2'], sshPort: 2222,
      sshJump: [{ user: 'ops', host: 'bastion', port: 22 }, { host: 'inner' }],
      sshConfigFile: '/etc/cfg', sshConfigExplicit: true, insecureSkipHostKeyCheck: true, nodeAddressType: 'ExternalIP',
      nodeAddresses: new Map([['a', '10.0.0.1'], ['b', 'host.example']]), connectTimeoutMs: 3000,
    });
  });

  it('takes the config file from NETCHECK_SSH_CONFIG when no flag names one', async () => {
    expect((await optionsFor([], { NETCHECK_SSH_CONFIG: '/env/cfg' })).sshConfigFile).toBe('/env/cfg');
    expect((await optionsFor(['--ssh-config', '/flag'], { NETCHECK_SSH_CONFIG: '/env/cfg' })).sshConfigFile).toBe('/flag');
  });

  it.each([
    [['--ssh-port', '0'], /--ssh-port: "0" is not a TCP port/],
    [['--ssh-port', 'ssh'], /not a TCP port/],
    [['--node-address', 'worker-1'], /--node-address must be NODE=ADDRESS/],
    [['--node-address', 'a=1', '--node-address', 'a=2'], /two addresses/],
    [['--ssh-jump', 'user@'], /--ssh-jump: "user@" is not a host/],
    [['--ssh-connect-timeout', 'soon'], /--ssh-connect-timeout must be a duration/],
    [['--node-address-type', 'InternalDNS'], /--node-address-type must be one of InternalIP, ExternalIP, Hostname/],
  ])('rejects %j', async (argv, message) => {
    await expect(optionsFor(argv)).rejects.toThrow(message);
  });
});
