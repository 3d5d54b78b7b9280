import { readFileSync } from 'node:fs';
import {
  crictlInspect, dockerInspect, parseCrictlInspectPid, parseDockerInspectPid, pidStrategiesFor, procCgroupScan,
} from '../../../shared/runtime/pid-lookup.js';
import { findContainerPid } from '../../../shared/pods/container-pid.js';
import { recordedNodeShell } from '../../support/recorded-node-shell.js';

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

  const picked = {
    pod: 'kube-system/kube-proxy-x', requested: 'kube-proxy', container: 'kube-proxy', state: 'running' as const, hostNetwork: true,
    ref: { runtime: 'containerd' as const, id },
  };

  it('findContainerPid falls through a crictl that finds nothing to the /proc scan, and says which answered', async () => {
    const shell = recordedNodeShell('kube-node-1', {
      crictl: { code: 1, stderr: 'FATA[0000] connect: connect endpoint \'unix:///run/containerd/containerd.sock\', make sure you are running as root\n' },
      sh: { code: 0, stdout: fixture('proc/scan-container-kube-proxy.txt') },
    });
    await expect(findContainerPid(shell, picked, 'containerd')).resolves.toEqual({ pid: 13479, via: '/proc/*/cgroup scan' });
    expect(shell.asked.map((argv) => argv[0])).toEqual(['crictl', 'sh']);
  });

  it('findContainerPid takes crictl\'s answer first and runs nothing more', async () => {
    const shell = recordedNodeShell('kube-node-1', { crictl: { code: 0, stdout: containerdInspect } });
    await expect(findContainerPid(shell, picked, 'containerd')).resolves.toEqual({ pid: 2092, via: 'crictl inspect' });
    expect(shell.asked).toHaveLength(1);
  });

  it('findContainerPid names every lookup it tried when none answers', async () => {
    const shell = recordedNodeShell('kube-node-1', { sh: { code: 0, stdout: '' } });
    await expect(findContainerPid(shell, picked, 'containerd')).rejects.toThrow(/no live process of container kube-proxy/);
    await expect(findContainerPid(shell, picked, 'containerd')).rejects.toMatchObject({ hint: expect.stringContaining('crictl inspect: not installed; /proc/*/cgroup scan: no live process') });
  });

  it('the /proc scan is a constant script; the ID only travels as a positional argument', () => {
    const argv = procCgroupScan.argv(id);
    expect(argv.slice(0, 2)).toEqual(['sh', '-c']);
    expect(argv[2]).not.toContain(id);
    expect(argv.slice(3)).toEqual(['sh', id, id]);
  });
});
