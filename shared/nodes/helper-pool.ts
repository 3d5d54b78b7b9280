import os from 'node:os';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { ExitCode, PluginError } from '../cli/errors.js';
import { humanizeApiError, KubeApiError } from '../kube/api-errors.js';
import type { KubeSession } from '../kube/kube-client.js';
import { HttpStatusError, getText, requestText } from '../kube/raw-get.js';
import { lastLine, RemoteCommandError, type ExecOptions, type ExecResult, type NodeShell } from '../ssh/node-shell.js';
import type { NodeLike } from '../ssh/node-address.js';
import { shellPerNode } from '../ssh/node-shell-pool.js';
import { isSudoPasswordFailure } from '../ssh/quote.js';
import type { SshLog } from '../ssh/ssh-log.js';
import {
  admissionRefusal, describeEvent, helperContainer, helperLabel, helperPermissions, helperPodManifest, helperPodName,
  helperStartError, helperStartFailure, leaseRenewMs, missingPermissionsError, onNodeArgv, renewLeaseArgv,
} from './helper-pod.js';
import type { NodeAccess } from './node-access.js';
import { execInPod, type PodRef } from './pod-exec.js';
import type { NodeShells } from './open-shells.js';

/** A shell on a node through its helper pod: every command runs as `nsenter -t 1 -m -u -i -n -p -- ARGV`, as root. */
export class PodNodeShell implements NodeShell {
  readonly port = 0;
  readonly user = 'root';
  readonly address: string;
  private readonly where: string;

  constructor(readonly node: string, private readonly kube: KubeSession, readonly pod: PodRef) {
    this.address = `pod ${pod.namespace}/${pod.name}`;
    this.where = `node ${node} (helper pod ${pod.namespace}/${pod.name})`;
  }

  exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    // Root already: sudo is not needed. Without a terminal the command announces its PID, so it can be stopped.
    const onNode = onNodeArgv(argv, options.pty === undefined);
    return execInPod(this.kube, this.pod, onNode, options, this.where);
  }

  async run(argv: readonly string[], options: Omit<ExecOptions, 'stdout' | 'stderr' | 'pty'> = {}): Promise<string> {
    const result = await this.exec(argv, options);
    if (result.code !== 0 && !isSudoPasswordFailure(result.code, result.stderrTail)) {
      throw new RemoteCommandError(this.node, this.where, argv, result.code, result.signal, lastLine(result.stderrTail));
    }
    return result.stdout?.toString('utf8') ?? '';
  }

  /** The helper pod goes when the pool closes. */
  close(): void {}
}

const pollMs = 200;

/** Who made a helper pod (its annotation): tells a run its own pods from leftovers. */
export function helperOwner(): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch { /* no passwd entry */ }
  return `${user}@${os.hostname()} pid ${process.pid}`;
}

/**
 * One helper pod per node in use, created on the first shell() for that node
 * and deleted by closeAll() (also on Ctrl-C and SIGTERM when the plugin does
 * not handle them itself). Pods of a failed start are deleted at once.
 */
export class HelperPodPool implements NodeShells {
  readonly via = 'pod' as const;
  private readonly shells = new Map<string, Promise<PodNodeShell>>();
  private readonly created = new Map<string, PodRef>();
  private permissions?: Promise<void>;
  private leaseTimer?: NodeJS.Timeout;
  private readonly namespace: string;
  private readonly onSignal = (signal: NodeJS.Signals): void => {
    // A plugin with its own handler (tap) stops cleanly and closes the pool itself.
    if (process.listenerCount(signal) > 1) return;
    void this.closeAll().finally(() => process.exit(signal === 'SIGINT' ? ExitCode.interrupted : 143));
  };

