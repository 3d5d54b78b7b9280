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
      kubeletLog: 'kubelet line\n', runtimeLog: 'containerd line\n', ipAddr: '1: lo: <LOOPBACK,UP> mtu 65536\n', ipRoute: 'default via 10.0.0.1 dev eth0\n',
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
    expect(await readFile(path.join(dir, 'nodes', 'node-2', 'flannel-subnet.env.absent'), 'utf8')).toMatch(/does not exist/);
  });

  it.each(['../escape', 'a/b', '..'])('refuses the CNI file name %j', async (file) => {
    const snapshot = emptySnapshot();
    snapshot.nodeFacts['node-1'] = { cniNetD: { [file]: '{}' } };
    await expect(writeBundle(snapshot, dir)).rejects.toThrow(/not a plain file name/);
  });
});
