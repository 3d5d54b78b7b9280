import type { RuntimeName } from './container-ref.js';
import { containerCgroupScanArgv, parseCgroupScan, pickInitPid } from './proc-cgroup.js';

export { nsenterArgv, type Namespace } from './nsenter-argv.js';

/**
 * One way to learn a container's host PID on its node: the remote command,
 * and how to read its stdout. parse returns undefined when the output has no
 * live PID (not running, unknown layout); the caller then tries the next one.
 */
export interface PidStrategy {
  readonly name: string;
  argv(containerId: string): readonly string[];
  parse(stdout: string): number | undefined;
}

function livePid(value: unknown): number | undefined {
  const pid = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  // 0 is how every runtime says "no process" (exited, created, not started).
  return typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * `crictl inspect` output. crictl prints the runtime's verbose-info map with
 * each key at top level, JSON-decoding each value it can. containerd and
 * CRI-O both use one key, "info", holding `{"sandboxID", "pid", ...}`, hence
 * `.info.pid`; a value crictl could not decode stays a JSON string, and a
 * runtime keying "pid" directly gives a top-level `.pid`. A list (several IDs,
 * newer crictl) uses its first element.
 */
export function parseCrictlInspectPid(stdout: string): number | undefined {
  const parsed = parseJson(stdout.trim());
  const top = record(Array.isArray(parsed) ? parsed[0] : parsed);
  let info: unknown = top?.['info'];
  for (let depth = 0; depth < 3 && info !== undefined; depth += 1) {
    if (typeof info === 'string') info = parseJson(info);
    const pid = livePid(record(info)?.['pid']);
    if (pid !== undefined) return pid;
    info = record(info)?.['info'];
  }
  return livePid(top?.['pid']);
}

/** `docker inspect` output: `[ { "State": { "Pid": N, "Running": bool } } ]`; Pid 0 = not running. */
export function parseDockerInspectPid(stdout: string): number | undefined {
  const parsed = parseJson(stdout.trim());
  const container = record(Array.isArray(parsed) ? parsed[0] : parsed);
  const state = record(container?.['State']);
  if (state?.['Running'] === false) return undefined;
  return livePid(state?.['Pid']);
}

export const crictlInspect: PidStrategy = {
  name: 'crictl inspect',
  argv: (id) => ['crictl', 'inspect', '-o', 'json', id],
  parse: parseCrictlInspectPid,
};

export const dockerInspect: PidStrategy = {
  name: 'docker inspect',
  argv: (id) => ['docker', 'inspect', '--type', 'container', id],
  parse: parseDockerInspectPid,
};

export const procCgroupScan: PidStrategy = {
  name: '/proc/*/cgroup scan',
  argv: containerCgroupScanArgv,
  parse: (stdout) => pickInitPid(parseCgroupScan(stdout)),
};

/**
 * The order to try for a runtime. The runtime's own CLI first (it knows the
 * init PID for sure); Docker nodes also try crictl, since with cri-dockerd
 * the container ID says docker:// while crictl works too. The /proc scan
 * comes last on every node: it needs no CLI, no crictl.yaml, no socket path.
 */
export function pidStrategiesFor(runtime: RuntimeName): readonly PidStrategy[] {
  switch (runtime) {
    case 'docker':
      return [dockerInspect, crictlInspect, procCgroupScan];
    case 'containerd':
    case 'cri-o':
      return [crictlInspect, procCgroupScan];
  }
}
