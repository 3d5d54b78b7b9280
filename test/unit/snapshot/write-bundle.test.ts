import * as fs from 'node:fs/promises';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import { emptySnapshot, podLogKey, type ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { writeBundle } from '../../../shared/snapshot/write-bundle.js';
import { makeEvent, makeNode, makePod } from '../diagnose/snapshot-builders.js';

function fullSnapshot(): ClusterSnapshot {
  const snapshot = emptySnapshot();
  snapshot.nodes = [makeNode('node-1', { podCIDR: '10.244.0.0/24' }), makeNode('node-2', { ready: 'False', message: 'cni plugin not initialized' })];
  snapshot.pods = [makePod('default', 'web-1', { node: 'node-2' }), makePod('kube-system', 'kube-flannel-ds-abcde', { node: 'node-1', container: 'kube-flannel' })];
  snapshot.events = [makeEvent({ kind: 'Pod', namespace: 'default', name: 'web-1' }, 'FailedCreatePodSandBox', 'failed to setup network for sandbox')];
  snapshot.daemonSets = [{ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { namespace: 'kube-system', name: 'kube-flannel-ds' }, status: { currentNumberScheduled: 2, desiredNumberScheduled: 2, numberMisscheduled: 0, numberReady: 1 } }];
  snapshot.configMaps = [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'kube-system', name: 'kubeadm-config' }, data: { ClusterConfiguration: 'networking:\n  podSubnet: 10.244.0.0/16\n' } }];
  snapshot.podLogs = {
    [podLogKey('kube-system', 'kube-flannel-ds-abcde', 'install-cni')]: '',
    [podLogKey('kube-system', 'kube-flannel-ds-abcde', 'kube-flannel')]: 'I1126 main.go:520] Determining IP address of default interface\nE1126 main.go:293] Error registering network\n',
  };
  snapshot.nodeFacts = {
    'node-1': {
      kubeletLog: 'kubelet line\n', runtimeLog: 'containerd line\n', kernelLog: 'kernel: nf_conntrack: table full, dropping packet\n', ipAddr: '1: lo: <LOOPBACK,UP> mtu 65536\n', ipRoute: 'default via 10.0.0.1 dev eth0\n',
      iptablesSave: '*nat\nCOMMIT\n', sysctl: 'net.ipv4.ip_forward = 1\n', modules: 'br_netfilter 32768 0\n', cniBin: 'bridge\nflannel\n',
      cniNetD: { '10-flannel.conflist': '{"name":"cbr0"}\n', '99-loopback.conf': '{}' }, flannelSubnetEnv: 'FLANNEL_SUBNET=10.244.0.1/24\n', cniIpam: '10.244.0.2\n',
    },
    'node-2': { flannelSubnetEnv: null },
  };
  snapshot.unreadable = [{ what: 'nodes/node-2 over SSH', reason: 'Permission denied (publickey)' }];
  return snapshot;
}

describe('writeBundle', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(tmpdir(), 'netcheck-bundle-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('round-trips through readDump', async () => {
    const snapshot = fullSnapshot();
    await writeBundle(snapshot, dir);
    expect(await readDump(dir)).toEqual(snapshot);
  });

  it('writes the cluster-info dump layout, logs with kubectl\'s container markers', async () => {
    await writeBundle(fullSnapshot(), dir);
    const pods = JSON.parse(await readFile(path.join(dir, 'kube-system', 'pods.json'), 'utf8'));
    expect(pods).toMatchObject({ kind: 'PodList', apiVersion: 'v1' });
    const log = await readFile(path.join(dir, 'kube-system', 'kube-flannel-ds-abcde', 'logs.txt'), 'utf8');
    expect(log).toContain('==== START logs for container kube-flannel of pod kube-system/kube-flannel-ds-abcde ====\n');
    expect(await readFile(path.join(dir, '_node-facts', 'node-2', 'flannel-subnet.env.absent'), 'utf8')).toMatch(/does not exist/);
  });

  it.each(['../escape', 'a/b', '..'])('refuses the CNI file name %j', async (file) => {
    const snapshot = emptySnapshot();
    snapshot.nodeFacts['node-1'] = { cniNetD: { [file]: '{}' } };
    await expect(writeBundle(snapshot, dir)).rejects.toThrow(/not a plain file name/);
  });
});

describe('writeBundle writes only where it was asked, only what it made', () => {
  let base: string;
  beforeEach(async () => { base = await mkdtemp(path.join(tmpdir(), 'netcheck-bundle-target-')); });
  afterEach(async () => { await rm(base, { recursive: true, force: true }); });
  const { mkdir, symlink, writeFile, readdir, lstat } = fs;

  it('creates a new folder, with the marker that makes it ours', async () => {
    const dir = path.join(base, 'new', 'bundle');
    await writeBundle(fullSnapshot(), dir);
    expect((await readdir(dir)).sort()).toEqual(['.netcheck-bundle', '_node-facts', 'default', 'kube-system', 'nodes.json', 'unreadable.json']);
  });

  it('refuses a non-empty folder that is not a bundle, and writes nothing into it', async () => {
    await writeFile(path.join(base, 'notes.txt'), 'mine');
    await expect(writeBundle(fullSnapshot(), base)).rejects.toThrow(/is not empty and is not a netcheck bundle/);
    expect(await readdir(base)).toEqual(['notes.txt']);
  });

  it('refuses the root folder and a symbolic link', async () => {
    await expect(writeBundle(fullSnapshot(), '/')).rejects.toThrow(/refusing to write a bundle into the root folder/);
    await mkdir(path.join(base, 'real'));
    await symlink(path.join(base, 'real'), path.join(base, 'link'));
    await expect(writeBundle(fullSnapshot(), path.join(base, 'link'))).rejects.toThrow(/is a symbolic link/);
    expect(await readdir(path.join(base, 'real'))).toEqual([]);
  });

  it('an earlier bundle needs --force, which replaces it completely without following its symlinks', async () => {
    const dir = path.join(base, 'b');
    await writeBundle(fullSnapshot(), dir);
    await expect(writeBundle(emptySnapshot(), dir)).rejects.toThrow(/holds an earlier bundle/);
    const outside = path.join(base, 'outside.txt');
    await writeFile(outside, 'keep me');
    await symlink(outside, path.join(dir, 'kube-system', 'stale-link'));
    await writeFile(path.join(dir, 'stale.json'), '{}');
    const smaller = emptySnapshot();
    smaller.nodes = fullSnapshot().nodes;
    await writeBundle(smaller, dir, { force: true });
    expect((await readdir(dir)).sort()).toEqual(['.netcheck-bundle', 'nodes.json']);
    expect(await readFile(outside, 'utf8')).toBe('keep me');
    expect(await readDump(dir)).toEqual(smaller);
  });

  it('a namespace called "nodes" keeps both its pods and the node facts on read-back', async () => {
    const snapshot = fullSnapshot();
    snapshot.pods.push(makePod('nodes', 'web-2', { node: 'node-1' }));
    const dir = path.join(base, 'ns-nodes');
    await writeBundle(snapshot, dir);
    expect((await lstat(path.join(dir, 'nodes', 'pods.json'))).isFile()).toBe(true);
    const back = await readDump(dir);
    expect(Object.keys(back.nodeFacts).sort()).toEqual(['node-1', 'node-2']);
    expect(back.pods.map((p) => p.metadata?.name)).toContain('web-2');
  });
});
