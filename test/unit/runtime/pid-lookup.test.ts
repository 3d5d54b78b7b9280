import { readFileSync } from 'node:fs';
import {
  crictlInspect, dockerInspect, parseCrictlInspectPid, parseDockerInspectPid, pidStrategiesFor, procCgroupScan,
} from '../../../shared/runtime/pid-lookup.js';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url), 'utf8');
const containerdInspect = fixture('crictl/crictl-inspect-containerd-kind.json');
const dockerRunning = fixture('docker/docker-inspect-running.json');
const id = 'b1f06ea545e81d89dc503414d20a33f1b3f3eca71e3a4344fd16ddc202cc8129';

describe('crictl inspect', () => {
  it('reads .info.pid from a recorded containerd output', () => {
    expect(parseCrictlInspectPid(containerdInspect)).toBe(2092);
  });

  it('reads the first element when newer crictl prints a list', () => {
    expect(parseCrictlInspectPid(`[${containerdInspect}]`)).toBe(2092);
  });

  it('reads info when crictl left it as a JSON string (value it could not decode)', () => {
    const recorded = JSON.parse(containerdInspect) as { status: unknown; info: unknown };
    const asString = JSON.stringify({ status: recorded.status, info: JSON.stringify(recorded.info) });
    expect(parseCrictlInspectPid(asString)).toBe(2092);
    const nested = JSON.stringify({ status: recorded.status, info: { info: JSON.stringify(recorded.info) } });
    expect(parseCrictlInspectPid(nested)).toBe(2092);
  });

  it('says no PID for an exited container (pid 0) and for output that is not crictl JSON', () => {
    const recorded = JSON.parse(containerdInspect) as { info: Record<string, unknown> };
    recorded.info['pid'] = 0;
    expect(parseCrictlInspectPid(JSON.stringify(recorded))).toBeUndefined();
    expect(parseCrictlInspectPid('')).toBeUndefined();
    expect(parseCrictlInspectPid('FATA[0000] no such container')).toBeUndefined();
    expect(parseCrictlInspectPid('{"status": {}}')).toBeUndefined();
  });

  it('asks for JSON explicitly, the ID as its own argument', () => {
    expect(crictlInspect.argv(id)).toEqual(['crictl', 'inspect', '-o', 'json', id]);
  });
});

describe('docker inspect', () => {
  it('reads State.Pid from a recorded running container', () => {
    expect(parseDockerInspectPid(dockerRunning)).toBe(12680);
  });

  it('says no PID for the recorded exited container (Pid 0, Running false)', () => {
    const fragment = fixture('docker/docker-inspect-exited-state.fragment.txt');
    const state = fragment.slice(fragment.indexOf('{'), fragment.lastIndexOf('}') + 1);
    expect(parseDockerInspectPid(`[{"State": ${state}}]`)).toBeUndefined();
  });

  it('says no PID for a container that docker reports not running even if a Pid lingers', () => {
    const recorded = JSON.parse(dockerRunning) as Array<{ State: Record<string, unknown> }>;
    recorded[0]!.State['Running'] = false;
    expect(parseDockerInspectPid(JSON.stringify(recorded))).toBeUndefined();
    expect(parseDockerInspectPid('[]')).toBeUndefined();
    expect(parseDockerInspectPid('Error: No such object: abc')).toBeUndefined();
  });

  it('asks for a container, not an image of the same name', () => {
    expect(dockerInspect.argv(id)).toEqual(['docker', 'inspect', '--type', 'container', id]);
  });
});

describe('strategy order', () => {
  const names = (runtime: Parameters<typeof pidStrategiesFor>[0]) => pidStrategiesFor(runtime).map((s) => s.name);

  it('asks the runtime CLI first and scans /proc last, on every runtime', () => {
    expect(names('containerd')).toEqual(['crictl inspect', '/proc/*/cgroup scan']);
    expect(names('cri-o')).toEqual(['crictl inspect', '/proc/*/cgroup scan']);
    expect(names('docker')).toEqual(['docker inspect', 'crictl inspect', '/proc/*/cgroup scan']);
  });

  it('falls through to the next strategy when one finds nothing', () => {
    const outputs: Record<string, string> = {
      'crictl inspect': 'FATA[0000] connect: no such file or directory',
      '/proc/*/cgroup scan': fixture('proc/scan-container-kube-proxy.txt'),
    };
    const found = pidStrategiesFor('containerd')
      .map((strategy) => ({ name: strategy.name, pid: strategy.parse(outputs[strategy.name] ?? '') }))
      .find((attempt) => attempt.pid !== undefined);
    expect(found).toEqual({ name: '/proc/*/cgroup scan', pid: 13479 });
  });

  it('the /proc scan is a constant script; the ID only travels as a positional argument', () => {
    const argv = procCgroupScan.argv(id);
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).not.toContain(id);
    expect(argv.slice(3)).toEqual(['sh', id, id]);
  });
});
