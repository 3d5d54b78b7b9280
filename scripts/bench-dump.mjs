// Writes a big dump for bench-netcheck: the layout of `kubectl cluster-info dump
// --output-directory=DIR` (4-space indented JSON lists, one folder per namespace,
// DIR/NS/POD/logs.txt), every pod on one node, one namespace holding most pods in
// a single list (a list of ~125k items used to overflow the call stack), and
// probe-failure events about pods on that node (used to make grouping quadratic).
import fs from 'node:fs';
import path from 'node:path';

/** Bump when the generated content changes, so a cached dump is rebuilt. */
const layoutVersion = 1;

const ts = '2026-11-29T20:00:00Z';
const beat = '2026-11-29T21:00:00Z';

function node(name, ip, podCIDR) {
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, uid: `uid-${name}`, resourceVersion: '1000', creationTimestamp: ts,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' } },
    spec: { podCIDR, podCIDRs: [podCIDR] },
    status: {
      addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }],
      capacity: { cpu: '64', memory: '512Gi', pods: '250000' }, allocatable: { cpu: '64', memory: '512Gi', pods: '250000' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: beat, lastTransitionTime: ts },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: beat, lastTransitionTime: ts },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: beat, lastTransitionTime: ts },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: beat, lastTransitionTime: ts },
      ],
      nodeInfo: { kubeletVersion: 'v1.20.2', kubeProxyVersion: 'v1.20.2', containerRuntimeVersion: 'containerd://1.6.20',
        operatingSystem: 'linux', architecture: 'amd64', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64',
        machineID: 'f'.repeat(32), systemUUID: `uuid-${name}`, bootID: `boot-${name}` },
      images: [{ names: ['registry.k8s.io/pause:3.2'], sizeBytes: 299513 }],
    },
  };
}

function pod(namespace, name, nodeName, i) {
  const ip = `10.${244 + Math.floor(i / 65536) % 8}.${Math.floor(i / 256) % 256}.${i % 256}`;
  const ready = i % 10 !== 3;
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      name, namespace, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, resourceVersion: String(2000 + i),
      creationTimestamp: ts, generateName: `${name.slice(0, -6)}-`,
      labels: { app: `app-${i % 50}`, 'pod-template-hash': '5d4f8c7b9' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `app-${i % 50}-5d4f8c7b9`, uid: `rs-${i % 50}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      volumes: [{ name: 'config', configMap: { name: `app-${i % 50}`, defaultMode: 420 } }],
      containers: [{
        name: 'app', image: 'registry.example/app:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }],
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
        volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
        readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', imagePullPolicy: 'IfNotPresent',
      }],
      restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', serviceAccountName: 'default',
      serviceAccount: 'default', nodeName, securityContext: {}, schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: 0, enableServiceLinks: true, preemptionPolicy: 'PreemptLowerPriority',
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: ts },
        { type: 'Ready', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: ts, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'containers with unready status: [app]' }) },
        { type: 'ContainersReady', status: ready ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: ts },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: ts },
      ],
      hostIP: '192.168.56.11', podIP: ip, podIPs: [{ ip }], startTime: ts,
      containerStatuses: [{
        name: 'app', state: { running: { startedAt: ts } }, lastState: {}, ready, restartCount: 0,
        image: 'registry.example/app:1.0', imageID: `registry.example/app@sha256:${'a'.repeat(64)}`,
        containerID: `containerd://${String(i).padStart(64, '0')}`, started: true,
      }],
      qosClass: 'Burstable',
    },
  };
}

function unhealthyEvent(namespace, podName, nodeName, i, ip) {
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${podName}.${(0x16a000000 + i).toString(16)}`, namespace, uid: `ev-${i}`, resourceVersion: String(900000 + i), creationTimestamp: ts },
    involvedObject: { kind: 'Pod', namespace, name: podName, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
    reason: 'Unhealthy',
    message: `Readiness probe failed: Get "http://${ip}:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    source: { component: 'kubelet', host: nodeName }, firstTimestamp: ts, lastTimestamp: beat, count: 12, type: 'Warning',
    eventTime: null, reportingComponent: '', reportingInstance: '',
  };
}

/** Writes `{"kind":…,"items":[…]}` item by item, as kubectl would (4-space indent). */
function writeList(file, kind, apiVersion, count, itemAt) {
  const fd = fs.openSync(file, 'w');
  const indent = (text) => text.replace(/\n/g, '\n        ');
  let buffer = `{\n    "kind": "${kind}",\n    "apiVersion": "${apiVersion}",\n    "metadata": {\n        "resourceVersion": "1"\n    },\n    "items": [`;
  for (let i = 0; i < count; i++) {
    buffer += `${i === 0 ? '' : ','}\n        ${indent(JSON.stringify(itemAt(i), null, 4))}`;
    if (buffer.length > 1 << 22) { fs.writeSync(fd, buffer); buffer = ''; }
  }
  buffer += `${count === 0 ? '' : '\n    '}]\n}\n`;
  fs.writeSync(fd, buffer);
  fs.closeSync(fd);
}

/**
 * The dump in DIR (kept between runs; rebuilt when the layout version changes).
 * Returns a summary of what it holds.
 */
export function ensureBigDump(dir, { pods = 200_000, bigNamespaceShare = 0.75, namespaces = 5, logEvery = 20, eventEvery = 10 } = {}) {
  const stamp = path.join(dir, '.bench-dump');
  const want = JSON.stringify({ layoutVersion, pods, bigNamespaceShare, namespaces, logEvery, eventEvery });
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return want;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const busyNode = 'node-1';
  writeList(path.join(dir, 'nodes.json'), 'NodeList', 'v1', 3, (i) =>
    node(['master', 'node-1', 'node-2'][i], `192.168.56.${10 + i}`, `10.244.${i}.0/24`));

  const big = Math.round(pods * bigNamespaceShare);
  const rest = pods - big;
  const layout = [{ namespace: 'bench-big', count: big, first: 0 }];
  for (let n = 0; n < namespaces; n++) {
    const count = Math.floor(rest / namespaces) + (n < rest % namespaces ? 1 : 0);
    layout.push({ namespace: `bench-${n}`, count, first: big + n * Math.floor(rest / namespaces) + Math.min(n, rest % namespaces) });
  }
  const podName = (i) => `app-${i % 50}-5d4f8c7b9-${(i + 0x100000).toString(36).slice(-5)}`;
  const ipOf = (i) => pod('x', 'x', busyNode, i).status.podIP;
  for (const { namespace, count, first } of layout) {
    const nsDir = path.join(dir, namespace);
    fs.mkdirSync(nsDir);
    writeList(path.join(nsDir, 'pods.json'), 'PodList', 'v1', count, (k) => pod(namespace, podName(first + k), busyNode, first + k));
    const withEvents = [];
    for (let k = 0; k < count; k += eventEvery) withEvents.push(first + k);
    writeList(path.join(nsDir, 'events.json'), 'EventList', 'v1', withEvents.length, (k) =>
      unhealthyEvent(namespace, podName(withEvents[k]), busyNode, withEvents[k], ipOf(withEvents[k])));
    for (let k = 0; k < count; k += logEvery) {
      const name = podName(first + k);
      fs.mkdirSync(path.join(nsDir, name));
      fs.writeFileSync(path.join(nsDir, name, 'logs.txt'),
        `==== START logs for container app of pod ${namespace}/${name} ====\nlistening on :8080\n==== END logs for container app of pod ${namespace}/${name} ====\n`);
    }
  }
  fs.writeFileSync(stamp, want);
  return want;
}
