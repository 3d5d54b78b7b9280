import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { ensureBuilt, pluginEnv } from '../../support/built-binaries.js';

// The built single binaries, found and run by the real kubectl.
beforeAll(() => {
  ensureBuilt();
}, 300_000);

function kubectl(args: string[], env: NodeJS.ProcessEnv = pluginEnv()) {
  const started = Date.now();
  const result = spawnSync('kubectl', args, { env, encoding: 'utf8', timeout: 30_000 });
  return { ...result, ms: Date.now() - started };
}

describe('kubectl finds and runs the three plugins', () => {
  it('lists all three in kubectl plugin list', () => {
    const { stdout, status } = kubectl(['plugin', 'list']);
    expect(status).toBe(0);
    for (const name of ['kubectl-netcheck', 'kubectl-nsenter', 'kubectl-tap']) expect(stdout).toContain(`/dist/bin/${name}`);
  });

  it.each(['netcheck', 'nsenter', 'tap'])('kubectl %s --help exits 0 with its own usage and examples', (name) => {
    const { stdout, status } = kubectl([name, '--help']);
    expect(status).toBe(0);
    expect(stdout).toContain(`kubectl ${name}`);
    expect(stdout).toContain('Examples:');
    expect(stdout).toContain('--kubeconfig');
  });

  it.each([['netcheck'], ['nsenter', 'web-0'], ['tap', 'web-0']])('kubectl %s --bogus is a usage error: one line, the usage, exit 2', (name, ...rest) => {
    const { stderr, stdout, status } = kubectl([name, ...rest, '--bogus']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toMatch(/^error: unknown flag: --bogus$/);
    expect(stderr).toContain(`Usage: kubectl ${name}`);
  });

  it('nsenter without a pod is a usage error naming the missing argument', () => {
    const { stderr, status } = kubectl(['nsenter']);
    expect(status).toBe(2);
    expect(stderr.split('\n')[0]).toBe('error: missing a required argument (see Usage below)');
  });

  it('nsenter without a command after -- is a usage error', () => {
    const { stderr, status } = kubectl(['nsenter', 'web-0']);
    expect(status).toBe(2);
    expect(stderr).toContain('no command given');
  });

  it('--version prints the version from package.json', () => {
    const { stdout, status } = kubectl(['netcheck', '--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('no kubeconfig', () => {
  it('names the missing file, exits 3 within 2 s and never contacts localhost:8080', async () => {
    const connections: string[] = [];
    const decoy = net.createServer((socket) => {
      connections.push(String(socket.remoteAddress));
      socket.destroy();
    });
    const listening = await new Promise<boolean>((resolve) => {
      decoy.once('error', () => resolve(false));
      decoy.listen(8080, '127.0.0.1', () => resolve(true));
    });
    try {
      const missing = '/nonexistent/netcheck-test/kubeconfig';
      const { stderr, status, ms } = kubectl(['netcheck'], pluginEnv({ KUBECONFIG: missing, HOME: '/nonexistent/home' }));
      expect(status).toBe(3);
      expect(stderr).toContain(missing);
      expect(ms).toBeLessThan(2000);
      await new Promise((r) => setTimeout(r, 100));
      if (listening) expect(connections).toEqual([]);
    } finally {
      decoy.close();
    }
  });
});
