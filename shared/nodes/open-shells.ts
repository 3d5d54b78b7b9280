import type { Io } from '../cli/io.js';
import type { KubeSession } from '../kube/kube-client.js';
import type { NodeLike } from '../ssh/node-address.js';
import type { NodeShell } from '../ssh/node-shell.js';
import { NodeShellPool } from '../ssh/node-shell-pool.js';
import { stderrLog } from '../ssh/ssh-log.js';
import { sshOptionsFromArgs, type SshArgs } from '../ssh/ssh-options.js';
import { nodeAccessFromArgs, type NodeAccessArgs } from './node-access.js';

/** The run's way to the nodes, SSH or helper pods: one shell per node, reused by every step, closed at the end. */
export interface NodeShells {
  readonly via: 'ssh' | 'pod';
  shell(node: NodeLike): Promise<NodeShell>;
  /** How the node would be reached, for --dry-run. */
  describe(node: NodeLike): string;
  /** Whether shell() can start with the node's name alone (no Node object: its addresses are not needed). */
  reachableByName(node: string): boolean;
  closeAll(): Promise<void>;
}

/** From the SSH and "Node access" flags; warnings on stderr, debug lines with -v. */
export async function openNodeShells(args: SshArgs & NodeAccessArgs & { verbose?: number }, io: Io, kube: KubeSession): Promise<NodeShells> {
  const access = nodeAccessFromArgs(args, io.env);
  const log = stderrLog(io, args.verbose ?? 0);
  if (access.via === 'pod') {
    const { HelperPodPool } = await import('./helper-pool.js');
    return new HelperPodPool(kube, access, log);
  }
  const pool = new NodeShellPool(sshOptionsFromArgs(args, io.env), { env: io.env, log });
  // ssh2 (with its crypto self-checks) loads while the plugin waits for the API server, not after:
  // on the next turn of the event loop, once the first request is on its way. Here, at the edge,
  // not in the pool: a pool made and dropped at once (tests, --help paths) starts no stray import.
  setImmediate(() => void import('ssh2').catch(() => undefined));
  return pool;
}

/**
 * Starts connecting to a node known so far only by name (a pod's spec.nodeName) while
 * its Node object is still being read, when the way there does not depend on it; the
 * later shell() for that node gets this same connection, or its error.
 */
export function reachEarly(pool: NodeShells, node: string): void {
  let byName: boolean;
  try {
    byName = pool.reachableByName(node);
  } catch {
    return; // e.g. an unreadable ssh config: reported by the real shell() call, after what the API said
  }
  if (byName) pool.shell({ metadata: { name: node } }).catch(() => undefined);
}
