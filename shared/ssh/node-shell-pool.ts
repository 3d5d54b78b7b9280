import { PluginError } from '../cli/errors.js';
import { configNamesHost, defaultLocalContext, type LocalContext, type SshConfig } from './ssh-config.js';
import { loadSshConfig } from './ssh-config-file.js';
import { connectThrough } from './ssh-connect.js';
import { planConnection } from './ssh-endpoint.js';
import { silentLog, type SshLog } from './ssh-log.js';
import type { SshOptions } from './ssh-options.js';
import { nodeName, pickNodeAddress, type NodeLike, type NodeTarget } from './node-address.js';
import { SshNodeShell, type NodeShell } from './node-shell.js';

export interface PoolContext {
  env?: NodeJS.ProcessEnv;
  log?: SshLog;
  /** Home directory and local user name; tests point these elsewhere. */
  local?: LocalContext;
}

const viaPodHint = 'without SSH to the nodes: --via pod (a short-lived helper pod per node, over pods/exec)';

/** A failed SSH connection's error, its hint also naming the way without SSH. */
function withoutSshHint(error: unknown): unknown {
  if (!(error instanceof PluginError) || error.hint?.includes('--via pod')) return error;
  return new PluginError(error.message, error.exitCode, error.hint ? `${error.hint}; or, ${viaPodHint}` : viaPodHint, { cause: error.cause ?? error });
}

/**
 * One SSH connection per node per run: the first shell() for a node
 * connects, later ones share it; closeAll() at the end of the run. A failed
 * connection is remembered, so a dead node costs one timeout, not one per
 * command. A connection that drops later is reopened on the next shell().
 */
export class NodeShellPool {
  readonly via = 'ssh' as const;
  private readonly shells = new Map<string, Promise<NodeShell>>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: SshLog;
  private readonly local: LocalContext;
  private loadedConfig?: SshConfig;

  constructor(private readonly options: SshOptions, context: PoolContext = {}) {
    this.env = context.env ?? process.env;
    this.log = context.log ?? silentLog;
    this.local = context.local ?? defaultLocalContext();
  }

  /** The ssh config, read on first use; its notes (skipped Match blocks...) go to the debug log. */
  get config(): SshConfig {
    if (this.loadedConfig === undefined) {
      this.loadedConfig = loadSshConfig(this.options.sshConfigFile, { homeDir: this.local.homeDir, explicit: this.options.sshConfigExplicit });
      this.loadedConfig.notes.forEach((note) => this.log.debug(note));
    }
    return this.loadedConfig;
  }

  /** Where this node would be reached, without connecting (for --dry-run style output). */
  targetFor(node: NodeLike): NodeTarget {
    const config = this.config;
    return pickNodeAddress(node, this.options.nodeAddressType, this.options.nodeAddresses, (alias) => configNamesHost(config, alias));
  }

  /** An --node-address override or an ssh config Host entry named like the node: no Node addresses needed. */
  reachableByName(node: string): boolean {
    return this.options.nodeAddresses.has(node) || configNamesHost(this.config, node);
  }

  describe(node: NodeLike): string {
    const target = this.targetFor(node);
    return `SSH to ${target.connectTo} (address from ${target.source})`;
  }

  shell(node: NodeLike): Promise<NodeShell> {
    // A node that could not be reached stays unreachable for this run: every step gets the same error at once.
    return shellPerNode(this.shells, node, () => this.connect(node), { retryAfterFailure: false });
  }

  private async connect(node: NodeLike): Promise<NodeShell> {
    const target = this.targetFor(node);
    this.log.debug(`node ${target.node}: connecting to ${target.connectTo} (address from ${target.source})`);
    const endpoints = planConnection(target.node, target.connectTo, { config: this.config, options: this.options, local: this.local, env: this.env });
    const connection = await connectThrough(endpoints, {
      homeDir: this.local.homeDir, insecureSkipHostKeyCheck: this.options.insecureSkipHostKeyCheck, log: this.log,
    }).catch((error: unknown) => {
      throw withoutSshHint(error);
    });
    const pooled = this.shells.get(target.node);
    connection.client.once('close', () => {
      if (this.shells.get(target.node) === pooled) this.shells.delete(target.node);
    });
    return new SshNodeShell(target.node, connection);
  }

  /** Closes every connection, including ones still being opened. */
  async closeAll(): Promise<void> {
    const pending = [...this.shells.values()];
    this.shells.clear();
    await Promise.all(pending.map((shell) => shell.then((open) => open.close(), () => undefined)));
  }
}

/**
 * The one shell of a node, started on first use and shared by every later caller; with
 * retryAfterFailure a failed start is forgotten, so the next caller tries again.
 */
export function shellPerNode<S>(shells: Map<string, Promise<S>>, node: NodeLike, start: (name: string) => Promise<S>,
  { retryAfterFailure }: { retryAfterFailure: boolean }): Promise<S> {
  let name: string;
  try {
    name = nodeName(node);
  } catch (error) {
    return Promise.reject(error);
  }
  let shell = shells.get(name);
  if (shell === undefined) {
    shell = start(name);
    shells.set(name, shell);
    if (retryAfterFailure) shell.catch(() => shells.delete(name));
  }
  return shell;
}
