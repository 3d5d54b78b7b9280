import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { kubectl } from './lab.js';

// What the tap tests over SSH (40-tap) and over helper pods (45-transport) share: the two CoreDNS
// pods on different nodes, the node state a tap may touch, and a tap started in the background.

export interface LabPod { name: string; node: string; ip: string }

/** A command on a lab node over OpenSSH (the lab's own ssh config), for checking state from outside the plugins. */
export function labSsh(env: NodeJS.ProcessEnv, node: string, command: string): string {
  return execFileSync('ssh', ['-F', env.NETCHECK_SSH_CONFIG!, '-o', 'BatchMode=yes', node, command], { encoding: 'utf8' });
}

/** The CoreDNS pods (the lab spreads them over the workers): the tap's source and a pod on another node. */
export function corednsPodsOnTwoNodes(env: NodeJS.ProcessEnv): { source: LabPod; other: LabPod } {
  const list = JSON.parse(kubectl(['get', 'pods', '-n', 'kube-system', '-l', 'k8s-app=kube-dns', '-o', 'json'], env).stdout) as {
    items: { metadata: { name: string }; spec: { nodeName: string }; status: { podIP: string } }[];
  };
  const pods = list.items.map((p) => ({ name: p.metadata.name, node: p.spec.nodeName, ip: p.status.podIP }));
  const source = pods[0]!;
  return { source, other: pods.find((p) => p.node !== source.node)! };
}

/**
 * What a tap may touch on a node: links, qdiscs, and the filters on every device.
 * The bridge's running timers and the kernel's late "qlen" on a fresh veth are not state.
 */
export function tapNodeState(env: NodeJS.ProcessEnv, node: string): string {
  return labSsh(env, node, 'ip -d link show; tc qdisc show; for d in $(ls /sys/class/net); do tc filter show dev $d ingress; tc filter show dev $d egress; done 2>/dev/null')
    .replace(/\b\w+_timer +[\d.]+/g, '').replace(/ qlen \d+/g, '').replace(/ +$/gm, '');
}

/** Removes every tap left on the nodes (over SSH), so a failed test does not make the next suites fail too. */
export function removeLeftoverTaps(env: NodeJS.ProcessEnv): void {
  spawnSync('kubectl', ['tap', '--delete'], { env, stdio: 'ignore', timeout: 120_000 });
}

/** The lines tcpdump reads from a pcap through a filter. */
export function capturedPackets(pcap: string, filter: string): string[] {
  return execFileSync('tcpdump', ['-n', '-r', pcap, filter], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n').filter(Boolean);
}

export interface RunningTap { child: ChildProcess; stderr: () => string; exit: Promise<number | null> }

/** `kubectl tap SOURCE --dest OTHER ARGS` in the background; resolves once it reports "tap up" (within upWithinMs). */
export async function startTap(env: NodeJS.ProcessEnv, source: LabPod, other: LabPod, args: string[], upWithinMs: number): Promise<RunningTap> {
  const child = spawn('kubectl', ['tap', '-n', 'kube-system', source.name, '--dest', other.node, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  for (let waited = 0; waited < upWithinMs && !stderr.includes('tap up'); waited += 100) {
    if (child.exitCode !== null) throw new Error(`tap exited early: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(stderr).toContain('tap up');
  return { child, stderr: () => stderr, exit };
}
