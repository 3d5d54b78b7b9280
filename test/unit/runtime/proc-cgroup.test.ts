import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  containerCgroupScanArgv, containerIdFromCgroup, parseCgroupScan, pickInitPid, podCgroupScanArgv,
} from '../../../shared/runtime/proc-cgroup.js';

const proc = (name: string) => readFileSync(new URL(`../../fixtures/proc/${name}`, import.meta.url), 'utf8');

describe('containerIdFromCgroup on real /proc/PID/cgroup files', () => {
  it.each([
    // recorded on the dev box (cgroup v1 + 0:: line, cgroupfs driver, containerd 1.6.20)
    ['cgroup-v1-cgroupfs-containerd-kube-proxy.txt', '62d394ee146b940bf89a629a1ff85b20fdc8202437248d6c30be48176961d1b6'],
    ['cgroup-v1-cgroupfs-containerd-pause.txt', '1baf02452ec93bd9aecd9a559d293f7af8887cfaf2fe66e148b863fcf0f24bcf'],
    ['cgroup-v1-systemd-names-multiproc.txt', 'e0e63a23bfb0c101bcf4d7fe2c23cb01fa20a4d9dc4b50db5a8c36393c93157b'],
    ['cgroup-v1-crio-names-container.txt', 'e9a73086d22696abcd1d4e22929fb35b2cde5f52fcc8c77af8edb5b6ae31469e'],
    // NeuVector's recorded files: v2, hybrid, systemd/cgroupfs, containerd/CRI-O/Docker
    ['nv-cgroup-v2-systemd-containerd-1.6.4.txt', '25d057a4c6c9555f2a0eb106e8896968c28f1c44aca4754174851aca7f89ad26'],
    ['nv-cgroup-v2-systemd-crio-1.22.txt', 'f33f47b0db740bb647cb3e7ac62d96c74966dbb99cbfaf4563bfd42d387e8b44'],
    ['nv-cgroup-v1v2-systemd-containerd-bottlerocket.txt', 'f45298cd514d1930c4fe3afc4412e59547f7e3148fddd22ca33cefce046eb830'],
    ['nv-cgroup-v1-systemd-crio-1.19.txt', 'd6d725b909f37c3e232aadfbafa950a58bfe7baa579ba8c47a12be88bb921607'],
    ['nv-cgroup-v1-systemd-colon-containerd-1.4.4.txt', 'd3d8ccf5cca91931c6285c1d7472c413dd5a7700fddc0aa9f89a9ac7008b003e'],
    ['nv-cgroup-v1-systemd-docker-kubepods.txt', 'b5b6f2da8008be266864f896f93789762b2ce50792114a5c5f2cc3315af0bc70'],
    ['nv-cgroup-v1-cgroupfs-docker-kubepods.txt', 'da31e536c8d61304a6d5998d163d12400a7a9a1003e1d86369e8fadb022fc17d'],
    ['nv-cgroup-v1-cgroupfs-nested-kube-proxy.txt', 'c04e0a88a1de067f25bece337d4dbb897396e0b623c2a65330850fc9823f1903'],
  ])('%s belongs to %s, and carries the full ID the scan greps for', (file, id) => {
    const text = proc(file);
    expect(containerIdFromCgroup(text)).toBe(id);
    expect(text).toContain(id);
  });

  it.each(['cgroup-v1-not-a-container.txt', 'nv-cgroup-v1-host-process.txt', 'cgroup-v1-crio-names-conmon.txt'])(
    '%s is no container (conmon only manages one)', (file) => expect(containerIdFromCgroup(proc(file))).toBeUndefined(),
  );

  it('the pod-UID patterns match both the cgroupfs and the systemd spelling of real files', () => {
    const [, , , , cgroupfs] = podCgroupScanArgv('6c552dea-d425-4d11-b71d-27bdb6608ce4');
    expect(proc('cgroup-v1-cgroupfs-containerd-kube-proxy.txt')).toContain(cgroupfs);
    const [, , , , , systemd] = podCgroupScanArgv('9493223b-520e-4a97-a45f-359dcf967006');
    expect(proc('nv-cgroup-v2-systemd-containerd-1.6.4.txt')).toContain(systemd);
  });
});

describe('parseCgroupScan and pickInitPid on real scan outputs', () => {
  it('one container, one process', () => {
    const matches = parseCgroupScan(proc('scan-container-kube-proxy.txt'));
    expect(matches).toEqual([{ pid: 13479, ppid: 13394 }]);
    expect(pickInitPid(matches)).toBe(13479);
  });

  it('init with two children and an exec session: the lowest root, not a child', () => {
    const matches = parseCgroupScan(proc('scan-container-multiproc.txt'));
    expect(matches.map((m) => m.pid)).toEqual([29782, 29784, 29785, 29820]);
    expect(pickInitPid(matches)).toBe(29782);
  });

  it('a whole pod by UID: pause and app are both roots, the lower one (pause) is taken', () => {
    expect(pickInitPid(parseCgroupScan(proc('scan-pod-kube-proxy.txt')))).toBe(13417);
    expect(pickInitPid(parseCgroupScan(proc('scan-pod-multiproc.txt')))).toBe(29782);
  });

  it('CRI-O: the conmon stand-in in crio-conmon-<id>.scope was skipped by the script itself', () => {
    expect(parseCgroupScan(proc('scan-container-crio-names.txt'))).toEqual([{ pid: 31004, ppid: 31001 }]);
  });

  it('after PID wrap-around a child can have a lower PID than init; the root still wins', () => {
    // The multiproc recording with the child renumbered below init, as happens after pid_max wraps.
    const wrapped = proc('scan-container-multiproc.txt').replace('29784 29782', '301 29782');
    expect(pickInitPid(parseCgroupScan(wrapped))).toBe(29782);
  });

  it('without parents (status unreadable) falls back to the lowest PID; nothing found is undefined', () => {
    expect(pickInitPid(parseCgroupScan('500 \n300\n'))).toBe(300);
    expect(pickInitPid(parseCgroupScan(''))).toBeUndefined();
    expect(parseCgroupScan('grep: warning\n42 7\n')).toEqual([{ pid: 42, ppid: 7 }]);
  });
});

const installed = (shell: string) => spawnSync(shell, ['-c', 'true']).error === undefined;
const shells = ['/bin/sh', '/bin/dash', '/bin/bash'];
const ownCgroup = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((line) => /:\/.+/.test(line));

describe('the scan script', () => {
  // A shell that is not installed here is skipped, and says so in the test name.
  it.each(shells.filter(installed))('runs under %s and prints nothing for an ID no process has', (shell) => {
    const argv = containerCgroupScanArgv('0'.repeat(64));
    const result = spawnSync(shell, argv.slice(1), { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
  });
  for (const shell of shells.filter((s) => !installed(s))) it.skip(`runs under ${shell} (skipped: not installed here)`, () => undefined);

  (ownCgroup === undefined ? it.skip : it)(`finds this very test process by a string of its own cgroup file${ownCgroup === undefined ? ' (skipped: every cgroup line is "/", nothing distinctive)' : ''}`, () => {
    const argv = containerCgroupScanArgv(ownCgroup!.split(':').slice(2).join(':'));
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    expect(parseCgroupScan(result.stdout).map((m) => m.pid)).toContain(process.pid);
  });
});
