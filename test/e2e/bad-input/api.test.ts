import { FakeApiServer, type FakeAnswer, type FakeRoute } from '../../support/fake-api-server.js';
import { expectCleanFailure, runBadInput, type PluginBinary } from '../../support/bad-input.js';

// API servers on 127.0.0.1 that hang, lie, page forever or answer with the wrong shape, against every
// command that reads the API. Each must end by itself within its --request-timeout (a hang guard
// several times longer kills it otherwise), exit 3 naming the problem in a line or two, write nothing.

interface Command { name: string; binary: PluginBinary; argv: string[] }
const commands: Command[] = [
  { name: 'netcheck', binary: 'kubectl-netcheck', argv: [] },
  { name: 'netcheck -o json', binary: 'kubectl-netcheck', argv: ['-o', 'json'] },
  { name: 'netcheck iptables kube-node-1', binary: 'kubectl-netcheck', argv: ['iptables', 'kube-node-1'] },
  { name: 'nsenter web-0 -- ip addr', binary: 'kubectl-nsenter', argv: ['web-0', '--', 'ip', 'addr'] },
  { name: 'nsenter web-0 --ifaces --dry-run', binary: 'kubectl-nsenter', argv: ['web-0', '--ifaces', '--dry-run'] },
  { name: 'tap --list', binary: 'kubectl-tap', argv: ['--list'] },
  { name: 'tap --delete --dry-run', binary: 'kubectl-tap', argv: ['--delete', '--dry-run'] },
  { name: 'tap web-0 --dest kube-node-2 --dry-run', binary: 'kubectl-tap', argv: ['web-0', '--dest', 'kube-node-2', '--dry-run'] },
];

let tokenCounter = 0;
/** Whole-server behaviours: every request gets this answer. */
const behaviours: [string, () => FakeAnswer, RegExp][] = [
  ['accepts and never answers', () => ({ hang: true }), /timed out talking to the API server/],
  ['sends headers, then nothing', () => ({ headersThenHang: true }), /timed out talking to the API server/],
  ['trickles spaces forever', () => ({ trickle: true }), /timed out talking to the API server/],
  ['drops the connection', () => ({ destroy: true }), /cannot reach the API server|socket hang up|failed against/],
  ['answers 500 with text', () => ({ status: 500, text: 'internal error' }), /answered HTTP 500/],
  ['answers 503 with a Status', () => ({ status: 503, json: { kind: 'Status', message: 'etcd is down' } }), /HTTP 503.*etcd is down/],
  ['answers 401', () => ({ status: 401, json: { kind: 'Status', message: 'Unauthorized' } }), /unauthorized/],
  ['answers an HTML login page', () => ({ text: '<html><body>Please log in</body></html>', contentType: 'text/html' }), /not JSON/],
  ['answers an empty body', () => ({ text: '' }), /not JSON/],
  ['answers JSON null', () => ({ json: null }), /wrong shape/],
  ['answers a JSON number', () => ({ json: 42 }), /wrong shape/],
  ['answers a JSON string', () => ({ json: 'items' }), /wrong shape/],
  ['answers a JSON array', () => ({ json: [{ metadata: { name: 'x' } }] }), /wrong shape/],
  ['answers an object without items or metadata', () => ({ json: { kind: 'Status' } }), /wrong shape/],
  ['answers items as a string', () => ({ json: { items: 'none', metadata: {} } }), /wrong shape/],
  ['answers items: [1]', () => ({ json: { items: [1], metadata: {} } }), /wrong shape/],
  ['answers items: [null]', () => ({ json: { items: [null], metadata: {} } }), /wrong shape/],
  ['answers metadata as a string', () => ({ json: { items: [], metadata: 'x' } }), /wrong shape/],
  ['answers a numeric continue token', () => ({ json: { items: [], metadata: { continue: 5 } } }), /wrong shape/],
  ['repeats the same continue token forever', () => ({ json: { items: [], metadata: { continue: 'again' } } }), /repeated a continue token|wrong shape/],
  ['pages forever with new tokens', () => ({ json: { items: [], metadata: { continue: `t${++tokenCounter}` } } }), /did not end after \d+ pages|wrong shape/],
];

