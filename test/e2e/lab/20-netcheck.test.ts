import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeLab, kubectl, labEnv, useScenario } from '../../support/lab.js';

// kubectl netcheck through the real kubectl, against each lab scenario reached
// for real: live, and from a `kubectl cluster-info dump` of the same state.

interface Report {
  hostNetwork: { status: string };
  containerNetwork: { status: string; step: string };
  findings: { code: string }[];
  unreadable: { what: string }[];
}

interface Expectation {
  scenario: string;
  step: string;
  top?: string;
  /** The cause shows only on the nodes (a config file, a sysctl): check with --ssh, and dump with --save-bundle. */
  needsNodes?: boolean;
}

const expectations: Expectation[] = [
  { scenario: 'step1', step: 'waiting-for-cni', top: 'CNI_NOT_INSTALLED' },
  { scenario: 'case-a', step: 'case-a', top: 'CNI_PLUGIN_BINARY_MISSING' },
  { scenario: 'case-a-invalid-json', step: 'waiting-for-cni', top: 'CNI_CONFIG_INVALID', needsNodes: true },
  { scenario: 'case-b', step: 'case-b', top: 'POD_NETWORK_UNREACHABLE' },
  { scenario: 'ipam-exhausted', step: 'case-a', top: 'IPAM_EXHAUSTED' },
  { scenario: 'bridge-conflict', step: 'case-a', top: 'BRIDGE_ADDRESS_CONFLICT' },
  // Before proxy-broken: kube-proxy pods take a while to stop crash-looping after it.
  { scenario: 'ready', step: 'ready' },
  { scenario: 'no-podcidr', step: 'waiting-for-cni', top: 'POD_CIDR_NOT_ASSIGNED' },
  { scenario: 'netfilter', step: 'case-b', top: 'HOST_NETFILTER_SETTINGS', needsNodes: true },
  { scenario: 'mtu', step: 'case-b', top: 'MTU_MISMATCH', needsNodes: true },
  { scenario: 'proxy-broken', step: 'case-b', top: 'SERVICE_PROXY_BROKEN' },
];

function netcheck(args: string[], env = labEnv()) {
  const result = kubectl(['netcheck', '-o', 'json', ...args], env);
  let report: Report | undefined;
  try {
    report = JSON.parse(result.stdout) as Report;
  } catch {
    throw new Error(`kubectl netcheck ${args.join(' ')} exited ${result.status} without JSON: ${result.stderr}`);
  }
  return { status: result.status, report, stderr: result.stderr };
}

function expectVerdict(report: Report, status: number | null, e: Expectation): void {
  // On a wrong step, show what netcheck saw: a flaky lab state and a wrong rule look alike otherwise.
  expect({ step: report.containerNetwork.step, ...(report.containerNetwork.step !== e.step && { report }) }).toEqual({ step: e.step });
  if (e.top) {
    expect(report.findings[0]?.code).toBe(e.top);
    expect(status).toBe(1);
  } else {
    expect(report.containerNetwork.status).toBe('OK');
    expect(report.hostNetwork.status).toBe('OK');
    expect(status).toBe(0);
  }
}

