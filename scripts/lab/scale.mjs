// Adds (or removes) API-only objects to the lab's apiserver so tools can be tried
// against a big cluster: 1,000 Nodes, 30,000 Pods bound to them, a few thousand Events.
// Everything carries the label netcheck-lab/scale=true. Uses only Node's built-ins.
//
// usage: node scale.mjs add|remove --server URL --ca FILE --cert FILE --key FILE
//          [--nodes 1000] [--pods 30000] [--events 3000] [--namespaces 10] [--concurrency 32]
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    server: { type: 'string' }, ca: { type: 'string' }, cert: { type: 'string' }, key: { type: 'string' },
    nodes: { type: 'string', default: '1000' }, pods: { type: 'string', default: '30000' },
    events: { type: 'string', default: '3000' }, namespaces: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '32' },
  },
});
const action = positionals[0];
const NODES = Number(values.nodes), PODS = Number(values.pods), EVENTS = Number(values.events);
const NAMESPACES = Number(values.namespaces), CONCURRENCY = Number(values.concurrency);
const LABEL = 'netcheck-lab/scale';
const SELECTOR = encodeURIComponent(`${LABEL}=true`);
const server = new URL(values.server);
const agent = new https.Agent({
  keepAlive: true, maxSockets: CONCURRENCY,
  ca: readFileSync(values.ca), cert: readFileSync(values.cert), key: readFileSync(values.key),
});

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request({
      agent, method, host: server.hostname, port: server.port, path,
      headers: { 'content-type': 'application/json', accept: 'application/json',
                 ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.setTimeout(120000, () => req.destroy(new Error(`timeout ${method} ${path}`)));
    if (data) req.write(data);
    req.end();
  });
}

async function mustCreate(path, body) {
  for (let attempt = 0; ; attempt++) {
    const res = await request('POST', path, body);
    if (res.status < 300 || res.status === 409) return;
    if (attempt < 5 && (res.status === 429 || res.status >= 500 || res.status === 403)) {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      continue;
    }
    throw new Error(`POST ${path} -> ${res.status}: ${res.body.slice(0, 300)}`);
  }
}

// runPool: runs tasks(i) for i in [0, n) with CONCURRENCY in flight
async function runPool(n, task, label) {
  let next = 0, done = 0;
  const started = Date.now();
  async function worker() {
    while (next < n) { const i = next++; await task(i); done++; }
  }
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, n) }, worker));
  console.error(`[scale] ${label}: ${done} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
}

const labels = { [LABEL]: 'true' };
const nsName = (i) => `netcheck-scale-${i}`;
const nodeName = (i) => `scale-node-${String(i).padStart(4, '0')}`;
const podName = (i) => `scale-pod-${String(i).padStart(5, '0')}`;
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function nodeObject(i) {
  const hi = 128 + Math.floor(i / 256), lo = i % 256;
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name: nodeName(i), labels: { ...labels, 'kubernetes.io/hostname': nodeName(i), 'kubernetes.io/os': 'linux' } },
    // pod CIDRs outside the lab's cluster CIDR so the controller-manager's allocator leaves them alone
    spec: { podCIDR: `10.${hi}.${lo}.0/24`, podCIDRs: [`10.${hi}.${lo}.0/24`] },
    status: {
      addresses: [{ type: 'InternalIP', address: `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}` }, { type: 'Hostname', address: nodeName(i) }],
      capacity: { cpu: '4', memory: '16Gi', pods: '110' }, allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status',
                     lastHeartbeatTime: now(), lastTransitionTime: now() }],
      nodeInfo: { kubeletVersion: 'v1.20.2', kubeProxyVersion: 'v1.20.2', containerRuntimeVersion: 'containerd://1.6.20',
                  operatingSystem: 'linux', architecture: 'amd64', osImage: 'netcheck-lab API-only node',
                  kernelVersion: '', machineID: '', systemUUID: '', bootID: '' },
    },
  };
}

function podObject(i) {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: podName(i), namespace: nsName(i % NAMESPACES), labels: { ...labels, app: `scale-app-${i % 50}` } },
    spec: {
      nodeName: nodeName(i % NODES), automountServiceAccountToken: false, terminationGracePeriodSeconds: 0,
      containers: [{ name: 'app', image: 'netcheck.local/lab/base:v1', imagePullPolicy: 'Never' }],
    },
  };
}

const EVENT_KINDS = [
  ['Warning', 'FailedCreatePodSandBox', 'Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox: plugin type="flannel" failed (add): failed to find plugin "flannel" in path [/opt/cni/bin]'],
  ['Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.244.0.3:8181/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'],
  ['Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.'],
];
function eventObject(i) {
  const podIndex = (i * 7) % PODS;
  const [type, reason, message] = EVENT_KINDS[i % EVENT_KINDS.length];
  const ns = nsName(podIndex % NAMESPACES);
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: `${podName(podIndex)}.scale${i}`, namespace: ns, labels },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: podName(podIndex) },
    type, reason, message, count: 1 + (i % 5),
    source: { component: 'kubelet', host: nodeName(podIndex % NODES) },
    firstTimestamp: now(), lastTimestamp: now(), reportingComponent: 'kubelet', reportingInstance: nodeName(podIndex % NODES),
  };
}

async function waitForDefaultServiceAccount(ns) {
  for (let i = 0; i < 120; i++) {
    const res = await request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`);
    if (res.status === 200) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no default ServiceAccount in ${ns}`);
}

async function add() {
  const t0 = Date.now();
  for (let n = 0; n < NAMESPACES; n++) {
    await mustCreate('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsName(n), labels } });
  }
  await runPool(NODES, (i) => mustCreate('/api/v1/nodes', nodeObject(i)), 'nodes');
  for (let n = 0; n < NAMESPACES; n++) await waitForDefaultServiceAccount(nsName(n));
  await runPool(PODS, (i) => mustCreate(`/api/v1/namespaces/${nsName(i % NAMESPACES)}/pods`, podObject(i)), 'pods');
  await runPool(EVENTS, (i) => { const e = eventObject(i); return mustCreate(`/api/v1/namespaces/${e.metadata.namespace}/events`, e); }, 'events');
  console.error(`[scale] added in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

