import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { binDir } from '../../support/built-binaries.js';
import { expectCleanFailure, expectNotOk, runBadInput, treeState, type PluginBinary } from '../../support/bad-input.js';
import { copyDump, replaceWithFifo, replaceWithSparse } from '../../support/damaged-dumps.js';
import { FakeApiServer, type FakeRoute } from '../../support/fake-api-server.js';

// Broken kubeconfigs, odd ssh configs and keys, --save-bundle targets that must be refused, signals,
// closed pipes and full disks: each through the built binary, bounded, named, writing nothing unasked.

const plugins: [string, PluginBinary, string[]][] = [
  ['netcheck', 'kubectl-netcheck', []],
  ['nsenter', 'kubectl-nsenter', ['web-0', '--', 'ip', 'addr']],
  ['tap', 'kubectl-tap', ['--list']],
];
const kubeconfigText = (cluster: Record<string, unknown>, user: Record<string, unknown> = { token: 'x' }) => JSON.stringify({
  apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
  clusters: [{ name: 'c', cluster }], users: [{ name: 'u', user }], contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
});
/** A loopback port nothing listens on (taken, then released before the tests run). */
let freePort = 9;
let closedPort = 'http://127.0.0.1:9';
beforeAll(async () => {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  freePort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  closedPort = `http://127.0.0.1:${freePort}`;
});

/** [name, kubeconfig setup in HOME (returns the KUBECONFIG value), expected stderr] */
const kubeconfigs: [string, (home: string) => string, RegExp][] = [
  ['KUBECONFIG is /dev/zero', () => '/dev/zero', /kubeconfig \/dev\/zero: .*not a regular file/],
  ['KUBECONFIG is a folder', (home) => home, /not a regular file/],
  ['KUBECONFIG is a FIFO', (home) => { replaceWithFifo(path.join(home, 'kc')); return path.join(home, 'kc'); }, /not a regular file/],
  ['KUBECONFIG is 20 MiB', (home) => { replaceWithSparse(path.join(home, 'kc'), 20 * 1024 * 1024); return path.join(home, 'kc'); }, /is 20 MiB, more than/],
  ['the kubeconfig is empty', (home) => { fs.writeFileSync(path.join(home, 'kc'), ''); return path.join(home, 'kc'); }, /kubeconfig|context/],
  ['the kubeconfig is broken YAML', (home) => { fs.writeFileSync(path.join(home, 'kc'), 'clusters: [{{{'); return path.join(home, 'kc'); }, /cannot load kubeconfig/],
  ['the kubeconfig is JSON null', (home) => { fs.writeFileSync(path.join(home, 'kc'), 'null'); return path.join(home, 'kc'); }, /kubeconfig|context/],
  ['the kubeconfig has no clusters', (home) => { fs.writeFileSync(path.join(home, 'kc'), '{"apiVersion":"v1","kind":"Config","clusters":[]}'); return path.join(home, 'kc'); }, /kubeconfig|context|cluster/],
  ['the CA file is /dev/zero', (home) => { fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: 'https://127.0.0.1:9', 'certificate-authority': '/dev/zero' })); return path.join(home, 'kc'); }, /certificate-authority \/dev\/zero: .*not a regular file/],
  ['the CA file is missing', (home) => { fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: 'https://127.0.0.1:9', 'certificate-authority': '/nonexistent/ca.crt' })); return path.join(home, 'kc'); }, /certificate-authority \/nonexistent\/ca\.crt/],
  ['the client key is /dev/zero', (home) => { fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true }, { 'client-certificate': '/dev/zero', 'client-key': '/dev/zero' })); return path.join(home, 'kc'); }, /client-certificate \/dev\/zero|client-key \/dev\/zero/],
  ['the server refuses connections', (home) => { fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: closedPort, 'insecure-skip-tls-verify': true })); return path.join(home, 'kc'); }, /cannot reach the API server/],
  ['the server is not a URL', (home) => { fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: 'not a url', 'insecure-skip-tls-verify': true })); return path.join(home, 'kc'); }, /not a url|Invalid URL|server/i],
];

