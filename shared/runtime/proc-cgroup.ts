/**
 * The runtime-independent way to a container's PID: every process of a
 * container sits in a cgroup whose path contains the container ID, whatever
 * the runtime (containerd, CRI-O, Docker), cgroup version (v1 lists one line
 * per hierarchy, v2 one `0::` line) and driver:
 *   systemd:  /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope
 *             (crio-<id>.scope, docker-<id>.scope)
 *   cgroupfs: /kubepods/burstable/pod<uid>/<id>  (possibly below a prefix, e.g. kind's node cgroup)
 * So grepping /proc/[0-9]*\/cgroup for the ID finds them without asking the runtime.
 */

/** One process whose /proc/PID/cgroup matched; ppid undefined when its status could not be read. */
export interface ProcMatch {
  pid: number;
  ppid?: number;
}

// Constant script, the patterns are positional args (never spliced into the
// text). For each match it prints "PID PPID"; PPid comes from
// /proc/PID/status because /proc/PID/stat's comm field may contain spaces.
// `grep -F` so an ID is never read as a regex; 2>/dev/null because processes
// vanish between the glob and the read. CRI-O puts conmon, the container's
// parent, in "crio-conmon-<id>.scope": it matches the ID but lives in the
// host's namespaces, so it is skipped (else it would look like the init).
const scanScript =
  'grep -l -F -e "$1" -e "$2" /proc/[0-9]*/cgroup 2>/dev/null | while read -r f; do ' +
  'grep -q -F conmon- "$f" 2>/dev/null && continue; ' +
  'd=${f%/cgroup}; printf \'%s %s\\n\' "${d#/proc/}" "$(sed -n \'s/^PPid:[[:space:]]*//p\' "$d/status" 2>/dev/null)"; done';

/** Processes of one container, by its full 64-hex ID. */
export function containerCgroupScanArgv(containerId: string): readonly string[] {
  return ['sh', '-c', scanScript, 'sh', containerId, containerId];
}

/**
 * Processes of any container of a pod, by pod UID: for a crash-looping pod the
 * sandbox (pause) process still holds the network namespace. cgroupfs writes
 * the UID as is, the systemd driver with "_" for "-".
 */
export function podCgroupScanArgv(podUid: string): readonly string[] {
  return ['sh', '-c', scanScript, 'sh', `pod${podUid}`, `pod${podUid.replaceAll('-', '_')}`];
}

/** Parses the scan's "PID PPID" lines; anything else (a stray warning) is skipped. */
export function parseCgroupScan(stdout: string): ProcMatch[] {
  const matches: ProcMatch[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)(?:\s+(\d+))?\s*$/.exec(line);
    if (match?.[1] === undefined) continue;
    const ppid = match[2] === undefined ? undefined : Number(match[2]);
    matches.push(ppid === undefined ? { pid: Number(match[1]) } : { pid: Number(match[1]), ppid });
  }
  return matches;
}

/**
 * The container's init process among its matches. Not simply the lowest PID:
 * PIDs wrap around, so on a long-running node a later child can have a lower
 * PID than init. Init is the one whose parent (the shim or conmon) is outside
 * the set. `kubectl exec` sessions are also children of the shim, so several
 * roots are possible; then the lowest PID wins — they all share the
 * container's namespaces, so any root is correct for nsenter.
 */
export function pickInitPid(matches: readonly ProcMatch[]): number | undefined {
  const pids = new Set(matches.map((m) => m.pid));
  const roots = matches.filter((m) => m.ppid !== undefined && !pids.has(m.ppid));
  const candidates = roots.length > 0 ? roots : matches;
  if (candidates.length === 0) return undefined;
  return Math.min(...candidates.map((m) => m.pid));
}

/**
 * The container ID in one /proc/PID/cgroup text, or undefined for a process
 * outside any container (and for CRI-O's conmon, which only manages one).
 * The ID is the last 64-hex path token, whichever way it is delimited:
 * "/<id>", "cri-containerd-<id>.scope", containerd 1.4's systemd form
 * "…pod<uid>.slice:cri-containerd:<id>", or "/<id>/kube-proxy" when a
 * container made sub-cgroups. Used to say which container a PID is in, and by
 * the tests to prove every layout carries the full ID the scan greps for.
 */
export function containerIdFromCgroup(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const path = line.trim().split(':').slice(2).join(':');
    if (path.includes('conmon-')) continue;
    const ids = [...path.matchAll(/(?:^|[/:-])([0-9a-f]{64})(?=$|[/:.])/g)].map((m) => m[1]);
    const last = ids.at(-1);
    if (last !== undefined) return last;
  }
  return undefined;
}
