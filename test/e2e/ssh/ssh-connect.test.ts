import net from 'node:net';
import path from 'node:path';
import { PluginError } from '../../../shared/cli/errors.js';
import { forEachNode } from '../../../shared/ssh/probe-nodes.js';
import { labNode, labPool, recordingLog } from './lab-pool.js';
import { newKey, SshdLab, sshE2e, sshE2eTimeoutMs, type Sshd } from './sshd-lab.js';

const { describeLab, slowIt } = sshE2e('ssh-connect');

/** What shell() failed with, as a PluginError. */
async function connectError(promise: Promise<unknown>): Promise<PluginError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(PluginError);
    return error as PluginError;
  }
  throw new Error('expected the connection to fail');
}

describeLab('connecting: host keys, authentication, jump hosts, dead nodes', () => {
  let lab: SshdLab; // made in beforeAll: describe.skip still runs this body
  let bastion: Sshd;
  let inner: Sshd;
  let bothKnown: string;
  let agentSocket: string;
  const nodeA = (): ReturnType<typeof labNode> => labNode('node-a', lab.nodeAddress);
  const keyFlags = (): { sshKey: string; sshPort: string } => ({ sshKey: lab.clientKey.privateFile, sshPort: '2222' });

  beforeAll(async () => {
    lab = new SshdLab(1);
    lab.start();
    bastion = await lab.startSshd('bastion', `${lab.nodeAddress}:2222`);
    inner = await lab.startSshd('inner', '127.0.0.1:2223'); // only reachable from inside the namespace
    bothKnown = lab.knownHosts('known_hosts', [lab.knownHostsLine(bastion), lab.knownHostsLine(inner)], true);
    const agentKey = newKey(path.join(lab.dir, 'agent_key'));
    lab.authorize(agentKey.publicLine);
    agentSocket = await lab.startAgent(agentKey.privateFile);
  }, sshE2eTimeoutMs);

  afterAll(async () => {
    await lab?.stop();
  }, sshE2eTimeoutMs);

  slowIt('refuses an unknown host key, naming node, address, key type and SHA256 fingerprint', async () => {
    const pool = labPool(lab, { knownHosts: lab.knownHosts('empty_known_hosts', []), flags: keyFlags() });
    const error = await connectError(pool.shell(nodeA()));
    expect(error.message).toBe(`refused to connect to node node-a (${lab.nodeAddress}:2222): its host key is not in known_hosts ` +
      `(it presented ssh-ed25519 key ${bastion.hostKey.fingerprint}, searched ${path.join(lab.dir, 'empty_known_hosts')})`);
    expect(error.hint).toContain(`ssh-keyscan -p 2222 -t ed25519 ${lab.nodeAddress} >> ${path.join(lab.dir, 'empty_known_hosts')}`);
    await pool.closeAll();
  });

  slowIt('refuses a changed host key', async () => {
    const impostor = newKey(path.join(lab.dir, 'old_host_key'));
    const knownHosts = lab.knownHosts('changed_known_hosts', [lab.knownHostsLine(bastion, impostor.publicLine)]);
    const pool = labPool(lab, { knownHosts, flags: keyFlags() });
    const error = await connectError(pool.shell(nodeA()));
    expect(error.message).toMatch(/HOST KEY CHANGED/);
    expect(error.message).toContain(`ssh-ed25519 key ${bastion.hostKey.fingerprint}`);
    expect(error.hint).toContain(`ssh-keygen -R '[${lab.nodeAddress}]:2222' -f ${knownHosts}`);
    await pool.closeAll();
  });

  slowIt('connects without checking only with --insecure-skip-host-key-check, and warns', async () => {
    const log = recordingLog();
    const pool = labPool(lab, { knownHosts: lab.knownHosts('empty_known_hosts', []), log, flags: { ...keyFlags(), insecureSkipHostKeyCheck: true } });
    expect(await (await pool.shell(nodeA())).run(['echo', 'in'])).toBe('in\n');
    expect(log.warnings.join('\n')).toContain(`--insecure-skip-host-key-check; it presented ssh-ed25519 key ${bastion.hostKey.fingerprint}`);
    await pool.closeAll();
  });

  slowIt('logs in with ssh-agent alone', async () => {
    const pool = labPool(lab, { knownHosts: bothKnown, env: { SSH_AUTH_SOCK: agentSocket }, flags: { sshPort: '2222' } });
    expect(await (await pool.shell(nodeA())).run(['id', '-un'])).toBe('root\n');
    await pool.closeAll();
  });

  slowIt('explains a refused login', async () => {
    const stranger = newKey(path.join(lab.dir, 'stranger_key'));
    const pool = labPool(lab, { knownHosts: bothKnown, flags: { sshKey: stranger.privateFile, sshPort: '2222' } });
    const error = await connectError(pool.shell(nodeA()));
    expect(error.message).toBe(`node node-a (${lab.nodeAddress}:2222) refused SSH login as "root" (tried key ${stranger.privateFile})`);
    expect(error.hint).toMatch(/--ssh-user.*--ssh-key.*authorized_keys/);
    const keyless = labPool(lab, { knownHosts: bothKnown, flags: { sshPort: '2222' } });
    expect((await connectError(keyless.shell(nodeA()))).message).toMatch(/tried nothing: no ssh-agent and no usable key file/);
    await Promise.all([pool.closeAll(), keyless.closeAll()]);
  });

  slowIt('reaches a node only its jump host can reach (--ssh-jump), checking both host keys', async () => {
    const flags = { sshKey: lab.clientKey.privateFile, sshJump: `root@${lab.nodeAddress}:2222`, nodeAddress: 'node-b=127.0.0.1', sshPort: '2223' };
    const pool = labPool(lab, { knownHosts: bothKnown, flags });
    const shell = await pool.shell(labNode('node-b', '192.0.2.99'));
    expect((await shell.run(['sh', '-c', 'echo $SSH_CONNECTION'])).trim()).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 2223$/);
    await pool.closeAll();

    // Without the jump host, 127.0.0.1:2223 is this machine's loopback, where nothing listens.
    const direct = labPool(lab, { knownHosts: bothKnown, flags: { ...flags, sshJump: 'none' } });
    expect((await connectError(direct.shell(labNode('node-b', '192.0.2.99')))).message).toMatch(/^could not connect to node node-b \(127\.0\.0\.1:2223\)/);

    const hopUnknown = labPool(lab, { knownHosts: lab.knownHosts('inner_only', [lab.knownHostsLine(inner)]), flags });
    expect((await connectError(hopUnknown.shell(labNode('node-b', '192.0.2.99')))).message)
      .toContain(`refused to connect to jump host ${lab.nodeAddress} (on the way to node node-b) (${lab.nodeAddress}:2222): its host key is not in known_hosts`);
    await Promise.all([direct.closeAll(), hopUnknown.closeAll()]);
  });

  slowIt('follows ProxyJump and HostName from an ssh config Host entry named like the node', async () => {
    const extraConfig = `Host inner-node\n  HostName 127.0.0.1\n  Port 2223\n  ProxyJump bastion\n` +
      `Host bastion\n  HostName ${lab.nodeAddress}\n  Port 2222\n  IdentityFile ${lab.clientKey.privateFile}\n`;
    const pool = labPool(lab, { knownHosts: bothKnown, extraConfig, flags: { sshKey: lab.clientKey.privateFile } });
    const node = labNode('inner-node', '192.0.2.98');
    expect(pool.targetFor(node)).toEqual({ node: 'inner-node', connectTo: 'inner-node', source: 'ssh-config' });
    const shell = await pool.shell(node);
    expect([shell.address, shell.port]).toEqual(['127.0.0.1', 2223]);
    expect(await shell.run(['true'])).toBe('');
    await pool.closeAll();
  });

  slowIt('reports a silent and a refusing node as errors without holding up a good one', async () => {
    const silent = net.createServer(() => undefined); // accepts, never says a word: like a hung sshd
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as net.AddressInfo).port;
    const pool = labPool(lab, {
      knownHosts: bothKnown,
      extraConfig: `Host 127.0.0.1\n  Port ${silentPort}\nHost ${lab.nodeAddress}\n  Port 2222\n`,
      flags: { sshKey: lab.clientKey.privateFile, sshConnectTimeout: '700ms', nodeAddress: ['silent=127.0.0.1', 'closed=127.0.0.2'] },
    });
    const nodes = [labNode('silent', '-'), nodeA(), labNode('closed', '-')];
    const started = Date.now();
    const outcomes = await forEachNode(nodes, 3, async (node) => {
      const shell = await pool.shell(node);
      return shell.run(['ip', '-o', '-4', 'addr', 'show', 'scope', 'global']);
    }, { timeoutMs: 20_000 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value : outcome.error.message))).toEqual([
      `timed out after 0.7s connecting to node silent (127.0.0.1:${silentPort})`,
      expect.stringContaining(`inet ${lab.nodeAddress}/30`),
      expect.stringMatching(/^could not connect to node closed \(127\.0\.0\.2:22\): connect ECONNREFUSED/),
    ]);
    await pool.closeAll();
    silent.close();
  });
});
