import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';

/** Small constructors for the API objects tests put into snapshots. */

export interface NodeSpec {
  /** Status of the Ready condition; null leaves the node without conditions (nothing known). */
  ready?: 'True' | 'False' | 'Unknown' | null;
  reason?: string;
  message?: string;
  podCIDR?: string;
  internalIp?: string;
  kubeletVersion?: string;
}

export function makeNode(name: string, spec: NodeSpec = {}): V1Node {
  const ready = spec.ready === undefined ? 'True' : spec.ready;
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name },
    spec: spec.podCIDR ? { podCIDR: spec.podCIDR, podCIDRs: [spec.podCIDR] } : {},
    status: {
      conditions: ready === null ? [] : [{
        type: 'Ready', status: ready,
        reason: spec.reason ?? (ready === 'True' ? 'KubeletReady' : 'KubeletNotReady'),
        message: spec.message ?? (ready === 'True' ? 'kubelet is posting ready status' : ''),
      }],
      addresses: spec.internalIp ? [{ type: 'InternalIP', address: spec.internalIp }] : [],
      nodeInfo: spec.kubeletVersion ? { kubeletVersion: spec.kubeletVersion } as NonNullable<V1Node['status']>['nodeInfo'] : undefined,
    },
  };
}

export interface PodSpec {
  node?: string;
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  ready?: boolean;
  /** Waiting reason of the (single) container, e.g. ContainerCreating, CrashLoopBackOff. */
  waiting?: string;
  restarts?: number;
  container?: string;
  hostNetwork?: boolean;
  /** Give the container an HTTP readiness probe. */
  httpProbe?: boolean;
  podIp?: string;
  labels?: Record<string, string>;
  /** Leave status out entirely: nothing is known about the pod's state. */
  noStatus?: boolean;
}

export function makePod(namespace: string, name: string, spec: PodSpec = {}): V1Pod {
  const container = spec.container ?? name.replace(/-[a-z0-9]{5}$/, '').replace(/-[a-z0-9]{8,10}$/, '');
  const pod: V1Pod = {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { namespace, name, labels: spec.labels },
    spec: {
      nodeName: spec.node,
      hostNetwork: spec.hostNetwork,
      containers: [{ name: container, image: `${container}:test`, readinessProbe: spec.httpProbe ? { httpGet: { path: '/ready', port: 8181 } } : undefined }],
    },
  };
  if (spec.noStatus) return pod;
  const phase = spec.phase ?? (spec.waiting === 'ContainerCreating' ? 'Pending' : 'Running');
  const ready = spec.ready ?? (phase === 'Running' && spec.waiting === undefined);
  pod.status = {
    phase,
    podIP: spec.podIp,
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{
      name: container, image: `${container}:test`, imageID: '', ready, restartCount: spec.restarts ?? 0,
      state: spec.waiting ? { waiting: { reason: spec.waiting } } : spec.phase === 'Pending' ? { waiting: { reason: 'ContainerCreating' } } : { running: {} },
    }],
  };
  return pod;
}

export interface EventTarget {
  kind: 'Pod' | 'Node';
  namespace?: string;
  name: string;
}

let eventCounter = 0;

export function makeEvent(target: EventTarget, reason: string, message: string, options: { type?: string; component?: string; host?: string } = {}): CoreV1Event {
  eventCounter += 1;
  const namespace = target.namespace ?? 'default';
  return {
    apiVersion: 'v1', kind: 'Event',
    metadata: { namespace, name: `${target.name}.${eventCounter.toString(16).padStart(16, '0')}` },
    involvedObject: { kind: target.kind, namespace: target.kind === 'Pod' ? namespace : undefined, name: target.name },
    reason, message,
    type: options.type ?? (/^(Failed|BackOff|Unhealthy|FailedCreatePodSandBox|FailedScheduling|FailedMount)/.test(reason) ? 'Warning' : 'Normal'),
    source: { component: options.component ?? 'kubelet', host: options.host },
  };
}
