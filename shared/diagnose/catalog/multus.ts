import type { CatalogEntry } from './catalog-entry.js';

/**
 * k8snetworkplumbingwg/multus-cni: the multus meta-plugin. Its errors carry cmdErr's prefix
 * `Multus: [<namespace>/<pod>/<uid>]: ` (pkg/multus/multus.go), older releases `[<namespace>/<pod>]`.
 */
const repo = 'k8snetworkplumbingwg/multus-cni';
const file = 'pkg/multus/multus.go';
const leftoverCommands = ['ssh {node} ls -l /etc/cni/net.d/ /etc/cni/net.d/multus.d/   # the lexically first config is the one used', 'kubectl get pods -A -l app=multus -o wide   # is multus still installed?', 'if multus was removed: delete 00-multus.conf(list) and multus.d/ on every node; else: kubectl -n kube-system rollout restart ds/kube-multus-ds'];
const credentialsRejected = '(?:Unauthorized|the server has asked for the client to provide credentials)';

export const multusEntries: readonly CatalogEntry[] = [
  {
    id: 'multus-wait-for-pod-unauthorized',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'multus',
    source: { repo, file, format: 'Multus: [%s/%s/%s]: error waiting for pod: %v' },
    // Only a rejected credential means the node's multus config is stale; other errors stay generic.
    pattern: new RegExp(`Multus: \\[[^\\]]*\\]: error waiting for pod: ${credentialsRejected}`),
    examples: [['default', 'web-6d4cf56db6-8xk2p', '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', 'Unauthorized']],
    explanation: 'multus on {node} is still the first CNI config in /etc/cni/net.d, but the API server rejects the service-account token in its multus.d/multus.kubeconfig: multus was removed (or re-installed) and its config and kubeconfig were left behind on the node, so every pod sandbox fails.',
    nextCommands: leftoverCommands,
  },
  {
    id: 'multus-get-pod-unauthorized',
    code: 'CNI_CONFIG_INVALID', confidence: 0.9, emitter: 'cni-plugin', pluginType: 'multus',
    source: { repo, file, ref: 'v3.9', format: 'Multus: [%s/%s/%s]: error getting pod: %v' },
    pattern: new RegExp(`Multus: \\[[^\\]]*\\]: error getting pod: ${credentialsRejected}`),
    examples: [['kube-system', 'coredns-74ff55c5b-q9vxd', '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d', 'Unauthorized']],
    explanation: 'multus on {node} is still the first CNI config in /etc/cni/net.d, but the API server rejects the service-account token in its multus.d/multus.kubeconfig: multus was removed (or re-installed) and its config and kubeconfig were left behind on the node, so every pod sandbox fails.',
    nextCommands: leftoverCommands,
  },
  {
    id: 'multus-default-network-not-ready',
    code: 'CNI_DAEMON_NOT_READY', confidence: 0.86, emitter: 'cni-plugin', pluginType: 'multus',
    source: { repo, file, format: 'Multus: [%s/%s/%s]: have you checked that your default network is ready? still waiting for readinessindicatorfile @ %v. pollimmediate error: %v' },
    groups: [undefined, undefined, undefined, 'file'],
    examples: [['default', 'web-6d4cf56db6-8xk2p', '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d', '/host/etc/cni/net.d/10-calico.conflist', 'timed out waiting for the condition']],
    explanation: 'multus on {node} waits for the default network\'s config {file}, which the primary CNI\'s daemon writes when it starts: that daemon is not running (yet) on the node.',
    nextCommands: ['kubectl get pods -A -o wide --field-selector spec.nodeName={node} | grep -Ei "calico|flannel|cilium|ovn|weave|antrea"', 'ssh {node} ls -l /etc/cni/net.d/'],
  },
  {
    id: 'multus-network-attachment-missing',
    code: 'CNI_PLUGIN_ERROR', confidence: 0.8, emitter: 'cni-plugin', pluginType: 'multus',
    source: { repo, file: 'pkg/k8sclient/k8sclient.go', format: 'cannot find a network-attachment-definition (%s) in namespace (%s): %v' },
    groups: ['network', 'attachmentNamespace'],
    examples: [['macvlan-conf', 'default', 'network-attachment-definitions.k8s.cni.cncf.io "macvlan-conf" not found']],
    explanation: 'The pod asks (k8s.v1.cni.cncf.io/networks annotation) for the additional network {network}, which has no NetworkAttachmentDefinition in namespace {attachmentNamespace}: the pod\'s request is wrong, not the node\'s network.',
    nextCommands: ['kubectl get network-attachment-definitions -n {attachmentNamespace}', 'kubectl get pod -n {namespace} {podName} -o jsonpath=\'{.metadata.annotations}\''],
  },
];
