import crypto from 'node:crypto';
import type { V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';

/** Marks the pods as ours: `kubectl netcheck helpers` and tap --delete find leftovers by it. */
export const helperLabel = 'kubectl-netcheck/helper';
export const helperNodeAnnotation = 'kubectl-netcheck/node';
export const helperContainer = 'helper';

/**
 * The helper keeps running only while the client renews its lease (a
 * timestamp file in the container) at least every leaseSeconds: a client that
 * was SIGKILLed leaves a pod that ends by itself about a minute later.
 * activeDeadlineSeconds is the hard stop behind it, whatever happens.
 */
export const leaseSeconds = 60;
export const leaseRenewMs = 15_000;
export const hardLifetimeSeconds = 12 * 3600;
const leaseFile = '/tmp/netcheck-lease';

/** The helper's own command: wait while the lease is fresh, then end (the pod then stops, Never restarted). */
export const helperCommand = ['sh', '-c',
  `date +%s > ${leaseFile}; while [ $(( $(date +%s) - $(cat ${leaseFile}) )) -lt ${leaseSeconds} ]; do sleep 2; done`];

/** Run in the helper's container (not on the node): renews the lease. */
export const renewLeaseArgv = ['sh', '-c', `date +%s > ${leaseFile}`];

/**
 * How every command runs: into all of the node's namespaces through its PID 1
 * (the pod shares the node's PID namespace), then the node's own /bin/sh execs
 * argv ("$@", never a joined line). The absolute path matters: a busybox built
 * to prefer its applets would run its own sh, ip, tc... instead of the node's
 * tools. With announcePid the command first prints its PID (in the node's PID
 * namespace, which the helper shares) on stderr, so it can be signalled.
 */
export function onNodeArgv(argv: readonly string[], announcePid = false): string[] {
  const script = announcePid ? 'echo netcheck-remote-pid=$$ >&2; exec "$@"' : 'exec "$@"';
  return ['nsenter', '-t', '1', '-m', '-u', '-i', '-n', '-p', '--', '/bin/sh', '-c', script, 'sh', ...argv];
}

/** A pod name from the node's: DNS-1123, at most 63 characters, unique per run. */
export function helperPodName(node: string, random: string = crypto.randomBytes(3).toString('hex')): string {
  const safe = node.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '');
  return `netcheck-helper-${safe.slice(0, 63 - 'netcheck-helper-'.length - 1 - random.length)}-${random}`.replace(/-+/g, '-');
}

export interface HelperSpec {
  node: string;
  namespace: string;
  image: string;
  imagePullSecrets: readonly string[];
  /** Who made it (user@host pid), so a leftover can be traced back. */
  owner: string;
  name?: string;
}

/** The helper pod: on that node, in the host's network/PID/IPC namespaces, privileged, tolerating every taint. Pure. */
export function helperPodManifest(spec: HelperSpec): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name ?? helperPodName(spec.node),
      namespace: spec.namespace,
      labels: { [helperLabel]: 'true', 'app.kubernetes.io/managed-by': 'kubectl-netcheck' },
      annotations: { [helperNodeAnnotation]: spec.node, 'kubectl-netcheck/owner': spec.owner },
    },
    spec: {
      nodeName: spec.node,
      hostNetwork: true,
      hostPID: true,
      hostIPC: true,
      restartPolicy: 'Never',
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 0,
      activeDeadlineSeconds: hardLifetimeSeconds,
      tolerations: [{ operator: 'Exists' }],
      ...(spec.imagePullSecrets.length > 0 && { imagePullSecrets: spec.imagePullSecrets.map((name) => ({ name })) }),
      containers: [{
        name: helperContainer,
        image: spec.image,
        imagePullPolicy: 'IfNotPresent',
        command: helperCommand,
        securityContext: { privileged: true, runAsUser: 0 },
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
        stdin: false,
        tty: false,
      }],
    },
  };
}

