import { connectOp } from '../failure-vocabulary.js';
import type { TextRule } from '../text-rules.js';

/**
 * Look-alikes: failures that show up next to network symptoms but are not caused by
 * the network. Naming them keeps an operator from chasing the CNI. They rank below
 * any network finding of similar confidence. Wordings are containerd's, runc's, the kubelet's and
 * kubectl's as seen in events and logs (not from the source catalogue: none is a network cause).
 */
export const nonNetworkRules: readonly TextRule[] = [
  {
    id: 'sandbox-not-network',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.55,
    sources: ['event', 'kubeletLog', 'runtimeLog'],
    pattern: /failed to (?:get|pull) sandbox image|failed to reserve sandbox name|failed to create containerd task|OCI runtime (?:create|start) failed|failed to start sandbox container|error setting cgroup config/i,
    explanation: 'The runtime failed to create or start a container for {pod} for a reason outside networking (sandbox image, cgroups, OCI runtime).',
    nextCommands: ['kubectl describe pod -n {namespace} {podName}', 'ssh {node} journalctl -u containerd -u kubelet --since -10min | tail -50'],
  },
  {
    id: 'image-pull',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.5,
    sources: ['event'],
    pattern: /Failed to pull image|failed pulling image|ErrImagePull|ImagePullBackOff|pull access denied|manifest unknown/,
    explanation: 'An image for {pod} cannot be pulled; this is registry access or naming, not the pod network.',
    nextCommands: ['kubectl describe pod -n {namespace} {podName}', 'ssh {node} crictl pull <image>'],
  },
  {
    id: 'unschedulable-not-network',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.45,
    sources: ['event'],
    eventReasons: ['FailedScheduling'],
    // The not-ready / network-unavailable taints are the CNI's symptom, not a separate problem.
    pattern: /Insufficient (?:cpu|memory|pods|ephemeral-storage)|didn't match (?:Pod's )?node (?:affinity|selector)|unbound immediate PersistentVolumeClaims|volume node affinity conflict|had (?:untolerated )?taints? \{(?!node\.kubernetes\.io\/(?:not-ready|network-unavailable|unreachable))/,
    explanation: '{pod} cannot be scheduled for lack of resources or matching nodes, not because of the network.',
    nextCommands: ['kubectl describe pod -n {namespace} {podName}', 'kubectl describe nodes | grep -A8 "Allocated resources"'],
  },
  {
    id: 'volume-mount',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.45,
    sources: ['event'],
    pattern: /MountVolume\.\w+ failed|Unable to attach or mount volumes/,
    explanation: 'A volume of {pod} cannot be mounted; the pod waits for storage, not for the network.',
    nextCommands: ['kubectl describe pod -n {namespace} {podName}'],
  },
  {
    id: 'oom-killed',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.45,
    pattern: /\bOOMKilled\b|Memory cgroup out of memory/,
    explanation: 'A container of {pod} is killed for exceeding its memory limit.',
    nextCommands: ['kubectl describe pod -n {namespace} {podName}'],
  },
  {
    id: 'kubelet-not-running',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.6,
    pattern: /(?:localhost|127\.0\.0\.1):10248\/healthz|kubelet cgroup driver: \\*"\w+\\*" is different from|running with swap on is not supported|failed to run Kubelet/,
    explanation: 'The kubelet on {node} itself is not running or healthy (cgroup driver mismatch, swap, config): fix the host before the container network.',
    nextCommands: ['ssh {node} systemctl status kubelet', 'ssh {node} journalctl -u kubelet -n 50'],
  },
  {
    id: 'apiserver-unreachable',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.5,
    pattern: new RegExp(String.raw`The connection to the server \S+ was refused|dial tcp [\d.]+:6443: ${connectOp}: connection refused`),
    explanation: 'The API server does not accept connections: the control plane is down, which is a host-level problem rather than the pod network.',
    nextCommands: ['ssh <control-plane> crictl ps -a | grep -E "kube-apiserver|etcd"', 'ssh <control-plane> journalctl -u kubelet -n 50'],
  },
  {
    id: 'credentials-outside-cni',
    code: 'NOT_A_NETWORK_FAULT',
    confidence: 0.45,
    pattern: /x509: certificate has expired or is not yet valid|x509: certificate signed by unknown authority|\bUnauthorized\b/,
    explanation: 'A component\'s credentials are rejected by the API server (expired certificate, wrong CA or token): renew them; the pod network is not at fault.',
    nextCommands: ['kubeadm certs check-expiration', 'kubectl -n {namespace} describe pod {podName}'],
  },
];
