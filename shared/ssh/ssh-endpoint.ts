import path from 'node:path';
import type { HostSpec } from './host-spec.js';
import { resolveHost, type LocalContext, type SshConfig, type StrictHostKeyChecking } from './ssh-config.js';
import { defaultConnectTimeoutMs, type SshOptions } from './ssh-options.js';
import { defaultSshAgent } from '../cli/platform.js';

/** Everything needed to open one SSH connection: a jump host or the node itself. */
export interface SshEndpoint {
  /** How messages name it: `node worker-1` or `jump host bastion (on the way to node worker-1)`. */
  label: string;
  /** Host and port the TCP connection (or the previous hop's forward) goes to. */
  host: string;
  port: number;
  user: string;
  /** Keys given with --ssh-key (offered to jump hosts too): a missing one is an error. */
  explicitKeys: string[];
  /** IdentityFile lines: missing ones are skipped, like OpenSSH does. */
  configKeys: string[];
  /** Name and port known_hosts is searched for (HostKeyAlias replaces both). */
  hostKeyName: string;
  hostKeyPort: number;
  knownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  /** ssh-agent socket (Windows: a named pipe or "pageant"), unless IdentityAgent none or none found. */
  agentSocket?: string;
  connectTimeoutMs: number;
}

export interface EndpointContext {
  config: SshConfig;
  options: SshOptions;
  local: LocalContext;
  env: NodeJS.ProcessEnv;
}

/**
 * The hops (in order) and the node endpoint for `connectTo`, each resolved
 * through the ssh config like `ssh` would. --ssh-user and --ssh-port are for
 * the node only; --ssh-key is offered to every hop. A jump host's own
 * ProxyJump is not followed (ssh -J chains are written out in one list).
 */
export function planConnection(node: string, connectTo: string, context: EndpointContext): SshEndpoint[] {
  const { options } = context;
  const target = resolveHost(context.config, connectTo, context.local);
  const nodeEndpoint = endpointFor(`node ${node}`, connectTo, {
    ...(options.sshUser !== undefined && { user: options.sshUser }),
    ...(options.sshPort !== undefined && { port: options.sshPort }),
  }, options.sshKeys, context);
  const hops = (options.sshJump ?? target.proxyJump ?? []).map((hop) =>
    endpointFor(`jump host ${hop.host} (on the way to node ${node})`, hop.host, hop, options.sshKeys, context));
  return [...hops, nodeEndpoint];
}

function endpointFor(label: string, alias: string, given: Partial<HostSpec>, explicitKeys: string[], context: EndpointContext): SshEndpoint {
  const { config, options, local, env } = context;
  const settings = resolveHost(config, alias, local);
  const port = given.port ?? settings.port ?? 22;
  const sshDir = path.join(local.homeDir, '.ssh');
  const agentSocket = agentSocketFor(settings.identityAgent, env, local);
  const configTimeout = settings.connectTimeoutSeconds === undefined ? undefined : settings.connectTimeoutSeconds * 1000;
  return {
    label,
    host: settings.hostName,
    port,
    user: given.user ?? settings.user ?? local.localUser,
    explicitKeys,
    configKeys: settings.identityFiles,
    hostKeyName: settings.hostKeyAlias ?? settings.hostName,
    hostKeyPort: settings.hostKeyAlias === undefined ? port : 22,
    knownHostsFiles: [
      ...(settings.userKnownHostsFiles ?? [path.join(sshDir, 'known_hosts'), path.join(sshDir, 'known_hosts2')]),
      ...(settings.globalKnownHostsFiles ?? ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']),
    ].filter((file) => file.toLowerCase() !== 'none'),
    strictHostKeyChecking: settings.strictHostKeyChecking ?? 'yes',
    ...(agentSocket !== undefined && { agentSocket }),
    connectTimeoutMs: options.connectTimeoutMs ?? configTimeout ?? defaultConnectTimeoutMs,
  };
}

function agentSocketFor(identityAgent: string | undefined, env: NodeJS.ProcessEnv, local: LocalContext): string | undefined {
  if (identityAgent?.toLowerCase() === 'none') return undefined;
  const socket = identityAgent === undefined || identityAgent === 'SSH_AUTH_SOCK' ? env.SSH_AUTH_SOCK : identityAgent;
  if (socket !== undefined && socket !== '') return socket;
  return defaultSshAgent(local.platform ?? process.platform, local.openSshAgentPipe === true);
}
