import { parseSshConfig } from '../../../shared/ssh/ssh-config.js';
import { planConnection, type EndpointContext } from '../../../shared/ssh/ssh-endpoint.js';
import type { SshOptions } from '../../../shared/ssh/ssh-options.js';

const config = parseSshConfig(`
Host worker-*
  User ubuntu
  ProxyJump bastion
Host bastion
  HostName 198.51.100.7
  User jumper
  Port 2201
  IdentityFile ~/.ssh/bastion
Host 10.0.*
  UserKnownHostsFile ~/.ssh/lab_hosts
  IdentityAgent none
  ConnectTimeout 4
`, 'config');

const baseOptions: SshOptions = {
  sshKeys: [], sshConfigFile: '/home/alice/.ssh/config', sshConfigExplicit: false, insecureSkipHostKeyCheck: false,
  nodeAddressType: 'InternalIP', nodeAddresses: new Map(),
};
const context = (options: Partial<SshOptions> = {}): EndpointContext => ({
  config, options: { ...baseOptions, ...options }, local: { homeDir: '/home/alice', localUser: 'alice' }, env: { SSH_AUTH_SOCK: '/run/agent.sock' },
});

describe('planConnection', () => {
  it('goes through the ProxyJump of the config, each hop with its own settings', () => {
    const [hop, node, ...rest] = planConnection('worker-1', 'worker-1', context());
    expect(rest).toEqual([]);
    expect(hop).toMatchObject({
      label: 'jump host bastion (on the way to node worker-1)', host: '198.51.100.7', port: 2201, user: 'jumper',
      explicitKeys: [], configKeys: ['/home/alice/.ssh/bastion'], agentSocket: '/run/agent.sock', hostKeyName: '198.51.100.7',
    });
    expect(node).toMatchObject({
      label: 'node worker-1', host: 'worker-1', port: 22, user: 'ubuntu', strictHostKeyChecking: 'yes', connectTimeoutMs: 10_000,
      knownHostsFiles: ['/home/alice/.ssh/known_hosts', '/home/alice/.ssh/known_hosts2', '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'],
    });
  });

  it('lets flags beat the config for the node, but not for the jump hosts', () => {
    const endpoints = planConnection('worker-1', 'worker-1', context({ sshUser: 'root', sshPort: 2022, sshKeys: ['/k'] }));
    expect(endpoints.map(({ user, port }) => `${user}:${port}`)).toEqual(['jumper:2201', 'root:2022']);
    expect(endpoints[1]?.explicitKeys).toEqual(['/k']);
  });

  it('replaces the ProxyJump with --ssh-jump, and "none" removes it', () => {
    const jumped = planConnection('worker-1', '10.0.0.5', context({ sshJump: [{ user: 'me', host: 'gw', port: 2200 }, { host: 'bastion' }] }));
    expect(jumped.map(({ user, host, port }) => `${user}@${host}:${port}`)).toEqual(['me@gw:2200', 'jumper@198.51.100.7:2201', 'alice@10.0.0.5:22']);
    expect(planConnection('worker-1', 'worker-1', context({ sshJump: [] }))).toHaveLength(1);
  });

  it('applies config blocks matching the address, and flag timeouts over ConnectTimeout', () => {
    const [node] = planConnection('n', '10.0.0.5', context());
    expect(node).toMatchObject({ knownHostsFiles: ['/home/alice/.ssh/lab_hosts', '/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'], connectTimeoutMs: 4000 });
    expect(node?.agentSocket).toBeUndefined();
    expect(planConnection('n', '10.0.0.5', context({ connectTimeoutMs: 1500 }))[0]?.connectTimeoutMs).toBe(1500);
  });
});