  constructor(private readonly kube: KubeSession, private readonly access: NodeAccess, private readonly log: SshLog) {
    this.namespace = access.helperNamespace ?? kube.namespace;
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  describe(node: NodeLike): string {
    return `helper pod in namespace ${this.namespace} (image ${this.access.image}), then nsenter -t 1 -m -u -i -n -p`;
  }

  /** A helper pod needs only the node's name; but one is not created before the Node is known to exist. */
  reachableByName(): boolean {
    return false;
  }

  shell(node: NodeLike): Promise<NodeShell> {
    // A pod that failed to start is deleted at once: the next step may try again.
    return shellPerNode(this.shells, node, (name) => this.start(name), { retryAfterFailure: true });
  }

  private async start(node: string): Promise<PodNodeShell> {
    this.permissions ??= this.checkPermissions();
    const manifest = helperPodManifest({ node, namespace: this.namespace, image: this.access.image, imagePullSecrets: this.access.imagePullSecrets, owner: helperOwner(), name: helperPodName(node) });
    const ref: PodRef = { namespace: this.namespace, name: manifest.metadata!.name!, container: helperContainer };
    this.log.debug(`node ${node}: creating helper pod ${ref.namespace}/${ref.name}`);
    const creating = this.create(manifest, ref);
    // Both at once: a refusal names every missing permission, not just the first the API server tripped on.
    const [permissions, created] = await Promise.allSettled([this.permissions, creating]);
    if (permissions.status === 'rejected') {
      if (created.status === 'fulfilled') await this.remove(ref);
      throw permissions.reason;
    }
    if (created.status === 'rejected') throw created.reason;
    try {
      await this.waitRunning(node, ref);
    } catch (error) {
      await this.remove(ref);
      throw error;
    }
    this.renewLeases();
    return new PodNodeShell(node, this.kube, ref);
  }

  private async create(manifest: V1Pod, ref: PodRef): Promise<void> {
    try {
      await requestText(this.kube.config, 'POST', `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods`, manifest);
      this.created.set(ref.name, ref);
    } catch (error) {
      if (error instanceof HttpStatusError && (error.code === 403 || error.code === 422 || error.code === 400)) {
        const message = statusMessage(error.body);
        const refusal = admissionRefusal(ref.namespace, message);
        if (refusal) throw refusal;
        if (error.code === 403 && /cannot create resource "pods"/.test(message)) {
          throw missingPermissionsError(ref.namespace, this.kube.user, [{ verb: 'create', resource: 'pods' }]);
        }
        throw new PluginError(`the API server refused the helper pod in namespace ${ref.namespace}: ${message}`, ExitCode.couldNotCheck,
          'see README "Node access: SSH or a helper pod" for what the helper needs; or use --via ssh');
      }
      throw humanizeApiError(error, { verb: 'create', resource: 'pods', namespace: ref.namespace }, this.kube.server, this.kube.user);
    }
  }

  /** SelfSubjectAccessReview for each verb the transport needs; all missing ones in one error. */
  private async checkPermissions(): Promise<void> {
    const answers = await Promise.all(helperPermissions.map(async (p) => {
      const review = {
        apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { namespace: this.namespace, verb: p.verb, resource: p.resource, ...('subresource' in p && { subresource: p.subresource }) } },
      };
      try {
        const answer = JSON.parse(await requestText(this.kube.config, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', review)) as { status?: { allowed?: boolean } };
        return { permission: p, allowed: answer.status?.allowed === true };
      } catch {
        return { permission: p, allowed: true }; // cannot ask: let the real calls tell
      }
    }));
    const missing = answers.filter((a) => !a.allowed).map((a) => a.permission);
    if (missing.length > 0) throw missingPermissionsError(this.namespace, this.kube.user, missing);
  }

  private async waitRunning(node: string, ref: PodRef): Promise<void> {
    const deadline = Date.now() + this.access.helperTimeoutMs;
    const path = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.name)}`;
    for (;;) {
      const pod = JSON.parse(await this.kube.call({ verb: 'get', resource: 'pods', namespace: ref.namespace, name: ref.name }, () => getText(this.kube.config, path))) as V1Pod;
      if (pod.status?.phase === 'Running' && pod.status.containerStatuses?.[0]?.state?.running) return;
      const failure = helperStartFailure(pod);
      if (failure || Date.now() > deadline) {
        throw helperStartError({ node, namespace: ref.namespace, name: ref.name, image: this.access.image }, failure, this.access.helperTimeoutMs, await this.lastEvent(ref));
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private async lastEvent(ref: PodRef): Promise<string | undefined> {
    try {
      const list = JSON.parse(await getText(this.kube.config, `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/events`,
        { fieldSelector: `involvedObject.kind=Pod,involvedObject.name=${ref.name}` })) as { items: CoreV1Event[] };
      const last = list.items.sort((a, b) => String(a.lastTimestamp ?? a.eventTime ?? '').localeCompare(String(b.lastTimestamp ?? b.eventTime ?? ''))).at(-1);
      return last ? describeEvent(last) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Every 15 s each helper's lease is renewed; a client that dies stops renewing, and the helpers end a minute later. */
  private renewLeases(): void {
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => {
      for (const ref of this.created.values()) {
        void execInPod(this.kube, ref, renewLeaseArgv, {}, `helper pod ${ref.name}`).catch((error: Error) => this.log.debug(`lease of ${ref.name}: ${error.message}`));
      }
    }, leaseRenewMs);
    this.leaseTimer.unref();
  }

  private async remove(ref: PodRef): Promise<void> {
    this.created.delete(ref.name);
    await deleteHelperPod(this.kube, ref.namespace, ref.name).catch((error: Error) => this.log.warn(`could not delete helper pod ${ref.namespace}/${ref.name}: ${error.message}`));
  }

  /** Deletes every helper pod of this run, including ones still starting. */
  async closeAll(): Promise<void> {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    clearInterval(this.leaseTimer);
    const pending = [...this.shells.values()];
    this.shells.clear();
    await Promise.allSettled(pending);
    await Promise.all([...this.created.values()].map((ref) => this.remove(ref)));
  }
}

function statusMessage(body: string): string {
  try {
    return (JSON.parse(body) as { message?: string }).message ?? body;
  } catch {
    return body;
  }
}

/** DELETE with no grace period (the helper has nothing to save); a pod already gone is fine. */
export async function deleteHelperPod(kube: KubeSession, namespace: string, name: string): Promise<void> {
  try {
    await requestText(kube.config, 'DELETE', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`, { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0 });
  } catch (error) {
    if (error instanceof HttpStatusError && error.code === 404) return;
    if (error instanceof HttpStatusError && error.code === 403) {
      throw new KubeApiError(`${kube.user ? `user ${kube.user}` : 'you'} may not delete pods in namespace ${namespace}: helper pod ${name} stays until it ends by itself (within a minute)`, 403,
        `ask for "delete pods" in ${namespace}; or remove it later with: kubectl netcheck helpers --delete`);
    }
    throw error;
  }
}

/** Helper pods in every namespace (or one), found by their label: leftovers of runs that were killed. */
export async function listHelperPods(kube: KubeSession, namespace?: string): Promise<V1Pod[]> {
  const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
  const text = await kube.call({ verb: 'list', resource: 'pods', ...(namespace && { namespace }) }, () => getText(kube.config, path, { labelSelector: `${helperLabel}=true` }));
  return (JSON.parse(text) as { items: V1Pod[] }).items;
}
