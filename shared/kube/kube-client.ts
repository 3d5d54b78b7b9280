import fs from 'node:fs';
import os from 'node:os';
import type { KubeConfig } from '@kubernetes/client-node';
import { PluginError, ExitCode, UsageError } from '../cli/errors.js';
import { humanizeApiError, type ApiAction } from './api-errors.js';
import { parseDuration, type KubeFlags } from './kube-options.js';
import { resolveKubeconfigSource } from './kubeconfig-sources.js';

/** A loaded kubeconfig plus the one way every API call is made. */
export interface KubeSession {
  config: KubeConfig;
  server: string;
  user?: string;
  context?: string;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  /** Runs an API call with the request timeout, turning failures into KubeApiError. */
  call<T>(action: ApiAction, request: () => Promise<T>): Promise<T>;
}

export async function connectKube(flags: KubeFlags, env: NodeJS.ProcessEnv = process.env): Promise<KubeSession> {
  const source = resolveKubeconfigSource({ flag: flags.kubeconfig, env, home: os.homedir(), exists: fs.existsSync });
  if (source.kind === 'none') {
    throw new PluginError(`no kubeconfig found: looked for ${source.lookedFor.join(', ')}`, ExitCode.couldNotCheck,
      'pass --kubeconfig FILE, set KUBECONFIG, or run inside a pod with a service account');
  }
  const timeoutMs = flags.requestTimeout === undefined ? 0 : parseDuration(flags.requestTimeout);
  if (timeoutMs === undefined) {
    throw new UsageError(`--request-timeout must be a duration like 30s, 1m or 0, got "${flags.requestTimeout}"`);
  }
  const { KubeConfig } = await import('@kubernetes/client-node');
  const config = new KubeConfig();
  try {
    if (source.kind === 'in-cluster') {
      config.loadFromCluster();
    } else {
      config.loadFromFile(source.files[0]!);
      for (const file of source.files.slice(1)) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more, true);
      }
    }
  } catch (error) {
    const where = source.kind === 'files' ? source.files.join(', ') : 'the in-cluster service account';
    throw new PluginError(`cannot load kubeconfig from ${where}: ${(error as Error).message}`, ExitCode.couldNotCheck,
      'check that the file is a valid kubeconfig (kubectl config view)', { cause: error });
  }
  if (flags.context) {
    if (!config.getContextObject(flags.context)) {
      const known = config.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new UsageError(`context "${flags.context}" does not exist in the kubeconfig (known: ${known})`,
        'list them with: kubectl config get-contexts');
    }
    config.setCurrentContext(flags.context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) {
    throw new PluginError('the kubeconfig has no current context with a cluster', ExitCode.couldNotCheck,
      'pick one with --context or: kubectl config use-context NAME');
  }
  const contextObject = config.getContextObject(config.getCurrentContext());
  const user = config.getCurrentUser()?.name;
  return {
    config,
    server: cluster.server,
    user,
    context: contextObject?.name,
    namespace: flags.namespace ?? contextObject?.namespace ?? 'default',
    async call(action, request) {
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<never>((_, reject) => {
        if (timeoutMs > 0) timer = setTimeout(() => reject(new DOMException('request timeout', 'TimeoutError')), timeoutMs);
      });
      try {
        return await Promise.race([request(), expired]);
      } catch (error) {
        throw humanizeApiError(error, action, cluster.server, user);
      } finally {
        if (timer) clearTimeout(timer);
      }
    },
  };
}
