import { PluginError } from '../cli/errors.js';
import type { RuntimeName } from '../runtime/container-ref.js';
import { pidStrategiesFor, type PidStrategy } from '../runtime/pid-lookup.js';
import type { PickedContainer } from '../runtime/pick-container.js';
import { parseCgroupScan, pickInitPid, podCgroupScanArgv } from '../runtime/proc-cgroup.js';
import type { NodeShell } from '../ssh/node-shell.js';

export interface FoundPid {
  pid: number;
  /** Which lookup answered: crictl inspect, docker inspect, /proc scan... */
  via: string;
}

/** Any process of the pod (its sandbox included): enough for net, uts and ipc, which the whole pod shares. */
const podProcessScan = (podUid: string): PidStrategy => ({
  name: 'any process of the pod (/proc scan by pod UID)',
  argv: () => podCgroupScanArgv(podUid),
  parse: (stdout) => pickInitPid(parseCgroupScan(stdout)),
});

/** The argv each lookup would run, in order (for --dry-run). */
export function pidLookupPlan(picked: PickedContainer, runtime: RuntimeName): { name: string; argv: readonly string[] }[] {
  return strategies(picked, runtime).map((s) => ({ name: s.name, argv: s.argv(picked.ref.id) }));
}

function strategies(picked: PickedContainer, runtime: RuntimeName): PidStrategy[] {
  const ordered = [...pidStrategiesFor(runtime)];
  if (picked.podUid) ordered.push(podProcessScan(picked.podUid));
  return ordered;
}

/**
 * Asks the node for the container's PID: the runtime's own CLI first, then the
 * runtime-independent /proc scan. A tool that is missing (exit 127) or answers
 * without a live PID passes to the next.
 */
export async function findContainerPid(shell: NodeShell, picked: PickedContainer, runtime: RuntimeName): Promise<FoundPid> {
  const tried: string[] = [];
  for (const strategy of strategies(picked, runtime)) {
    const result = await shell.exec(strategy.argv(picked.ref.id), { sudo: true, timeoutMs: 20_000 });
    const pid = result.code === 0 ? strategy.parse(result.stdout?.toString('utf8') ?? '') : undefined;
    if (pid !== undefined) return { pid, via: strategy.name };
    tried.push(`${strategy.name}: ${result.code === 127 ? 'not installed' : result.code === 0 ? 'no live process' : `exit ${result.code}`}`);
  }
  throw new PluginError(`no live process of container ${picked.container} (${picked.ref.id.slice(0, 13)}) of pod ${picked.pod} on node ${shell.node}`, 1,
    `tried ${tried.join('; ')}. Is the pod running? kubectl get pod -n ${picked.pod.split('/')[0]} ${picked.pod.split('/')[1]} -o wide`);
}
