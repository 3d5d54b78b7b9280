import { ExitCode, PluginError } from '../cli/errors.js';
import type { NodeAddressType } from './ssh-options.js';

/** The parts of a V1Node this needs; a @kubernetes/client-node V1Node fits. */
export interface NodeLike {
  metadata?: { name?: string };
  status?: { addresses?: Array<{ type: string; address: string }> };
}

/** Where to SSH for one node, and why there. */
export interface NodeTarget {
  node: string;
  /** A host name or address, or an ssh_config Host alias (then HostName comes from the config). */
  connectTo: string;
  source: 'override' | 'ssh-config' | 'node-status';
}

export function nodeName(node: NodeLike): string {
  const name = node.metadata?.name;
  if (name === undefined || name === '') throw new PluginError('a node without metadata.name cannot be reached over SSH');
  return name;
}

/**
 * Precedence: --node-address NODE=ADDR, then an ssh_config Host entry named
 * like the node (the user's own config knows best how to reach it), then the
 * node's status address of the chosen type, the first one listed.
 */
export function pickNodeAddress(
  node: NodeLike,
  type: NodeAddressType,
  overrides: ReadonlyMap<string, string>,
  sshConfigHasHost: (alias: string) => boolean,
): NodeTarget {
  const name = nodeName(node);
  const override = overrides.get(name);
  if (override !== undefined) return { node: name, connectTo: override, source: 'override' };
  if (sshConfigHasHost(name)) return { node: name, connectTo: name, source: 'ssh-config' };

  const addresses = node.status?.addresses ?? [];
  const chosen = addresses.find((address) => address.type === type && address.address !== '');
  if (chosen !== undefined) return { node: name, connectTo: chosen.address, source: 'node-status' };

  const others = addresses.map((address) => `${address.type} ${address.address}`).join(', ');
  throw new PluginError(
    `node ${name} has no ${type} address to SSH to${others === '' ? ' (it reports no addresses at all)' : ` (it has ${others})`}`,
    ExitCode.couldNotCheck,
    `choose another type with --node-address-type, give one with --node-address ${name}=ADDRESS, ` +
      `or add "Host ${name}" with a HostName to your ssh config`,
  );
}