describe('broken kubeconfigs (built binaries)', () => {
  const cases = plugins.flatMap(([name, binary, argv]) => kubeconfigs.map(([what, setUp, says]) => [`${name}: ${what}`, binary, argv, setUp, says] as const));
  it.concurrent.each(cases)('%s', async (_name, binary, argv, setUp, says) => {
    let kubeconfig = '';
    const run = await runBadInput(binary, ['--request-timeout', '2s', ...argv], {
      setUp: (_work, home) => { kubeconfig = setUp(home); },
      env: () => ({ KUBECONFIG: kubeconfig }),
    });
    expectCleanFailure(run, { code: 3, says });
  }, 40_000);

  it.concurrent.each(plugins)('%s: --context that does not exist is a usage error naming it', async (_name, binary, argv) => {
    const run = await runBadInput(binary, ['--context', 'nope', ...argv], {
      setUp: (_work, home) => fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: closedPort })),
      env: (_work, home) => ({ KUBECONFIG: path.join(home, 'kc') }),
    });
    expectCleanFailure(run, { code: 2, says: 'context "nope" does not exist' });
  }, 40_000);
});

/** A cluster of one Ready node whose SSH port refuses, for --ssh cases. */
const oneNodeCluster: FakeRoute = (url) => {
  if (url.pathname === '/api/v1/nodes') {
    return { json: { kind: 'NodeList', metadata: {}, items: [{ metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.0.0/24' },
      status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'ok' }], addresses: [{ type: 'InternalIP', address: '127.0.0.1' }] } }] } };
  }
  if (url.pathname.includes('/configmaps/')) return { status: 404, json: { kind: 'Status', code: 404, message: 'not found' } };
  return { json: { kind: 'List', metadata: {}, items: [] } };
};

/** [name, files in HOME, extra flags] for netcheck --ssh against one unreachable node. */
const sshCases: [string, (home: string) => void, string[]][] = [
  ['every node unreachable', () => undefined, []],
  ['--ssh-key /dev/zero', () => undefined, ['--ssh-key', '/dev/zero']],
  ['--ssh-key a 50 MiB file', (home) => replaceWithSparse(path.join(home, 'big-key'), 50 * 1024 * 1024), ['--ssh-key', 'HOME/big-key']],
  ['--ssh-key a FIFO', (home) => replaceWithFifo(path.join(home, 'fifo-key')), ['--ssh-key', 'HOME/fifo-key']],
  ['--ssh-key a folder', () => undefined, ['--ssh-key', 'HOME']],
  ['an ssh config that includes itself', (home) => fs.writeFileSync(path.join(home, 'ssh_config'), `Include ${path.join(home, 'ssh_config')}\nInclude ${path.join(home, 'ssh_config')}\nHost *\n  Port 9\n`), ['--ssh-config', 'HOME/ssh_config']],
  ['an ssh config with Include /*/*/*/*/*', (home) => fs.writeFileSync(path.join(home, 'ssh_config'), 'Include /*/*/*/*/*\nHost *\n  Port 9\n'), ['--ssh-config', 'HOME/ssh_config']],
  ['an ssh config with IdentityFile /dev/zero', (home) => fs.writeFileSync(path.join(home, 'ssh_config'), 'Host *\n  IdentityFile /dev/zero\n  Port 9\n'), ['--ssh-config', 'HOME/ssh_config']],
  ['an ssh config including /dev/zero', (home) => fs.writeFileSync(path.join(home, 'ssh_config'), 'Include /dev/zero\nHost *\n  Port 9\n'), ['--ssh-config', 'HOME/ssh_config']],
  ['an ssh config with a 5000-deep ProxyJump chain', (home) => fs.writeFileSync(path.join(home, 'ssh_config'), `Host *\n  ProxyJump ${Array.from({ length: 50 }, (_, i) => `h${i}`).join(',')}\n  Port 9\n`), ['--ssh-config', 'HOME/ssh_config']],
];

// flags in sshCases name HOME; runBadInput runs in work/, so HOME/... is spelled relative to it.
for (const c of sshCases) c[2] = c[2].map((f) => f.replace(/^HOME/, '../home'));

