import fs from 'node:fs';
import path from 'node:path';
import { diagnose } from '../../../shared/diagnose/index.js';
import { slimEvent, slimNode, slimPod } from '../../../shared/kube/slim-objects.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';

// The live gatherer slims objects to save memory: it must never change the verdict.
const dumps = path.join(import.meta.dirname, '..', '..', 'fixtures', 'dumps');

describe.each(fs.readdirSync(dumps).filter((d) => fs.statSync(path.join(dumps, d)).isDirectory()))('dump %s', (name) => {
  it('diagnoses the same with slimmed objects', async () => {
    const full = await readDump(path.join(dumps, name));
    const slim = { ...full, nodes: full.nodes.map(slimNode), pods: full.pods.map(slimPod), events: full.events.map(slimEvent) };
    expect(diagnose(slim)).toEqual(diagnose(full));
  });
});

it('keeps the host paths that mark a CNI agent, and drops what no rule reads', () => {
  const pod = slimPod({
    metadata: { name: 'kube-flannel-ds-x', namespace: 'kube-flannel', annotations: { big: 'x'.repeat(10_000) } },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'kube-flannel', image: 'flannel:v0.25', env: [{ name: 'A', value: 'b' }] }],
      volumes: [{ name: 'cni', hostPath: { path: '/etc/cni/net.d' } }, { name: 'cfg', configMap: { name: 'kube-flannel-cfg' } }],
    },
  });
  expect(pod.spec?.volumes).toEqual([{ name: 'cni', hostPath: { path: '/etc/cni/net.d' } }]);
  expect(pod.metadata?.annotations).toBeUndefined();
  expect(pod.spec?.containers[0]).toEqual({ name: 'kube-flannel', readinessProbe: undefined, livenessProbe: undefined });
});

it('keeps the controller-manager\'s flags, which name the cluster pod CIDR, and no other pod\'s', () => {
  const command = ['kube-controller-manager', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16'];
  const controllerManager = slimPod({
    metadata: { name: 'kube-controller-manager-kube-master', namespace: 'kube-system', labels: { component: 'kube-controller-manager' } },
    spec: { containers: [{ name: 'kube-controller-manager', command }] },
  });
  const other = slimPod({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'web', command: ['nginx'] }] } });
  expect(controllerManager.spec?.containers[0]?.command).toEqual(command);
  expect(other.spec?.containers[0]?.command).toBeUndefined();
});
