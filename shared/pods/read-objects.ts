import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { PluginError } from '../cli/errors.js';
import type { KubeSession } from '../kube/kube-client.js';
import { objectShape } from '../kube/api-shapes.js';

export async function readPod(kube: KubeSession, namespace: string, name: string): Promise<V1Pod> {
  return kube.getJson({ verb: 'get', resource: 'pods', namespace, name },
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`, objectShape<V1Pod>('pod'));
}

export async function readNode(kube: KubeSession, name: string): Promise<V1Node> {
  return kube.getJson({ verb: 'get', resource: 'nodes', name }, `/api/v1/nodes/${encodeURIComponent(name)}`, objectShape<V1Node>('node'));
}

/**
 * The pod and the node it runs on; a pod not yet scheduled is an error naming its phase.
 * onNodeName hears the node's name as soon as the pod is read, while the Node is being read.
 */
export async function readPodAndNode(kube: KubeSession, namespace: string, name: string, onNodeName?: (node: string) => void): Promise<{ pod: V1Pod; node: V1Node }> {
  const pod = await readPod(kube, namespace, name);
  const nodeName = typeof pod.spec?.nodeName === 'string' ? pod.spec.nodeName : undefined;
  if (!nodeName) {
    throw new PluginError(`pod ${namespace}/${name} has no node yet (phase ${pod.status?.phase ?? 'unknown'})`, 1,
      `wait for scheduling; see why with: kubectl describe pod -n ${namespace} ${name}`);
  }
  const node = readNode(kube, nodeName);
  onNodeName?.(nodeName);
  return { pod, node: await node };
}