describe('netcheck --ssh with odd keys and ssh configs (fake API, unreachable node)', () => {
  it.concurrent.each(sshCases)('%s: never an all-clear, never a hang', async (_name, setUp, flags) => {
    const server = new FakeApiServer(oneNodeCluster);
    const url = await server.start();
    try {
      const run = await runBadInput('kubectl-netcheck', ['--ssh', '--request-timeout', '2s', '--ssh-connect-timeout', '2s', '--ssh-port', String(freePort), ...flags], {
        setUp: (_work, home) => { server.kubeconfig(home, url); setUp(home); },
        env: (_work, home) => ({ KUBECONFIG: path.join(home, 'kubeconfig') }),
        hangGuardMs: 60_000,
      });
      expectNotOk(run);
    } finally {
      await server.close();
    }
  }, 90_000);

  it('an ssh config that is /dev/zero is refused by name', async () => {
    const run = await runBadInput('kubectl-nsenter', ['--ssh-config', '/dev/zero', 'web-0', '--dry-run', '--', 'true'], {
      setUp: (_work, home) => fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: closedPort })),
      env: (_work, home) => ({ KUBECONFIG: path.join(home, 'kc') }),
    });
    expect(run.signal).toBeNull();
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code).not.toBe(0);
  }, 40_000);
});


/** [name, set-up in the working folder, --save-bundle argument, expected stderr] */
const refusedBundles: [string, (work: string) => void, string, RegExp][] = [
  ['the root folder', () => undefined, '/', /refusing to write a bundle into the root folder/],
  ['the working folder (not empty)', () => undefined, '.', /is not empty and is not a netcheck bundle/],
  ['a folder of someone else\'s files', (w) => { fs.mkdirSync(path.join(w, 'mine')); fs.writeFileSync(path.join(w, 'mine', 'notes.txt'), 'x'); }, 'mine', /is not empty and is not a netcheck bundle/],
  ['a symbolic link to a folder', (w) => { fs.mkdirSync(path.join(w, 'real')); fs.symlinkSync(path.join(w, 'real'), path.join(w, 'link')); }, 'link', /is a symbolic link/],
  ['a symbolic link to /etc', (w) => { fs.symlinkSync('/etc', path.join(w, 'etc-link')); }, 'etc-link', /is a symbolic link/],
  ['an existing file', (w) => fs.writeFileSync(path.join(w, 'file'), 'x'), 'file', /exists and is not a folder/],
  ['/dev/null', () => undefined, '/dev/null', /exists and is not a folder/],
  ['/proc/self', () => undefined, '/proc/self', /symbolic link|not empty/],
  ['/tmp', () => undefined, '/tmp', /is not empty and is not a netcheck bundle/],
  ['an earlier bundle without --force', (w) => { fs.mkdirSync(path.join(w, 'old')); fs.writeFileSync(path.join(w, 'old', '.netcheck-bundle'), ''); fs.writeFileSync(path.join(w, 'old', 'nodes.json'), '{}'); }, 'old', /holds an earlier bundle/],
];

describe('--save-bundle writes only where it may', () => {
  it.concurrent.each(refusedBundles)('refuses %s, before reading anything, and writes nothing', async (_name, setUp, target, says) => {
    const run = await runBadInput('kubectl-netcheck', ['--dump', 'dump', '--save-bundle', target], {
      setUp: (work) => { copyDump('healthy-flannel', work); setUp(work); },
    });
    expectCleanFailure(run, { code: 2, says });
  }, 40_000);

  it('--force replaces an earlier bundle completely and follows none of its symlinks', async () => {
    let outside = '';
    const run = await runBadInput('kubectl-netcheck', ['--dump', 'dump', '--save-bundle', 'old', '--force'], {
      setUp: (work, home) => {
        copyDump('healthy-flannel', work);
        fs.mkdirSync(path.join(work, 'old'));
        fs.writeFileSync(path.join(work, 'old', '.netcheck-bundle'), '');
        fs.writeFileSync(path.join(work, 'old', 'stale.json'), '{}');
        outside = path.join(home, 'precious');
        fs.writeFileSync(outside, 'keep');
        fs.symlinkSync(outside, path.join(work, 'old', 'nodes.json'));
      },
      allowWrites: ['old'],
    });
    expect(run.code).toBe(0);
    expect(run.changed).toEqual([]); // HOME (with the symlink's target) untouched
  }, 40_000);

  it('a new nested folder is created and read back to the same verdict', async () => {
    const first = await runBadInput('kubectl-netcheck', ['--dump', 'dump', '--save-bundle', 'out/b', '-o', 'json'], {
      setUp: (work) => { copyDump('healthy-flannel', work); },
      allowWrites: ['out'],
    });
    expect(first.code).toBe(0);
    expect(first.changed).toEqual([]);
  }, 40_000);
});