describeLab('kubectl netcheck in the lab', () => {
  describe.each(expectations)('scenario $scenario', (e) => {
    const dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), `netcheck-dump-${e.scenario}-`));
    beforeAll(() => useScenario(e.scenario), 900_000);
    afterAll(() => fs.rmSync(dumpDir, { recursive: true, force: true }));

    it(`live: step ${e.step}${e.top ? `, top cause ${e.top}` : ', all OK'}`, () => {
      const { report, status } = netcheck(e.needsNodes ? ['--ssh'] : []);
      expectVerdict(report!, status, e);
    }, 120_000);

    it('from a dump of the same state', () => {
      const env = labEnv();
      if (e.needsNodes) {
        // cluster-info dump has no node files: collect them with --save-bundle, same layout.
        expect(kubectl(['netcheck', '--ssh', '--save-bundle', dumpDir, '-o', 'json'], env).stdout).toContain('"apiVersion"');
      } else {
        const dump = kubectl(['cluster-info', 'dump', '--all-namespaces', '--output-directory', dumpDir], env);
        expect(dump.status).toBe(0);
      }
      const { report, status } = netcheck(['--dump', dumpDir], { ...env, KUBECONFIG: '/nonexistent' });
      expectVerdict(report!, status, e);
    }, 180_000);
  });

  describe('iptables view and --wait (scenario ready)', () => {
    beforeAll(() => useScenario('ready'), 900_000);

    it('iptables NODE groups the chains by who added them and traces kube-dns to its endpoints', () => {
      const env = labEnv();
      const result = kubectl(['netcheck', 'iptables', 'kube-node-1', '--service', 'kube-system/kube-dns', '-o', 'json'], env);
      expect(result.status).toBe(0);
      const view = JSON.parse(result.stdout) as { podCidr: string; podCidrSource: string; owners: { owner: string; rules: number }[]; service: { complete: boolean; ports: { endpoints: { dnatTo?: string }[] }[] } };
      // The lab has no kubeadm-config; its controller-manager runs with --cluster-cidr=10.244.0.0/16.
      expect([view.podCidr, view.podCidrSource]).toEqual(['10.244.0.0/16', 'kube-controller-manager --cluster-cidr']);
      expect(view.owners.map((o) => o.owner)).toEqual(expect.arrayContaining(['kubelet', 'kube-proxy']));
      expect(view.service.complete).toBe(true);
      const coredns = JSON.parse(kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'json'], env).stdout) as { items: { status: { podIP: string } }[] };
      const dnatTargets = view.service.ports.flatMap((p) => p.endpoints.map((e) => e.dnatTo?.split(':')[0]));
      for (const pod of coredns.items) expect(dnatTargets).toContain(pod.status.podIP);
    }, 120_000);

    it('iptables NODE --dump reads the same rules and pod CIDR from a saved bundle', () => {
      const env = labEnv();
      const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-iptables-bundle-'));
      try {
        expect(kubectl(['netcheck', '--ssh', '--save-bundle', bundle, '-o', 'json'], env).status).toBe(0);
        const result = kubectl(['netcheck', 'iptables', 'kube-node-1', '--dump', bundle, '-o', 'json'], { ...env, KUBECONFIG: '/nonexistent' });
        expect(result.status).toBe(0);
        const view = JSON.parse(result.stdout) as { podCidr: string; podCidrSource: string; owners: { owner: string }[] };
        expect([view.podCidr, view.podCidrSource]).toEqual(['10.244.0.0/16', 'kube-controller-manager --cluster-cidr']);
        expect(view.owners.map((o) => o.owner)).toEqual(expect.arrayContaining(['kubelet', 'kube-proxy']));
      } finally {
        fs.rmSync(bundle, { recursive: true, force: true });
      }
    }, 120_000);

    it('--wait returns 0 as soon as the container network is ready', () => {
      const result = kubectl(['netcheck', '--wait', '--timeout', '60s'], labEnv());
      expect(result.status).toBe(0);
      expect(result.stdout.split('\n').slice(0, 2)).toEqual(['Host network => OK', 'Container network => OK (ready)']);
    }, 120_000);
  });

  describe('--wait gives up at --timeout with the last verdict (scenario case-a)', () => {
    beforeAll(() => useScenario('case-a'), 900_000);

    it('exits 1 after the timeout, printing the last verdict', () => {
      const started = Date.now();
      const result = kubectl(['netcheck', '--wait', '--timeout', '12s'], labEnv());
      expect(result.status).toBe(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(7_000);
      expect(result.stderr).toContain('timed out after 12s');
      expect(result.stdout).toContain('Container network => NG (case-a)');
    }, 120_000);
  });

  describe('with less RBAC (scenario case-a)', () => {
    beforeAll(() => useScenario('case-a'), 900_000);

    it('view-only: still a verdict, and names what it could not read', () => {
      const { report, status } = netcheck(['--context', 'view']);
      expect(status).toBe(1);
      expect(report!.findings[0]?.code).toBe('CNI_PLUGIN_BINARY_MISSING');
      expect(report!.unreadable.map((u) => u.what)).toEqual(expect.arrayContaining(['nodes']));
    }, 120_000);

    it('no events, no logs: still a verdict (from pods stuck over a minute), and names the events it could not read', async () => {
      // Without events the only sign is the pods' own status: ContainerCreating for over a minute.
      let { report, status } = netcheck(['--context', 'no-events']);
      for (let waited = 0; status !== 1 && waited < 120_000; waited += 5000) {
        await new Promise((r) => setTimeout(r, 5000));
        ({ report, status } = netcheck(['--context', 'no-events']));
      }
      expect(status).toBe(1);
      expect(report!.containerNetwork).toEqual({ status: 'NG', step: 'case-a' });
      expect(report!.unreadable.map((u) => u.what)).toEqual(expect.arrayContaining(['events (all namespaces)']));
    }, 200_000);

    it('admin: the full verdict, nothing unreadable', () => {
      const { report } = netcheck([]);
      expect(report!.unreadable).toEqual([]);
    }, 120_000);
  });
});
