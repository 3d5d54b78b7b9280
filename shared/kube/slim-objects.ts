import type { CoreV1Event, V1Node, V1Pod } from '@kubernetes/client-node';

// The live gatherer keeps only what the diagnosis reads, page by page, so that
// a 30,000-pod cluster fits in a few hundred MiB. Pure functions.

function slimMetadata(m: Record<string, unknown> | undefined) {
  if (!m) return undefined;
  const { name, namespace, uid, labels, ownerReferences, creationTimestamp, deletionTimestamp, annotations } = m as Record<string, unknown>;
  // Annotations can be huge (last-applied-configuration); keep only the short ones.
  const shortAnnotations = annotations && typeof annotations === 'object'
    ? Object.fromEntries(Object.entries(annotations as Record<string, string>).filter(([, v]) => String(v).length <= 256))
    : undefined;
  return { name, namespace, uid, labels, ownerReferences, creationTimestamp, deletionTimestamp, annotations: shortAnnotations };
}

export function slimPod(pod: V1Pod): V1Pod {
  const spec = pod.spec;
  return {
    metadata: slimMetadata(pod.metadata as Record<string, unknown>),
    spec: spec && {
      nodeName: spec.nodeName,
      hostNetwork: spec.hostNetwork,
      priorityClassName: spec.priorityClassName,
      containers: spec.containers.map((c) => ({ name: c.name, image: c.image, ports: c.ports, readinessProbe: c.readinessProbe, livenessProbe: c.livenessProbe })),
      tolerations: spec.tolerations,
    },
    status: pod.status && {
      phase: pod.status.phase,
      reason: pod.status.reason,
      message: pod.status.message,
      hostIP: pod.status.hostIP,
      podIP: pod.status.podIP,
      podIPs: pod.status.podIPs,
      conditions: pod.status.conditions,
      containerStatuses: pod.status.containerStatuses,
      initContainerStatuses: pod.status.initContainerStatuses,
    },
  } as V1Pod;
}

export function slimNode(node: V1Node): V1Node {
  // status.images lists every image on the node: large and never diagnostic.
  const { images: _images, ...status } = node.status ?? {};
  return { metadata: slimMetadata(node.metadata as Record<string, unknown>), spec: node.spec, status } as V1Node;
}

export function slimEvent(event: CoreV1Event): CoreV1Event {
  const { involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime, source, reportingComponent, metadata } = event;
  return { involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime, source, reportingComponent, metadata: { name: metadata?.name, namespace: metadata?.namespace } } as CoreV1Event;
}