describe('signals, closed pipes and full disks', () => {
  it.each([['SIGINT'], ['SIGTERM']] as const)('%s while waiting on a silent API server ends the run at once', async (signal) => {
    const server = new FakeApiServer(() => ({ hang: true }));
    const url = await server.start();
    try {
      const run = await runBadInput('kubectl-netcheck', ['--request-timeout', '60s'], {
        setUp: (_work, home) => { server.kubeconfig(home, url); },
        env: (_work, home) => ({ KUBECONFIG: path.join(home, 'kubeconfig') }),
        signalAfter: { signal, ms: 1500 },
        hangGuardMs: 20_000,
      });
      expect(run.ms).toBeLessThan(15_000);
      expect(run.signal === signal || [130, 143].includes(run.code ?? -1)).toBe(true);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(run.changed).toEqual([]);
    } finally {
      await server.close();
    }
  }, 40_000);

  const shell = async (script: string): Promise<{ code: number | null; stderr: string }> => {
    const work = fs.mkdtempSync(path.join(path.dirname(binDir), 'bad-input-shell-'));
    try {
      copyDump('healthy-flannel', work);
      const before = treeState(work);
      const child = spawn('bash', ['-c', script], { cwd: work, env: { PATH: `${binDir}:${process.env.PATH}`, HOME: work } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(treeState(work)).toEqual(before);
      return { code, stderr };
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  };

  it('stdout on a full disk (/dev/full): one error line, exit 3', async () => {
    const { stderr } = await shell('kubectl-netcheck --dump dump > /dev/full; echo "exit=$?" >&2');
    expect(stderr).toMatch(/^error: cannot write the output: .*no space left on device.*\nexit=3\n$/i);
  }, 40_000);

  it('stdout closed by the reader (EPIPE): one error line, exit 3, no stack', async () => {
    const { stderr } = await shell('exec 3>&1; kubectl-netcheck --dump dump -o yaml | (exec 0<&-; sleep 0); echo "exit=${PIPESTATUS[0]}" >&2');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).toMatch(/exit=(0|3)\n$/);
    if (/exit=3/.test(stderr)) expect(stderr).toMatch(/^error: cannot write the output: the reading end of the pipe was closed\n/);
  }, 40_000);
});

describe('--wait and deadlines', () => {
  it('--wait does not give up at the first refused connection: it retries until --timeout, then exits 3', async () => {
    const run = await runBadInput('kubectl-netcheck', ['--wait', '--timeout', '8s'], {
      setUp: (_work, home) => fs.writeFileSync(path.join(home, 'kc'), kubeconfigText({ server: closedPort, 'insecure-skip-tls-verify': true })),
      env: (_work, home) => ({ KUBECONFIG: path.join(home, 'kc') }),
      hangGuardMs: 40_000,
    });
    expectCleanFailure(run, { code: 3, says: /gave up after 8s: cannot reach the API server/ });
    expect(run.ms).toBeGreaterThanOrEqual(4_000);
  }, 60_000);

  it('--wait against a silent server ends within its --timeout, requests included', async () => {
    const server = new FakeApiServer(() => ({ hang: true }));
    const url = await server.start();
    try {
      const run = await runBadInput('kubectl-netcheck', ['--wait', '--timeout', '6s'], {
        setUp: (_work, home) => { server.kubeconfig(home, url); },
        env: (_work, home) => ({ KUBECONFIG: path.join(home, 'kubeconfig') }),
        hangGuardMs: 40_000,
      });
      expectCleanFailure(run, { code: 3, says: /gave up after 6s: timed out talking to the API server/ });
    } finally {
      await server.close();
    }
  }, 60_000);
});