/** What a pod's status says about why it is not running yet; undefined while it may still come up. Pure. */
export function helperStartFailure(pod: V1Pod): { reason: string; detail: string } | undefined {
  const phase = pod.status?.phase;
  const waiting = pod.status?.containerStatuses?.[0]?.state?.waiting;
  const terminated = pod.status?.containerStatuses?.[0]?.state?.terminated;
  if (waiting?.reason && /ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull/.test(waiting.reason)) {
    return { reason: 'image', detail: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  }
  if (waiting?.reason && /CreateContainerConfigError|CreateContainerError|RunContainerError/.test(waiting.reason)) {
    return { reason: 'container', detail: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  }
  if (phase === 'Failed' || phase === 'Succeeded' || terminated) {
    return { reason: 'ended', detail: `${pod.status?.reason ?? terminated?.reason ?? phase}${pod.status?.message ? `: ${pod.status.message}` : terminated?.message ? `: ${terminated.message}` : ''}` };
  }
  return undefined;
}

/** The error for a helper that failed or did not start in time, with the pod's last event when there is one. */
export function helperStartError(spec: { node: string; namespace: string; name: string; image: string }, failure: { reason: string; detail: string } | undefined,
  timeoutMs: number, lastEvent: string | undefined): PluginError {
  const where = `helper pod ${spec.namespace}/${spec.name} on node ${spec.node}`;
  const event = lastEvent ? `; last event: ${lastEvent}` : '';
  if (failure?.reason === 'image') {
    return new PluginError(`${where} cannot get its image ${spec.image}: ${failure.detail}${event}`, ExitCode.couldNotCheck,
      'name an image the nodes can pull (it needs sh, sleep and nsenter, like busybox) with --image, and --image-pull-secret for a private registry');
  }
  if (failure) {
    return new PluginError(`${where} did not start: ${failure.detail}${event}`, ExitCode.couldNotCheck,
      'check the image with --image (it needs sh, sleep and nsenter) and the node\'s kubelet; or use --via ssh');
  }
  return new PluginError(`${where} was not running after ${timeoutMs / 1000}s${event || ' (no event yet: is the kubelet on that node running?)'}`, ExitCode.couldNotCheck,
    'raise --helper-timeout if the node is slow to pull the image; a kubelet that is down cannot start it: use --via ssh for that node');
}

/** A one-line event: "Failed: Failed to pull image ... (x3)". Pure. */
export function describeEvent(event: { reason?: string; message?: string; count?: number }): string {
  return `${event.reason ?? 'event'}: ${(event.message ?? '').trim()}${event.count && event.count > 1 ? ` (x${event.count})` : ''}`;
}

/**
 * The admission refusals a privileged host pod meets, told apart by the API
 * server's message, each with what allows the pod. undefined: not one of them. Pure.
 */
export function admissionRefusal(namespace: string, message: string): PluginError | undefined {
  if (/violates PodSecurity/i.test(message)) {
    return new PluginError(`the namespace ${namespace} does not admit the privileged helper pod: ${message}`, ExitCode.couldNotCheck,
      `label a namespace to allow it (kubectl label namespace ${namespace} pod-security.kubernetes.io/enforce=privileged) or pick one that is, with --helper-namespace; or use --via ssh`);
  }
  if (/pod security polic/i.test(message)) {
    return new PluginError(`no PodSecurityPolicy admits the privileged helper pod in namespace ${namespace}: ${message}`, ExitCode.couldNotCheck,
      'grant "use" on a PodSecurityPolicy with privileged: true, hostNetwork, hostPID and hostIPC to your user in that namespace, or pick another with --helper-namespace; or use --via ssh');
  }
  if (/exceeded quota|must specify/i.test(message)) {
    return new PluginError(`a ResourceQuota in namespace ${namespace} refuses the helper pod: ${message}`, ExitCode.couldNotCheck,
      `raise the quota (kubectl describe resourcequota -n ${namespace}) or pick another namespace with --helper-namespace; or use --via ssh`);
  }
  if (/admission webhook|denied the request/i.test(message)) {
    return new PluginError(`an admission webhook refuses the helper pod in namespace ${namespace}: ${message}`, ExitCode.couldNotCheck,
      'ask for an exception for privileged host pods labelled kubectl-netcheck/helper=true, or pick another namespace with --helper-namespace; or use --via ssh');
  }
  return undefined;
}

/** RBAC the helper transport needs, as `kubectl auth can-i` words. */
export const helperPermissions = [
  { verb: 'create', resource: 'pods' },
  { verb: 'create', resource: 'pods', subresource: 'exec' },
  { verb: 'get', resource: 'pods' },
  { verb: 'delete', resource: 'pods' },
] as const;

/** The RBAC error naming every missing permission. Pure. */
export function missingPermissionsError(namespace: string, user: string | undefined, missing: readonly { verb: string; resource: string; subresource?: string }[]): PluginError {
  const names = missing.map((m) => `${m.verb} ${m.resource}${m.subresource ? `/${m.subresource}` : ''}`);
  return new PluginError(`${user ? `user ${user}` : 'you'} may not ${names.join(', ')} in namespace ${namespace}, which the helper pods (--via pod) need`,
    ExitCode.couldNotCheck,
    `ask for a Role granting ${names.join(', ')} in ${namespace} (README "Node access: SSH or a helper pod" has one), pick another namespace with --helper-namespace, or use --via ssh; check with: ${missing.map((m) => `kubectl auth can-i ${m.verb} ${m.resource}${m.subresource ? `/${m.subresource}` : ''} -n ${namespace}`).join('; ')}`);
}
