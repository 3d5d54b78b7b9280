import path from 'node:path';
import { NodeShellPool } from '../../../shared/ssh/node-shell-pool.js';
import { sshOptionsFromArgs } from '../../../shared/ssh/ssh-options.js';

// The fixture home has ~/.ssh/config with "Host worker-1" (via Include) and "Host worker-* !worker-9".
const home = path.resolve('test/fixtures/ssh/home');
const local = { homeDir: home, localUser: 'alice' };
const pool = (args: Parameters<typeof sshOptionsFromArgs>[0] = {}): NodeShellPool =>
  new NodeShellPool(sshOptionsFromArgs(args, {}, home), { env: {}, local });

const node = (name: string, address?: string) => ({
  metadata: { name },
  status: { addresses: address === undefined ? [] : [{ type: 'InternalIP', address }] },
});

describe('NodeShellPool (without connecting)', () => {
  it('reads ~/.ssh/config and picks targets by the documented precedence', () => {
    const shells = pool({ nodeAddress: 'worker-2=192.168.9.2' });
    expect(shells.targetFor(node('worker-1', '10.0.0.1'))).toEqual({ node: 'worker-1', connectTo: 'worker-1', source: 'ssh-config' });
    expect(shells.targetFor(node('worker-2', '10.0.0.2'))).toEqual({ node: 'worker-2', connectTo: '192.168.9.2', source: 'override' });
    expect(shells.targetFor(node('db-1', '10.0.0.3'))).toEqual({ node: 'db-1', connectTo: '10.0.0.3', source: 'node-status' });
    expect(shells.config.notes.some((note) => note.includes('Match exec'))).toBe(true);
  });

  it('can start with a node\'s name alone only when no Node address is needed (an override or an ssh config Host)', () => {
    const shells = pool({ nodeAddress: 'db-2=192.168.9.5' });
    expect(['worker-1', 'db-2', 'db-1', 'worker-9'].map((name) => shells.reachableByName(name))).toEqual([true, true, false, false]);
  });

  it('remembers a node that cannot be reached, so it fails once, not once per command', async () => {
    const shells = pool();
    const first = shells.shell(node('lost'));
    expect(shells.shell(node('lost'))).toBe(first);
    await expect(first).rejects.toThrow('node lost has no InternalIP address to SSH to (it reports no addresses at all)');
    await expect(shells.shell({ metadata: {} })).rejects.toThrow(/without metadata.name/);
    await shells.closeAll();
  });

  it('fails on a named ssh config that does not exist', () => {
    expect(() => pool({ sshConfig: '/nonexistent/ssh_config' }).config).toThrow(/could not read SSH config \/nonexistent\/ssh_config/);
  });
});
