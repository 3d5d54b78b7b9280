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

/** What the node-side lookup prints (and exits 125 with) when no strategy found a live process. */
export const noPidMarker = 'kubectl-netcheck: no live process';

/**
 * The PID lookup as a constant node-side script, so the lookup and what
 * needs the PID travel in one round trip: the runtime's CLI (docker inspect,
 * crictl inspect, each only if installed), then the /proc/*\/cgroup scan by
 * container ID, then by pod UID; the init process is the match whose parent is
 * not a match (lowest PID among those), as pickInitPid does. Sets $pid and
 * runs what follows; the IDs come in as positional arguments, never spliced.
 * With $5 = 1 it says on stderr which lookup answered.
 */
const lookupPrelude = [
  'id=$1 rt=$2 p1=$3 p2=$4 say=$5; shift 5',
  'live() { case $1 in ""|*[!0-9]*|0|1) return 1;; esac; [ -d "/proc/$1" ]; }',
  'pid= via=',
  'if [ "$rt" = docker ] && command -v docker >/dev/null 2>&1; then pid=$(docker inspect --type container -f "{{if .State.Running}}{{.State.Pid}}{{end}}" "$id" </dev/null 2>/dev/null); via="docker inspect"; fi',
  'if ! live "$pid" && command -v crictl >/dev/null 2>&1; then pid=$(crictl inspect -o go-template --template "{{.info.pid}}" "$id" </dev/null 2>/dev/null); via="crictl inspect"; fi',
  'scan() { grep -l -F -e "$1" -e "$2" /proc/[0-9]*/cgroup 2>/dev/null | while read -r f; do grep -q -F conmon- "$f" 2>/dev/null && continue; d=${f%/cgroup}; ' +
    'printf "%s %s\\n" "${d#/proc/}" "$(sed -n "s/^PPid:[[:space:]]*//p" "$d/status" 2>/dev/null)"; done | ' +
    'awk \'{ p[$1] = $2 } END { m = ""; for (k in p) if (p[k] != "" && !(p[k] in p) && (m == "" || k + 0 < m + 0)) m = k; if (m == "") for (k in p) if (m == "" || k + 0 < m + 0) m = k; print m }\'; }',
  'live "$pid" || { pid=$(scan "$id" "$id"); via="/proc/*/cgroup scan"; }',
  'if ! live "$pid" && [ -n "$p1" ]; then pid=$(scan "$p1" "$p2"); via="any process of the pod (/proc scan by pod UID)"; fi',
  `live "$pid" || { echo "${noPidMarker} of the container on this node" >&2; exit 125; }`,
  '[ "$say" = 1 ] && echo "kubectl-netcheck: container PID $pid (via $via)" >&2',
].join('\n');

/** `sh -c LOOKUP+then sh ID RUNTIME POD-PATTERNS VERBOSE`: `then` (quoted argv, lookedUpPid for the PID) runs once $pid is known. */
export function withPidLookup(picked: PickedContainer, runtime: RuntimeName, then: string, verbose = false): string[] {
  const uid = picked.podUid ?? '';
  return ['sh', '-c', `${lookupPrelude}\n${then}`, 'sh', picked.ref.id, runtime, uid && `pod${uid}`, uid && `pod${uid.replaceAll('-', '_')}`, verbose ? '1' : '0'];
}

/** The error when the node-side lookup found nothing. */
export function noLiveProcessError(picked: PickedContainer, node: string): PluginError {
  return new PluginError(`no live process of container ${picked.container} (${picked.ref.id.slice(0, 13)}) of pod ${picked.pod} on node ${node}`, 1,
    `tried the runtime's CLI (crictl/docker, when installed) and a /proc/*/cgroup scan. Is the pod running? kubectl get pod -n ${picked.pod.split('/')[0]} ${picked.pod.split('/')[1]} -o wide`);
}
