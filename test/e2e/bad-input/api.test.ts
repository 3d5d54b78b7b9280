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
