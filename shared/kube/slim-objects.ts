import { isControllerManagerPod } from '../diagnose/cluster-cidr.js';
import type { CoreV1Event, V1Container, V1ContainerStatus, V1Node, V1Pod, V1PodCondition, V1Probe } from '@kubernetes/client-node';

// The live gatherer keeps only what the diagnosis reads, page by page, so that
// a 30,000-pod cluster fits in a few hundred MiB. Pure functions.

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
  const spec = pod.spec;
  const status = pod.status;
  return {
    metadata: slimMetadata(pod.metadata),
    spec: spec && {
      nodeName: spec.nodeName,
      hostNetwork: spec.hostNetwork,
      // The controller-manager's flags name the cluster pod CIDR (--cluster-cidr).
      containers: (spec.containers ?? []).map((c) => slimContainer(c, isControllerManagerPod(pod))),
      // Only host paths: mounting /etc/cni/net.d or /opt/cni/bin marks a CNI agent.
      volumes: spec.volumes?.filter((v) => v.hostPath).map((v) => ({ name: v.name, hostPath: v.hostPath })),
    },
    status: status && {
      phase: status.phase,
      reason: status.reason,
      message: status.message,
      podIP: status.podIP,
      conditions: status.conditions?.map(slimCondition),
      containerStatuses: status.containerStatuses?.map(slimStatus),
      initContainerStatuses: status.initContainerStatuses?.map(slimStatus),
    },
  };
}

export function slimNode(node: V1Node): V1Node {
  // status.images lists every image on the node: large and never diagnostic.
  const { images: _images, ...status } = node.status ?? {};
  return { metadata: slimMetadata(node.metadata), spec: node.spec, status };
}

export function slimEvent(event: CoreV1Event): CoreV1Event {
  const { involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime, source, reportingComponent, metadata } = event;
  return { involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime, source, reportingComponent, metadata: { name: metadata?.name, namespace: metadata?.namespace } };
}
