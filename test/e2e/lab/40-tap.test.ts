import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeLab, kubectl, labEnv, useScenario } from '../../support/lab.js';
import { capturedPackets as packets, corednsPodsOnTwoNodes, removeLeftoverTaps, labSsh as ssh, startTap as startLabTap, tapNodeState as nodeState, type LabPod, type RunningTap } from '../../support/tap-lab.js';

// kubectl tap through the real kubectl: a real vxlan between two lab nodes, real tc
// mirred on the pod's veth, tcpdump on the receiving node; and no residue, ever.


describeLab('kubectl tap in the lab (scenario ready)', () => {
  let env: NodeJS.ProcessEnv;
  let source: LabPod;
  let other: LabPod;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-tap-'));
  const before: Record<string, string> = {};

  beforeAll(() => {
    useScenario('ready');
    env = labEnv();
    ({ source, other } = corednsPodsOnTwoNodes(env));
    for (const node of [source.node, other.node]) before[node] = nodeState(env, node);
  }, 900_000);

  afterAll(() => {
    removeLeftoverTaps(env);
    fs.rmSync(work, { recursive: true, force: true });
  }, 120_000);

  function expectNoResidue(): void {
    for (const node of [source.node, other.node]) expect(nodeState(env, node)).toBe(before[node]);
  }

  /** Starts a tap in the background; resolves once it reports "tap up". */
  const startTap = (args: string[]): Promise<RunningTap> => startLabTap(env, source, other, args, 30_000);

  function pingFromPod(count = 5): void {
    const r = spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--', 'ping', '-c', String(count), '-i', '0.2', other.ip], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
  }

  it.each([
    ['both', 5, 5],
    ['egress', 5, 0],
    ['ingress', 0, 5],
  ] as const)('--mirrortype %s: the receiving node sees %d echo requests and %d replies of the pod', async (mode, requests, replies) => {
    const pcap = path.join(work, `${mode}.pcap`);
    const tap = await startTap(['--mirrortype', mode, '--capture', pcap, '--filter', 'icmp']);
    await new Promise((r) => setTimeout(r, 1000));
    pingFromPod(5);
    await new Promise((r) => setTimeout(r, 1000));
    tap.child.kill('SIGINT');
    expect(await tap.exit).toBe(130);
    expect(tap.stderr()).toMatch(/packets captured/);
    expect(packets(pcap, `icmp[icmptype] = icmp-echo and src host ${source.ip}`)).toHaveLength(requests);
    expect(packets(pcap, `icmp[icmptype] = icmp-echoreply and dst host ${source.ip}`)).toHaveLength(replies);
    expectNoResidue();
  }, 120_000);

  it('a TCP transfer from the pod shows up on the receiving device, read by the node\'s own tcpdump', async () => {
    const tap = await startTap(['--duration', '12s']);
    try {
      // Only the pod's own connection to the other pod: the kubelet's probes use port 8181 too.
      const dump = spawn('ssh', ['-F', env.NETCHECK_SSH_CONFIG!, other.node, `timeout 8 tcpdump -i ntap4242 -n -c 20 tcp port 8181 and host ${other.ip} 2>/dev/null`], { stdio: ['ignore', 'pipe', 'ignore'] });
      let seen = '';
      dump.stdout!.on('data', (d) => { seen += d; });
      await new Promise((r) => setTimeout(r, 1500));
      spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--', 'sh', '-c', `for i in 1 2 3; do wget -q -O- http://${other.ip}:8181/ready; done`], { env });
      await new Promise((r) => dump.on('exit', r));
      expect(seen).toContain(`${source.ip}.`);
      expect(seen).toContain(`${other.ip}.8181`);
    } finally {
      expect(await tap.exit).toBe(0);
    }
    expectNoResidue();
  }, 120_000);

  it('--capture writes a pcap that tcpdump -r reads', async () => {
    const pcap = path.join(work, 'out.pcap');
    const tap = await startTap(['--capture', pcap, '--duration', '6s']);
    pingFromPod(3);
    expect(await tap.exit).toBe(0);
    expect(packets(pcap, `host ${source.ip}`).length).toBeGreaterThanOrEqual(6);
    expectNoResidue();
  }, 120_000);

  it.each(['SIGTERM', 'SIGINT'] as const)('leaves nothing behind after %s', async (signal) => {
    const tap = await startTap([]);
    tap.child.kill(signal);
    expect(await tap.exit).toBe(signal === 'SIGINT' ? 130 : 143);
    expectNoResidue();
  }, 120_000);

  it('the nodes clean up by themselves within 10 s of the client being SIGKILLed', async () => {
    const tap = await startTap([]);
    tap.child.kill('SIGKILL');
    await tap.exit;
    // kubectl is killed, not its child plugin: kill the plugin the same way.
    spawnSync('pkill', ['-KILL', '-f', `kubectl-tap -n kube-system ${source.name}`]);
    const killedAt = Date.now();
    while (Date.now() - killedAt < 10_000 && (nodeState(env, source.node) !== before[source.node] || nodeState(env, other.node) !== before[other.node])) {
      await new Promise((r) => setTimeout(r, 500));
    }
    expectNoResidue();
  }, 120_000);

  it('the nodes clean up by themselves within 10 s of the SSH connection being cut', async () => {
    const tap = await startTap([]);
    // Cut SSH on the pod's node: drop its port-22 traffic inside the lab node's own namespace.
    const rule = ['-p', 'tcp', '--sport', '22', '-j', 'DROP'];
    execFileSync('ip', ['netns', 'exec', `nclab-${source.node}`, 'iptables', '-I', 'OUTPUT', ...rule]);
    const cutAt = Date.now();
    try {
      let residue = true;
      while (residue && Date.now() - cutAt < 10_000) {
        await new Promise((r) => setTimeout(r, 500));
        residue = execFileSync('ip', ['netns', 'exec', `nclab-${source.node}`, 'ip', '-o', 'link', 'show'], { encoding: 'utf8' }).includes('ntap4242');
      }
      expect(residue).toBe(false);
    } finally {
      execFileSync('ip', ['netns', 'exec', `nclab-${source.node}`, 'iptables', '-D', 'OUTPUT', ...rule]);
      tap.child.kill('SIGINT');
      await tap.exit;
    }
    expectNoResidue();
  }, 120_000);

  it('reuses an existing clsact qdisc and leaves a foreign filter on it untouched', async () => {
    const veth = (JSON.parse(spawnSync('kubectl', ['nsenter', '-n', 'kube-system', source.name, '--ifaces', '-o', 'json'], { env, encoding: 'utf8' }).stdout) as {
      interfaces: { pod: { name: string }; host?: { name: string } }[];
    }).interfaces.find((i) => i.pod.name === 'eth0')!.host!.name;
    try {
      // Someone else's filter (mirred: this kernel has no gact for "action drop"); it matches nothing.
      ssh(env, source.node, `tc qdisc add dev ${veth} clsact && tc filter add dev ${veth} ingress pref 100 protocol ip u32 match ip dst 192.0.2.1/32 action mirred egress mirror dev lo`);
      const withForeign = nodeState(env, source.node);
      expect(withForeign).toContain('pref 100');
      const tap = await startTap(['--duration', '3s']);
      expect(await tap.exit).toBe(0);
      expect(nodeState(env, source.node)).toBe(withForeign);
    } finally {
      ssh(env, source.node, `tc qdisc del dev ${veth} clsact`);
    }
    expectNoResidue();
  }, 120_000);

  it('--detach leaves it up for --list, and --delete removes it', async () => {
    const up = spawnSync('kubectl', ['tap', '-n', 'kube-system', source.name, '--dest', other.node, '--detach'], { env, encoding: 'utf8' });
    expect(up.status).toBe(0);
    const listed = JSON.parse(spawnSync('kubectl', ['tap', '--list', '-o', 'json'], { env, encoding: 'utf8' }).stdout) as { node: string; pod: string; role: string }[];
    expect(listed).toEqual(expect.arrayContaining([
      expect.objectContaining({ node: source.node, pod: `kube-system/${source.name}`, role: 'source' }),
      expect.objectContaining({ node: other.node, pod: `kube-system/${source.name}`, role: 'dest' }),
    ]));
    // --delete --dry-run prints the teardown, one command per line, and changes nothing; --list --delete is refused.
    const listJson = () => spawnSync('kubectl', ['tap', '--list', '-o', 'json'], { env, encoding: 'utf8' }).stdout;
    const before = listJson();
    const dry = spawnSync('kubectl', ['tap', '-n', 'kube-system', '--delete', source.name, '--dry-run'], { env, encoding: 'utf8' });
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^# would remove ntap\d+ \(source of kube-system\/.+\) from node .+:\n(.+\n)*ip link del ntap\d+\n/m);
    const both = spawnSync('kubectl', ['tap', '--list', '--delete'], { env, encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('--list cannot be combined with --delete');
    expect(listJson()).toBe(before);
    expect(spawnSync('kubectl', ['tap', '-n', 'kube-system', '--delete', source.name], { env }).status).toBe(0);
    expectNoResidue();
  }, 120_000);
});
