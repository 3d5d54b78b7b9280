import type { CoreV1Event, V1Container, V1ContainerStatus, V1Node, V1Pod, V1PodCondition, V1Probe } from '@kubernetes/client-node';

// The live gatherer keeps only what the diagnosis reads, page by page, so that
// a 30,000-pod cluster fits in a few hundred MiB. Pure functions. A field of the wrong type (a server
// that lies) is dropped here rather than crashing a .map() later: the lists are arrays or absent.

/** The value when it is an array, else undefined. */
function arrayOr<T>(value: T[] | undefined): T[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

function slimMetadata(m: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; creationTimestamp?: Date } | undefined) {
  if (!m) return undefined;
  const { name, namespace, uid, labels, creationTimestamp } = m;
  return { name, namespace, uid, labels, creationTimestamp };
}

/** How a probe reaches the pod (HTTP, TCP, exec) is what the probe rules read. */
function slimProbe(probe: V1Probe | undefined): V1Probe | undefined {
  if (!probe) return undefined;
  const { httpGet, tcpSocket, exec } = probe;
  return { httpGet, tcpSocket, exec: exec && { command: exec.command?.slice(0, 8) } };
}

function slimContainer(c: V1Container, keepArgv: boolean): V1Container {
  const argv = keepArgv ? { command: c.command, args: c.args } : {};
  return { name: c.name, ...argv, readinessProbe: slimProbe(c.readinessProbe), livenessProbe: slimProbe(c.livenessProbe) };
}

function slimStatus(s: V1ContainerStatus): V1ContainerStatus {
  return { name: s.name, ready: s.ready, restartCount: s.restartCount, state: s.state, lastState: s.lastState } as V1ContainerStatus;
}

function slimCondition(c: V1PodCondition): V1PodCondition {
  return { type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: c.lastTransitionTime };
}

export function slimPod(pod: V1Pod): V1Pod {
  const spec = isObject(pod.spec) ? pod.spec : undefined;
  const status = isObject(pod.status) ? pod.status : undefined;
  // kube-system pods keep their command lines: the controller-manager's flags name the cluster pod CIDR (--cluster-cidr).
  const keepArgv = pod.metadata?.namespace === 'kube-system';
  return {
    metadata: slimMetadata(pod.metadata),
    spec: spec && {
      nodeName: spec.nodeName,
      hostNetwork: spec.hostNetwork,
      containers: (arrayOr(spec.containers) ?? []).filter(isObject).map((c) => slimContainer(c, keepArgv)),
      // Only host paths: mounting /etc/cni/net.d or /opt/cni/bin marks a CNI agent.
      volumes: arrayOr(spec.volumes)?.filter((v) => isObject(v) && v.hostPath).map((v) => ({ name: v.name, hostPath: v.hostPath })),
    },
    status: status && {
      phase: status.phase,
      reason: status.reason,
      message: status.message,
      podIP: status.podIP,
      conditions: arrayOr(status.conditions)?.filter(isObject).map(slimCondition),
      containerStatuses: arrayOr(status.containerStatuses)?.filter(isObject).map(slimStatus),
      initContainerStatuses: arrayOr(status.initContainerStatuses)?.filter(isObject).map(slimStatus),
    },
  };
}

export function slimNode(node: V1Node): V1Node {
  // status.images lists every image on the node: large and never diagnostic.
  const { images: _images, ...status } = isObject(node.status) ? node.status! : {};
  return { metadata: slimMetadata(node.metadata), spec: node.spec, status };
}

export function slimEvent(event: CoreV1Event): CoreV1Event {
  const { involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime, source, reportingComponent, metadata } = event;
  return { involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime, source, reportingComponent, metadata: { name: metadata?.name, namespace: metadata?.namespace } };
}