async function mustDelete(path) {
  for (let attempt = 0; ; attempt++) {
    const res = await request('DELETE', path);
    if (res.status < 300 || res.status === 404) return;
    if (attempt < 5 && (res.status === 429 || res.status >= 500)) {
      await new Promise((r) => setTimeout(r, 500 * (attempt + 1)));
      continue;
    }
    throw new Error(`DELETE ${path} -> ${res.status}: ${res.body.slice(0, 300)}`);
  }
}

// listNames: names (and namespaces) of the labelled objects at a collection path, page by page
async function listNames(path) {
  const out = [];
  let cont = '';
  do {
    const res = await request('GET', `${path}?labelSelector=${SELECTOR}&limit=5000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status}: ${res.body.slice(0, 300)}`);
    const list = JSON.parse(res.body);
    for (const item of list.items ?? []) out.push({ name: item.metadata.name, namespace: item.metadata.namespace });
    cont = list.metadata?.continue ?? '';
  } while (cont);
  return out;
}

async function remove() {
  const t0 = Date.now();
  const pods = await listNames('/api/v1/pods');
  await runPool(pods.length, (i) => mustDelete(`/api/v1/namespaces/${pods[i].namespace}/pods/${pods[i].name}?gracePeriodSeconds=0`), 'pods deleted');
  const events = await listNames('/api/v1/events');
  await runPool(events.length, (i) => mustDelete(`/api/v1/namespaces/${events[i].namespace}/events/${events[i].name}`), 'events deleted');
  const nodes = await listNames('/api/v1/nodes');
  await runPool(nodes.length, (i) => mustDelete(`/api/v1/nodes/${nodes[i].name}`), 'nodes deleted');
  const namespaces = await listNames('/api/v1/namespaces');
  for (const ns of namespaces) await mustDelete(`/api/v1/namespaces/${ns.name}`);
  for (let i = 0; i < 240; i++) {
    const left = JSON.parse((await request('GET', `/api/v1/namespaces?labelSelector=${SELECTOR}`)).body).items ?? [];
    if (left.length === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  console.error(`[scale] removed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

if (action === 'add') await add();
else if (action === 'remove') await remove();
else { console.error('usage: node scale.mjs add|remove --server URL --ca F --cert F --key F'); process.exit(2); }
agent.destroy();
