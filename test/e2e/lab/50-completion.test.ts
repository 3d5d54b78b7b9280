import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeLab, kubectl, labEnv, useScenario } from '../../support/lab.js';

// Shell completion through the real kubectl: `kubectl __complete PLUGIN ...` runs
// the kubectl_complete-PLUGIN helpers that `kubectl netcheck completion install`
// wrote, and they answer with names from the lab (scenario ready).

/** Plugin completion arrived in kubectl 1.26; Debian's kubectl is 1.20. */
function kubectlMinor(): number {
  const out = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout;
  try {
    return Number((JSON.parse(out) as { clientVersion: { minor: string } }).clientVersion.minor.replace(/\D.*$/, ''));
  } catch {
    return 0;
  }
}
const kubectlCompletes = kubectlMinor() >= 26;

describeLab('shell completion in the lab (scenario ready)', () => {
  const helpers = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-completion-'));
  let env: NodeJS.ProcessEnv;
  let nodes: string[];
  let staticPod: { name: string; containers: string[] };

  beforeAll(() => {
    useScenario('ready');
    env = labEnv();
    env = { ...env, PATH: `${helpers}:${env.PATH ?? ''}` };
    nodes = kubectl(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'], env).stdout.trim().split(/\s+/).sort();
    const pods = JSON.parse(kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'json'], env).stdout) as {
      items: { metadata: { name: string }; spec: { containers: { name: string }[] } }[];
    };
    const apiserver = pods.items.find((p) => p.metadata.name.startsWith('kube-apiserver-'))!;
    staticPod = { name: apiserver.metadata.name, containers: apiserver.spec.containers.map((c) => c.name).sort() };
  }, 900_000);

  afterAll(() => fs.rmSync(helpers, { recursive: true, force: true }));

  /** The candidates (values only) and the directive of one completion. */
  function complete(plugin: string, words: string[], environment = env): { values: string[]; directive: string } {
    const result = kubectlCompletes
      ? kubectl(['__complete', plugin, ...words], environment)
      : spawnSync(path.join(helpers, `kubectl_complete-${plugin}`), words, { env: environment, encoding: 'utf8', timeout: 60_000 });
    const lines = result.stdout.trim().split('\n');
    return { values: lines.slice(0, -1).map((l) => l.split('\t')[0]!), directive: lines[lines.length - 1]! };
  }

  it('completion install --dry-run writes nothing; install writes exactly the three helpers', () => {
    const dry = kubectl(['netcheck', 'completion', 'install', helpers, '--dry-run'], env);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(`would write ${path.join(helpers, 'kubectl_complete-nsenter')}`);
    expect(fs.readdirSync(helpers)).toEqual([]);
    const install = kubectl(['netcheck', 'completion', 'install', helpers], env);
    expect(install.status).toBe(0);
    expect(fs.readdirSync(helpers).sort()).toEqual(['kubectl_complete-netcheck', 'kubectl_complete-nsenter', 'kubectl_complete-tap']);
    for (const file of fs.readdirSync(helpers)) expect(fs.statSync(path.join(helpers, file)).mode & 0o111).not.toBe(0);
  });

  it('completion install refuses a directory that does not exist', () => {
    const missing = path.join(helpers, 'no-such-dir');
    const result = kubectl(['netcheck', 'completion', 'install', missing], env);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${missing} is not a directory`);
    expect(fs.existsSync(missing)).toBe(false);
    const unknown = kubectl(['netcheck', 'completion', 'uninstall'], env);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown completion action "uninstall"');
  });

  it(`${kubectlCompletes ? 'kubectl' : 'the helper (kubectl < 1.26 cannot)'} completes netcheck's subcommands and flags`, () => {
    expect(complete('netcheck', [''])).toEqual({ values: ['iptables', 'helpers', 'completion'], directive: ':4' });
    const flags = complete('netcheck', ['--s']).values;
    expect(flags).toEqual(expect.arrayContaining(['--ssh', '--save-bundle', '--service', '--ssh-user', '--ssh-key']));
    expect(flags.every((f) => f.startsWith('--s'))).toBe(true);
    expect(complete('netcheck', ['-o', ''])).toEqual({ values: ['text', 'json', 'yaml'], directive: ':4' });
  });

  it('completes node names for netcheck iptables NODE and tap --dest', () => {
    expect(complete('netcheck', ['iptables', ''])).toEqual({ values: nodes, directive: ':4' });
    expect(complete('tap', ['web', '--dest', 'kube-node-'])).toEqual({ values: nodes.filter((n) => n.startsWith('kube-node-')), directive: ':4' });
  });

  it('completes pod names in the namespace given by -n, then that pod\'s containers for -c', () => {
    // The scenario may still be replacing CoreDNS pods: compare with listings taken just before and after.
    const listPods = () => kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'jsonpath={.items[*].metadata.name}'], env).stdout.trim().split(/\s+/);
    for (const words of [['-n', 'kube-system', ''], ['--namespace=kube-system', '']]) {
      const before = listPods();
      const answer = complete('nsenter', words);
      const after = listPods();
      expect(answer.directive).toBe(':4');
      expect(answer.values).toEqual([...answer.values].sort());
      expect(answer.values).toEqual(expect.arrayContaining(before.filter((p) => after.includes(p))));
      for (const value of answer.values) expect([...before, ...after]).toContain(value);
    }
    // A static pod stays put: its containers for -c.
    expect(complete('nsenter', ['-n', 'kube-system', staticPod.name, '-c', ''])).toEqual({ values: staticPod.containers, directive: ':4' });
  });

  it('completes enum values and contexts', () => {
    expect(complete('tap', ['--mirrortype', ''])).toEqual({ values: ['ingress', 'egress', 'both'], directive: ':4' });
    const contexts = kubectl(['config', 'get-contexts', '-o', 'name'], env).stdout.trim().split('\n').sort();
    expect(complete('nsenter', ['--context', ''])).toEqual({ values: contexts, directive: ':4' });
  });

  it('with an unreachable cluster, answers only the directive', () => {
    const kubeconfig = path.join(helpers, 'unreachable.yaml');
    fs.writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: gone',
      'clusters: [{name: gone, cluster: {server: "https://127.0.0.1:9"}}]',
      'contexts: [{name: gone, context: {cluster: gone, user: gone}}]',
      'users: [{name: gone, user: {token: x}}]', '',
    ].join('\n'));
    const unreachable = { ...env, KUBECONFIG: kubeconfig };
    expect(complete('nsenter', [''], unreachable)).toEqual({ values: [], directive: ':4' });
    expect(complete('tap', ['web', '--dest', ''], unreachable)).toEqual({ values: [], directive: ':4' });
  });
});
