import type { Client, ClientChannel, ServerHostKeyAlgorithm } from 'ssh2';
import { ExitCode, PluginError } from '../cli/errors.js';
import { checkHostKey, readKnownHosts } from './host-key-check.js';
import { knownKeyTypes } from './known-hosts.js';
import { authFailure, planAuth } from './ssh-auth.js';
import type { SshEndpoint } from './ssh-endpoint.js';
import type { SshLog } from './ssh-log.js';

export interface ConnectContext {
  homeDir: string;
  insecureSkipHostKeyCheck: boolean;
  log: SshLog;
}

/** An authenticated connection to the last endpoint, through the others (jump hosts). */
export interface SshConnection {
  client: Client;
  endpoint: SshEndpoint;
  /** Closes the node connection and every jump host connection under it. */
  close(): void;
}

/**
 * Connects to each endpoint in turn, the first over TCP and every later one
 * through a direct-tcpip channel of the one before (ProxyJump). Every hop
 * has its host key checked and authenticates on its own.
 */
export async function connectThrough(endpoints: readonly SshEndpoint[], context: ConnectContext): Promise<SshConnection> {
  const ssh2 = (await import('ssh2')).default; // loaded on first use, so --help stays fast
  const clients: Client[] = [];
  const closeAll = (): void => [...clients].reverse().forEach((client) => client.end());
  try {
    for (const endpoint of endpoints) {
      const previous = clients.at(-1);
      const sock = previous === undefined ? undefined : await forwardTo(previous, endpoints[clients.length - 1]!, endpoint);
      clients.push(await connectOne(new ssh2.Client(), endpoint, sock, context, ssh2.utils.parseKey));
    }
  } catch (error) {
    closeAll();
    throw error;
  }
  return { client: clients.at(-1)!, endpoint: endpoints.at(-1)!, close: closeAll };
}

function connectOne(
  client: Client, endpoint: SshEndpoint, sock: ClientChannel | undefined, context: ConnectContext,
  parseKey: Parameters<typeof planAuth>[2],
): Promise<Client> {
  const where = `${endpoint.label} (${endpoint.host}:${endpoint.port})`;
  const knownHosts = readKnownHosts(endpoint.knownHostsFiles);
  const hostKey = checkHostKey(endpoint, knownHosts, context.insecureSkipHostKeyCheck, context.log);
  const auth = planAuth(endpoint, context.homeDir, parseKey, context.log);
  const preferred = context.insecureSkipHostKeyCheck ? [] : knownKeyTypes(knownHosts, endpoint.hostKeyName, endpoint.hostKeyPort);
  context.log.debug(`connecting to ${where} as ${endpoint.user}${sock ? ' through the previous hop' : ''}`);

  return new Promise<Client>((resolve, reject) => {
    const fail = (error: PluginError): void => {
      clearTimeout(timer);
      client.off('ready', onReady).off('error', onError).off('close', onClose);
      client.on('error', () => undefined); // the first error was reported; an 'error' without listener would throw
      client.end();
      reject(error);
    };
    const onReady = (): void => {
      clearTimeout(timer);
      client.off('error', onError).off('close', onClose);
      client.on('error', (error) => context.log.debug(`${where}: ${error.message}`)); // later errors end in 'close'
      resolve(client);
    };
    const onError = (error: Error & { level?: string }): void => {
      if (hostKey.refusal) fail(hostKey.refusal);
      else if (error.level === 'client-authentication') fail(authFailure(endpoint, auth, error));
      else fail(new PluginError(`could not connect to ${where}: ${error.message}`, ExitCode.couldNotCheck, unreachableHint(endpoint), { cause: error }));
    };
    const onClose = (): void => fail(hostKey.refusal ?? new PluginError(`${where} closed the connection during the SSH handshake`,
      ExitCode.couldNotCheck, 'check the node\'s sshd logs (journalctl -u ssh or -u sshd)'));
    const timer = setTimeout(() => fail(new PluginError(
      `timed out after ${endpoint.connectTimeoutMs / 1000}s connecting to ${where}`, ExitCode.couldNotCheck, unreachableHint(endpoint),
    )), endpoint.connectTimeoutMs);
    client.on('ready', onReady).on('error', onError).on('close', onClose);
    client.connect({
      host: endpoint.host,
      port: endpoint.port,
      ...(sock !== undefined && { sock }),
      username: endpoint.user,
      hostVerifier: (key: Buffer) => hostKey.accept(key),
      authHandler: auth.methods,
      readyTimeout: endpoint.connectTimeoutMs + 1000, // our own timer fires first, with a better message
      keepaliveInterval: 15_000,
      ...(preferred.length > 0 && { algorithms: { serverHostKey: hostKeyAlgorithmsPreferring(preferred) } }),
    });
    // As OpenSSH does: without TCP_NODELAY Nagle holds back our small packets (key exchange, channel
    // requests, window adjustments) behind delayed ACKs; a 100 MB stream ran 52 -> 154 MB/s with it.
    client.setNoDelay(true);
  });
}

/** Opens the TCP forward from one hop to the next endpoint. */
function forwardTo(hop: Client, hopEndpoint: SshEndpoint, next: SshEndpoint): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new PluginError(
      `timed out after ${next.connectTimeoutMs / 1000}s asking ${hopEndpoint.label} to connect to ${next.host}:${next.port} for ${next.label}`,
      ExitCode.couldNotCheck, unreachableHint(next))), next.connectTimeoutMs);
    hop.forwardOut('127.0.0.1', 0, next.host, next.port, (error, channel) => {
      clearTimeout(timer);
      if (error) {
        reject(new PluginError(`${hopEndpoint.label} could not connect to ${next.label} at ${next.host}:${next.port}: ${error.message}`,
          ExitCode.couldNotCheck, `${unreachableHint(next)}; the jump host's sshd must allow TCP forwarding (AllowTcpForwarding)`, { cause: error }));
      } else {
        resolve(channel);
      }
    });
  });
}

function unreachableHint(endpoint: SshEndpoint): string {
  return `check that ${endpoint.host} is reachable from here and sshd listens on port ${endpoint.port}; ` +
    'reach nodes behind a bastion with --ssh-jump, pick another address with --node-address-type or --node-address, ' +
    'or wait longer with --ssh-connect-timeout';
}

const allHostKeyAlgorithms: ServerHostKeyAlgorithm[] = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

/** Like OpenSSH, ask first for a key type known_hosts already has, so a known host is not "unknown" for another type. */
export function hostKeyAlgorithmsPreferring(knownTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const algorithmsFor = (type: string): ServerHostKeyAlgorithm[] =>
    type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : allHostKeyAlgorithms.filter((algorithm) => algorithm === type);
  const preferred = knownTypes.flatMap(algorithmsFor);
  return [...preferred, ...allHostKeyAlgorithms.filter((algorithm) => !preferred.includes(algorithm))];
}
