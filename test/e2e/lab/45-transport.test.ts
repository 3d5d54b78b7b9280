import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeLab, kubectl, labEnv, useScenario } from '../../support/lab.js';
import { capturedPackets, corednsPodsOnTwoNodes, removeLeftoverTaps, labSsh as ssh, startTap as startLabTap, tapNodeState, type LabPod, type RunningTap } from '../../support/tap-lab.js';

// The helper-pod transport (--via pod) in the lab, with SSH to the nodes made
// unusable for the plugin (NETCHECK_SSH_CONFIG names a config that points
// nowhere): the same answers as over SSH, and nothing left behind. The tests
// check the nodes themselves over their own OpenSSH.

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-transport-'));
const deadSshConfig = path.join(work, 'ssh_config');
fs.writeFileSync(deadSshConfig, 'Host *\n  HostName 127.0.0.1\n  Port 9\n  ConnectTimeout 2\n');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The lab's env with SSH unusable and the helper transport on. */
const podEnv = (env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({ ...env, NETCHECK_SSH_CONFIG: deadSshConfig, NETCHECK_VIA: 'pod' });

const helperPods = (env: NodeJS.ProcessEnv): string =>
  kubectl(['get', 'pods', '-A', '-l', 'kubectl-netcheck/helper=true', '--no-headers', '-o', 'custom-columns=NS:.metadata.namespace,NAME:.metadata.name'], env).stdout.trim();


function findingCodes(stdout: string): string[] {
  const doc = JSON.parse(stdout) as { findings: { code: string }[] };
  return doc.findings.map((f) => f.code).sort();
}

for (const scenario of ['step1', 'case-a']) describeLab(`--via pod in scenario ${scenario} (nodes NotReady / CNI broken, no SSH)`, () => {
  let env: NodeJS.ProcessEnv;
  let proxyPod: { name: string; node: string };
  beforeAll(() => {
    useScenario(scenario);
    env = labEnv();
    const list = JSON.parse(kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-proxy', '-o', 'json'], env).stdout) as {
      items: { metadata: { name: string }; spec: { nodeName: string }; status: { phase: string } }[];
    };
    const pod = list.items.find((p) => p.spec.nodeName !== 'kube-master' && p.status.phase === 'Running')!;
    proxyPod = { name: pod.metadata.name, node: pod.spec.nodeName };
  }, 900_000);

  it('netcheck reads the same node facts, hence the same findings, as over SSH', () => {
    const overSsh = kubectl(['netcheck', '--ssh', '-o', 'json'], env);
    const overPod = spawnSync('kubectl', ['netcheck', '--ssh', '-o', 'json'], { env: podEnv(env), encoding: 'utf8', timeout: 180_000 });
    expect(findingCodes(overPod.stdout)).toEqual(findingCodes(overSsh.stdout));
    expect(overPod.status).toBe(overSsh.status);
    expect(helperPods(env)).toBe('');
  }, 240_000);

  it('nsenter runs ip addr in a pod on that node and returns the remote exit code', () => {
    const nodeIp = ssh(env, proxyPod.node, 'hostname -I').trim().split(' ')[0]!;
    const addr = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', proxyPod.name, '--', 'ip', 'addr'], { env: podEnv(env), encoding: 'utf8', timeout: 120_000 });
    expect(addr.stderr).not.toMatch(/error|warning/);
    expect(addr.status).toBe(0);
    expect(addr.stdout).toContain(`inet ${nodeIp}/`);
    const exit7 = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', proxyPod.name, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7'], { env: podEnv(env), encoding: 'utf8', timeout: 120_000 });
    expect([exit7.status, exit7.stdout]).toEqual([7, 'out\n']);
    expect(exit7.stderr).toMatch(/(^|\n)err\n$/);
    expect(helperPods(env)).toBe('');
  }, 240_000);

  it('nsenter -it runs an interactive shell on a real terminal and returns its exit code', () => {
    const line = ['stty rows 33 cols 91;', 'kubectl', 'nsenter', '-n', 'kube-system', proxyPod.name, '-it', '--', 'sh'].join(' ');
    const typed = 'stty size; echo answer-$((6*7)); exit 5\n';
    const result = spawnSync('script', ['-q', '-e', '-c', line, '/dev/null'], { env: podEnv(env), input: typed, encoding: 'utf8', timeout: 120_000 });
    const lines = result.stdout.split(/\r?\n/).map((l) => l.replace(/^[#$] /, '').trim());
    // A terminal of the size of the local one (its /dev/pts name lives in the helper's devpts, so `tty` cannot name it).
    expect(lines).toEqual(expect.arrayContaining(['33 91', 'answer-42']));
    expect(result.status).toBe(5);
    expect(helperPods(env)).toBe('');
  }, 240_000);
});

describeLab('--via pod: tap, refusals, leftovers (scenario ready)', () => {
  let env: NodeJS.ProcessEnv;
  let source: LabPod;
  let other: LabPod;
  const before: Record<string, string> = {};
  const nodeState = (node: string): string => tapNodeState(env, node);

  beforeAll(() => {
    useScenario('ready');
    env = labEnv();
    ({ source, other } = corednsPodsOnTwoNodes(env));
    removeLeftoverTaps(env);
    for (const node of [source.node, other.node]) before[node] = nodeState(node);
  }, 900_000);

  const startTap = (args: string[]): Promise<RunningTap> => startLabTap(podEnv(env), source, other, args, 60_000);

  const expectNoResidue = (): void => {
    for (const node of [source.node, other.node]) expect(nodeState(node)).toBe(before[node]);
    expect(helperPods(env)).toBe('');
  };

  it('mirrors and captures the pod\'s pings, then leaves nothing behind', async () => {
    const pcap = path.join(work, 'pod.pcap');
    const tap = await startTap(['--capture', pcap, '--filter', 'icmp', '--duration', '8s']);
    const ping = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--', 'ping', '-c', '5', '-i', '0.2', other.ip], { env: podEnv(env), encoding: 'utf8' });
    expect(ping.status).toBe(0);
    expect(await tap.exit).toBe(0);
    const seen = capturedPackets(pcap, `icmp and host ${source.ip}`);
    expect(seen.length).toBe(10);
    expectNoResidue();
  }, 180_000);

  it.each(['SIGINT', 'SIGTERM'] as const)('leaves nothing behind after %s', async (signal) => {
    const tap = await startTap([]);
    tap.child.kill(signal);
    expect(await tap.exit).toBe(signal === 'SIGINT' ? 130 : 143);
    expectNoResidue();
  }, 180_000);

  it('after SIGKILL the nodes clean up and the helper pods end by themselves within their lease', async () => {
    const tap = await startTap([]);
    tap.child.kill('SIGKILL');
    await tap.exit;
    spawnSync('pkill', ['-KILL', '-f', `kubectl-tap -n kube-system ${source.name}`]);
    const killedAt = Date.now();
    const running = (): string => kubectl(['get', 'pods', '-A', '-l', 'kubectl-netcheck/helper=true', '--field-selector', 'status.phase=Running', '--no-headers'], env).stdout.trim();
    while (Date.now() - killedAt < 100_000 && (running() !== '' || nodeState(source.node) !== before[source.node] || nodeState(other.node) !== before[other.node])) {
      await new Promise((r) => setTimeout(r, 2000));
    }
    // Ended by themselves (lease expired); their objects stay for `helpers --delete` (or tap --delete) to remove.
    expect(running()).toBe('');
    expect(Date.now() - killedAt).toBeLessThan(100_000);
    expect(spawnSync('kubectl', ['netcheck', 'helpers', '--delete'], { env, encoding: 'utf8' }).status).toBe(0);
    expectNoResidue();
  }, 180_000);

  // The lab's no-events user may read nodes, pods and namespaces, and nothing more.
  it('a user who may not create pods gets exit 3 naming the missing verbs, and nothing is created', () => {
    const result = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--context', 'no-events', '--', 'true'], { env: podEnv(env), encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(3);
    expect(result.stderr).toMatch(/may not create pods, create pods\/exec, delete pods in namespace kube-system/);
    expect(result.stderr).toMatch(/hint: .*Role/);
    expect(helperPods(env)).toBe('');
  }, 120_000);

  describe('in a namespace of our own', () => {
    const ns = 'netcheck-e2e-transport';
    beforeAll(() => {
      kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait'], env);
      kubectl(['apply', '-f', '-'], env, [
        `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"${ns}"}}`,
        `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"pods-no-exec","namespace":"${ns}"},"rules":[{"apiGroups":[""],"resources":["pods"],"verbs":["create","get","list","delete"]}]}`,
        `{"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"view-pods-no-exec","namespace":"${ns}"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"pods-no-exec"},"subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"netcheck-no-events"}]}`,
      ].join('\n'));
    }, 120_000);
    afterAll(() => {
      kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], env);
    });

    it('a user with pods but without pods/exec gets exit 3 naming pods/exec, and nothing is left behind', () => {
      const result = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--context', 'no-events', '--helper-namespace', ns, '--', 'true'], { env: podEnv(env), encoding: 'utf8', timeout: 120_000 });
      expect(result.stderr).toMatch(/may not create pods\/exec in namespace netcheck-e2e-transport/);
      expect(result.status).toBe(3);
      expect(helperPods(env)).toBe('');
    }, 120_000);

    it('a ResourceQuota that refuses the pod gets exit 3 naming the quota, and nothing is left behind', () => {
      kubectl(['apply', '-f', '-'], env, `{"apiVersion":"v1","kind":"ResourceQuota","metadata":{"name":"no-pods","namespace":"${ns}"},"spec":{"hard":{"pods":"0"}}}`);
      // The quota controller fills in status.used before the quota is enforced.
      for (let i = 0; i < 50 && !kubectl(['get', 'resourcequota', '-n', ns, 'no-pods', '-o', 'jsonpath={.status.hard.pods}'], env).stdout; i++) execFileSync('sleep', ['0.2']);
      const result = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--helper-namespace', ns, '--', 'true'], { env: podEnv(env), encoding: 'utf8', timeout: 120_000 });
      expect(result.stderr).toMatch(/ResourceQuota in namespace netcheck-e2e-transport refuses the helper pod/);
      expect(result.status).toBe(3);
      expect(helperPods(env)).toBe('');
    }, 120_000);
  });

  it('netcheck helpers lists leftovers and --delete removes them', () => {
    const leftover = spawnSync('kubectl', ['apply', '-f', '-'], { env, encoding: 'utf8', input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'netcheck-helper-leftover', namespace: 'default', labels: { 'kubectl-netcheck/helper': 'true' } },
      // Like a real helper: no grace period, so a delete is done at once.
      spec: { nodeName: source.node, hostNetwork: true, automountServiceAccountToken: false, terminationGracePeriodSeconds: 0, tolerations: [{ operator: 'Exists' }], activeDeadlineSeconds: 120,
        containers: [{ name: 'helper', image: env.NETCHECK_HELPER_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '100'] }] },
    }) });
    expect(leftover.status).toBe(0);
    const listed = spawnSync('kubectl', ['netcheck', 'helpers', '-o', 'json'], { env, encoding: 'utf8' });
    expect(listed.status).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((p) => p.name)).toContain('netcheck-helper-leftover');
    const deleted = spawnSync('kubectl', ['netcheck', 'helpers', '--delete'], { env, encoding: 'utf8' });
    expect(deleted.status).toBe(0);
    expect(deleted.stderr).toContain('deleted helper pod default/netcheck-helper-leftover');
    expect(helperPods(env)).toBe('');
  }, 120_000);
});