describe('API servers that hang, lie or page forever (built binaries)', () => {
  const cases = commands.flatMap((command) => behaviours.map(([what, answer, says]) => [`${command.name}: the server ${what}`, command, answer, says] as const));
  it.concurrent.each(cases)('%s', async (_name, command, answer, says) => {
    const server = new FakeApiServer(() => answer());
    const url = await server.start();
    try {
      const run = await runBadInput(command.binary, ['--request-timeout', '1s', '--ssh-connect-timeout', '1s', ...command.argv], {
        setUp: (_work, home) => { server.kubeconfig(home, url); },
        env: (_work, home) => ({ KUBECONFIG: `${home}/kubeconfig` }),
        hangGuardMs: 30_000,
      });
      expectCleanFailure(run, { code: 3, says });
    } finally {
      await server.close();
    }
  }, 90_000);
});

/** A pod on a node whose name (from the API) carries a newline and a command, or terminal escapes. */
function hostileCluster(nodeName: string): FakeRoute {
  const node = { metadata: { name: nodeName }, spec: { podCIDR: '10.244.1.0/24' },
    status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '10.0.0.2' }], nodeInfo: { containerRuntimeVersion: 'containerd://1.4.4' } } };
  const pod = { metadata: { name: 'web-0', namespace: 'default', uid: '0f0e0d0c-0b0a-0908-0706-050403020100' },
    spec: { nodeName, containers: [{ name: `web\n$(touch /tmp/netcheck-pwned)` }] },
    status: { phase: 'Running', containerStatuses: [{ name: `web\n$(touch /tmp/netcheck-pwned)`, ready: true, restartCount: 0, state: { running: {} }, containerID: `containerd://${'ab'.repeat(32)}` }] } };
  return (url) => {
    if (url.pathname === '/api/v1/namespaces/default/pods/web-0') return { json: pod };
    if (url.pathname.startsWith('/api/v1/nodes/')) return { json: node };
    if (url.pathname === '/api/v1/nodes') return { json: { items: [node], metadata: {} } };
    return { status: 404, json: { kind: 'Status', code: 404, message: 'not found' } };
  };
}

describe('hostile names from the API in --dry-run output', () => {
  const names: [string, string][] = [
    ['a newline and a command', 'node-2\ntouch /tmp/netcheck-pwned'],
    ['a screen-clearing escape', 'node-2\u001b[2J\u001b[H'],
    ['a carriage return', 'innocent\rnode-2'],
  ];
  const dryRuns: [string, PluginBinary, string[]][] = [
    ['nsenter --dry-run', 'kubectl-nsenter', ['web-0', '--dry-run', '--', 'ip', 'addr']],
    ['nsenter --ifaces --dry-run', 'kubectl-nsenter', ['web-0', '--ifaces', '--dry-run']],
  ];
  const cases = dryRuns.flatMap(([what, binary, argv]) => names.map(([name, nodeName]) => [`${what}: a node name with ${name}`, binary, argv, nodeName] as const));
  it.concurrent.each(cases)('%s prints one command per line, nothing raw', async (_name, binary, argv, nodeName) => {
    const server = new FakeApiServer(hostileCluster(nodeName));
    const url = await server.start();
    try {
      const run = await runBadInput(binary, ['--request-timeout', '2s', ...argv], {
        setUp: (_work, home) => { server.kubeconfig(home, url); },
        env: (_work, home) => ({ KUBECONFIG: `${home}/kubeconfig` }),
      });
      expect(run.signal).toBeNull();
      expect(run.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      for (const line of run.stdout.split('\n').filter(Boolean)) expect(line).not.toMatch(/^(touch|\$\(touch)/);
      expect(run.changed).toEqual([]);
      if (run.code !== 0) expect(run.stderr).toMatch(/^error: /);
    } finally {
      await server.close();
    }
  }, 40_000);
});
