import os from 'node:os';
import path from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../cli/errors.js';
import { parseDuration } from '../kube/kube-options.js';
import { parseJumpList, parsePort, type HostSpec } from './host-spec.js';

export const nodeAddressTypes = ['InternalIP', 'ExternalIP', 'Hostname'] as const;
export type NodeAddressType = (typeof nodeAddressTypes)[number];

/** The SSH flags as yargs hands them over (camelCase: the parser strips the dashed forms). */
export interface SshArgs {
  sshUser?: string;
  sshKey?: string | string[];
  sshPort?: string;
  sshJump?: string;
  sshConfig?: string;
  insecureSkipHostKeyCheck?: boolean;
  nodeAddressType?: NodeAddressType;
  nodeAddress?: string | string[];
  sshConnectTimeout?: string;
}

/** The same, checked and normalized; what NodeShellPool takes. */
export interface SshOptions {
  /** Login user for the nodes (not for jump hosts); else ssh_config User, else the local user. */
  sshUser?: string;
  /** Private keys tried before any IdentityFile from the config. */
  sshKeys: string[];
  sshPort?: number;
  /** --ssh-jump hops, overriding ProxyJump from the config; [] for "none". */
  sshJump?: HostSpec[];
  sshConfigFile: string;
  /** The config file was named by the user, so it must exist. */
  sshConfigExplicit: boolean;
  insecureSkipHostKeyCheck: boolean;
  nodeAddressType: NodeAddressType;
  /** --node-address NODE=ADDR, by node name. */
  nodeAddresses: ReadonlyMap<string, string>;
  /** --ssh-connect-timeout; else ssh_config ConnectTimeout, else defaultConnectTimeoutMs. */
  connectTimeoutMs?: number;
}

export const defaultConnectTimeoutMs = 10_000;

/** Adds the SSH flags shared by netcheck --ssh, nsenter and tap. */
export function addSshOptions<T>(parser: Argv<T>): Argv<T & SshArgs> {
  return parser
    .group(['ssh-user', 'ssh-key', 'ssh-port', 'ssh-jump', 'ssh-config', 'ssh-connect-timeout',
      'insecure-skip-host-key-check', 'node-address-type', 'node-address'], 'SSH flags (to reach the nodes):')
    .option('ssh-user', { type: 'string', describe: 'User to log in as on the nodes; sudo -n is used unless root (default: ssh config User, else your user)' })
    .option('ssh-key', { type: 'string', describe: 'Private key file; repeat for more (default: ssh-agent, then ssh config IdentityFile, then ~/.ssh/id_*)' })
    .option('ssh-port', { type: 'string', describe: 'SSH port on the nodes (default: ssh config Port, else 22)' })
    .option('ssh-jump', { type: 'string', describe: 'Jump host(s) as user@host:port, comma separated, or "none" (default: ssh config ProxyJump)' })
    .option('ssh-config', { type: 'string', describe: 'OpenSSH client config to read (default: $NETCHECK_SSH_CONFIG, else ~/.ssh/config)' })
    .option('ssh-connect-timeout', { type: 'string', describe: 'Time to wait for each SSH connection, like 10s (default: ssh config ConnectTimeout, else 10s)' })
    .option('insecure-skip-host-key-check', { type: 'boolean', default: false, describe: 'Do not check node host keys against known_hosts (warns on every connection)' })
    .option('node-address-type', { choices: nodeAddressTypes, default: 'InternalIP' as NodeAddressType, describe: 'Which node address to connect to' })
    .option('node-address', { type: 'string', describe: 'NODE=ADDRESS: connect to this address for this node; repeat for more' }) as unknown as Argv<T & SshArgs>;
}

export function sshOptionsFromArgs(args: SshArgs, env: NodeJS.ProcessEnv = process.env, homeDir: string = os.homedir()): SshOptions {
  const configFromUser = args.sshConfig ?? (env.NETCHECK_SSH_CONFIG || undefined);
  const timeoutText = args.sshConnectTimeout;
  const connectTimeoutMs = timeoutText === undefined ? undefined : parseDuration(timeoutText);
  if (timeoutText !== undefined && (connectTimeoutMs === undefined || connectTimeoutMs === 0)) {
    throw new UsageError(`--ssh-connect-timeout must be a duration like 10s or 1m, got "${timeoutText}"`);
  }
  if (args.sshUser === '') throw new UsageError('--ssh-user must not be empty');
  // Checked here too: yargs skips `choices` for dashed flags once strip-dashed removed their dashed keys.
  const addressType = args.nodeAddressType ?? 'InternalIP';
  if (!nodeAddressTypes.includes(addressType)) {
    throw new UsageError(`--node-address-type must be one of ${nodeAddressTypes.join(', ')}, got "${addressType}"`);
  }
  return {
    ...(args.sshUser !== undefined && { sshUser: args.sshUser }),
    sshKeys: asList(args.sshKey),
    ...(args.sshPort !== undefined && { sshPort: parsePort(args.sshPort, '--ssh-port') }),
    ...(args.sshJump !== undefined && { sshJump: parseJumpList(args.sshJump, '--ssh-jump') }),
    sshConfigFile: configFromUser ?? path.join(homeDir, '.ssh', 'config'),
    sshConfigExplicit: configFromUser !== undefined,
    insecureSkipHostKeyCheck: args.insecureSkipHostKeyCheck === true,
    nodeAddressType: addressType,
    nodeAddresses: parseNodeAddresses(asList(args.nodeAddress)),
    ...(connectTimeoutMs !== undefined && { connectTimeoutMs }),
  };
}

function parseNodeAddresses(pairs: string[]): Map<string, string> {
  const byNode = new Map<string, string>();
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    const node = pair.slice(0, Math.max(equals, 0));
    const address = pair.slice(equals + 1);
    if (equals <= 0 || address === '') {
      throw new UsageError(`--node-address must be NODE=ADDRESS, got "${pair}"`, 'for example --node-address worker-1=10.0.0.12');
    }
    if (byNode.has(node) && byNode.get(node) !== address) {
      throw new UsageError(`--node-address gives node ${node} two addresses: ${byNode.get(node)} and ${address}`);
    }
    byNode.set(node, address);
  }
  return byNode;
}

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}
