import type { V1Node } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';

export type RuntimeName = 'containerd' | 'docker' | 'cri-o';

/** A container as the node's runtime knows it: `containerd://<64 hex>` split in two. */
export interface ContainerRef {
  runtime: RuntimeName;
  id: string;
}

/** What the node says it runs, from status.nodeInfo.containerRuntimeVersion. */
export interface NodeRuntime {
  runtime: RuntimeName;
  version: string;
}

// The scheme kubelet writes before "://": cri-o spells itself "cri-o"; "crio"
// is accepted because hand-written IDs (and some docs) use it.
const runtimeBySchemes: Readonly<Record<string, RuntimeName>> = {
  containerd: 'containerd',
  docker: 'docker',
  'cri-o': 'cri-o',
  crio: 'cri-o',
};

// Every CRI runtime names containers with 64 lowercase hex digits; short
// prefixes (crictl ps shows 13) are allowed for hand-typed IDs. Being strict
// here matters: the ID later becomes a grep pattern on the node.
const containerIdPattern = /^[0-9a-f]{12,64}$/;

export function isContainerId(id: string): boolean {
  return containerIdPattern.test(id);
}

/** Parses a pod's containerStatuses[].containerID, e.g. `containerd://3f…`. */
export function parseContainerId(containerId: string): ContainerRef {
  const match = /^([a-z-]+):\/\/(.*)$/.exec(containerId.trim());
  const runtime = match?.[1] === undefined ? undefined : runtimeBySchemes[match[1]];
  const id = match?.[2] ?? '';
  if (match === null || runtime === undefined) {
    throw new PluginError(
      `container ID "${containerId}" does not start with containerd://, docker:// or cri-o://`,
      ExitCode.couldNotCheck,
      'nsenter supports containerd, Docker (dockershim/cri-dockerd) and CRI-O nodes; check the pod with kubectl get pod -o yaml',
    );
  }
  if (!isContainerId(id)) {
    throw new PluginError(
      `container ID "${containerId}" is not 12 to 64 lowercase hex digits after ${match[1]}://`,
      ExitCode.couldNotCheck,
      'the pod status may be corrupt or from an unsupported runtime; check it with kubectl get pod -o yaml',
    );
  }
  return { runtime, id };
}

/**
 * The runtime a node reports, e.g. `containerd://1.6.20`, `docker://20.10.7`,
 * `cri-o://1.21.0`. Undefined when the node does not say or says something
 * unknown (then the container ID's own prefix is all there is).
 */
export function nodeRuntime(node: Pick<V1Node, 'status'>): NodeRuntime | undefined {
  const reported = node.status?.nodeInfo?.containerRuntimeVersion;
  const match = reported === undefined ? null : /^([a-z-]+):\/\/(.*)$/.exec(reported.trim());
  const runtime = match?.[1] === undefined ? undefined : runtimeBySchemes[match[1]];
  if (match === null || runtime === undefined) return undefined;
  return { runtime, version: match[2] ?? '' };
}
