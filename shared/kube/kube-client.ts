import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import yaml from 'js-yaml';
import { PluginError, ExitCode, UsageError } from '../cli/errors.js';
import { humanizeApiError, KubeApiError, type ApiAction } from './api-errors.js';
import { getText, type Query, type RequestConfig } from './raw-get.js';
import { maxConfigFileBytes, readBoundedFileSync } from '../files/bounded-read.js';
import { parseDuration, type KubeFlags } from './kube-options.js';
import { resolveKubeconfigSource, type KubeconfigSource } from './kubeconfig-sources.js';
import { planLightAccess, type KubeconfigDoc, type LightAccess } from './light-kubeconfig.js';

/** A loaded kubeconfig plus the one way every API call is made. */
export interface KubeSession {
  /** What every request reads the server, TLS material and credentials from. */
  config: RequestConfig;
  /** The client library's KubeConfig (loaded on first use: pods/exec needs it, nothing else does). */
  clientConfig(): Promise<KubeConfig>;
  server: string;
  user?: string;
  context?: string;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  /**
   * Runs an API call with the request timeout, turning failures into KubeApiError. The signal aborts the
   * request (and closes its socket) at the deadline, so a server that never answers cannot keep us running.
   */
  call<T>(action: ApiAction, request: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** GET apiPath as JSON, checked for shape: what does not fit is an error naming the request (exit 3). */
  getJson<T>(action: ApiAction, apiPath: string, shape: Shape<T>, query?: Query): Promise<T>;
}

/** Checks a parsed value; returns what is wrong with it, or undefined when it fits. */
export type Shape<T> = ((value: unknown) => string | undefined) & { readonly _type?: T };

/** Without --request-timeout each request still ends: kubectl's own client gives up on a silent server too. */
export const defaultRequestTimeoutMs = 60_000;

export async function connectKube(flags: KubeFlags, env: NodeJS.ProcessEnv = process.env): Promise<KubeSession> {
  const source = resolveKubeconfigSource({ flag: flags.kubeconfig, env, home: os.homedir(), exists: fs.existsSync });
  if (source.kind === 'none') {
    throw new PluginError(`no kubeconfig found: looked for ${source.lookedFor.join(', ')}`, ExitCode.couldNotCheck,
      'pass --kubeconfig FILE, set KUBECONFIG, or run inside a pod with a service account');
  }
  const timeoutMs = flags.requestTimeout === undefined ? defaultRequestTimeoutMs : parseDuration(flags.requestTimeout);
  if (timeoutMs === undefined) {
    throw new UsageError(`--request-timeout must be a duration like 30s, 1m or 0, got "${flags.requestTimeout}"`);
  }
  if (source.kind === 'files') for (const file of source.files) checkSmallFile(file, 'kubeconfig');
  // A plain kubeconfig (certificates or a token) needs no client library: it is a good part of our start-up.
  const light = source.kind === 'files' ? planLightAccess(readKubeconfigDocs(source.files), flags) : undefined;
  let clientConfig: Promise<KubeConfig> | undefined;
  const loadClientConfig = (): Promise<KubeConfig> => (clientConfig ??= loadWithClient(source, flags));
  let target: { config: RequestConfig; server: string; user?: string; context?: string; namespace: string };
  if (light) {
    target = { config: lightRequestConfig(light), server: light.server, ...(light.user && { user: light.user }), context: light.context, namespace: light.namespace };
  } else {
    const config = await loadClientConfig();
    const contextObject = config.getContextObject(config.getCurrentContext());
    target = { config, server: config.getCurrentCluster()!.server, user: config.getCurrentUser()?.name, context: contextObject?.name,
      namespace: flags.namespace ?? contextObject?.namespace ?? 'default' };
  }
  const { config, server, user } = target;
  return {
    ...target,
    clientConfig: loadClientConfig,
    call,
    async getJson<T>(action: ApiAction, apiPath: string, shape: Shape<T>, query: Query = {}): Promise<T> {
      const text = await call(action, (signal) => getText(config, apiPath, query, signal));
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new KubeApiError(`the API server at ${server} answered GET ${apiPath} with something that is not JSON (${text.length} bytes)`, undefined,
          'is the kubeconfig\'s server really a Kubernetes API server (not a proxy or a login page)?');
      }
      const wrong = shape(value);
      if (wrong !== undefined) {
        throw new KubeApiError(`the API server at ${server} answered GET ${apiPath} with JSON of the wrong shape: ${wrong}`, undefined,
          'is the kubeconfig\'s server really a Kubernetes API server of a supported version?');
      }
      return value as T;
    },
  };

  async function call<T>(action: ApiAction, request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      if (timeoutMs! > 0) {
        timer = setTimeout(() => {
          const timeout = new DOMException('request timeout', 'TimeoutError');
          controller.abort(timeout);
          reject(timeout);
        }, timeoutMs);
      }
    });
    try {
      return await Promise.race([request(controller.signal), expired]);
    } catch (error) {
      throw humanizeApiError(error, action, server, user);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }
}

/** The kubeconfig files, parsed; none when one is not YAML (the client library then reports it). */
export function readKubeconfigDocs(files: readonly string[]): KubeconfigDoc[] {
  try {
    return files.map((file) => ({ dir: path.dirname(file), doc: yaml.load(readBoundedFileSync(file, maxConfigFileBytes).toString('utf8')) as KubeconfigDoc['doc'] }));
  } catch {
    return [];
  }
}

/**
 * Requests with a plain kubeconfig's certificates or token over node:https, through one
 * keep-alive agent: TLS material is read and parsed once, and connections are reused
 * (the client library makes a new agent, so a new TLS handshake, per request).
 */
function lightRequestConfig(access: LightAccess): RequestConfig {
  const read = (from: { data?: string; file?: string } | undefined, what: string): Buffer | undefined => {
    if (from?.data !== undefined) return Buffer.from(from.data, 'base64');
    if (from?.file === undefined) return undefined;
    checkSmallFile(from.file, `the kubeconfig's ${what}`);
    return readBoundedFileSync(from.file, maxConfigFileBytes);
  };
  const agent = new https.Agent({
    keepAlive: true, ca: read(access.ca, 'certificate-authority'), cert: read(access.cert, 'client-certificate'), key: read(access.key, 'client-key'),
    rejectUnauthorized: !access.insecure,
  });
  if (access.token?.file !== undefined) checkSmallFile(access.token.file, 'the kubeconfig\'s tokenFile');
  return {
    getCurrentCluster: () => ({ server: access.server }),
    async applyToHTTPSOptions(options: https.RequestOptions): Promise<void> {
      options.agent = agent;
      // A token file is read at each request, as kubectl does: projected tokens are rotated under us.
      const token = access.token?.value ?? (access.token?.file !== undefined ? readBoundedFileSync(access.token.file, maxConfigFileBytes).toString('utf8').trim() : undefined);
      if (token !== undefined) options.headers = { ...options.headers, Authorization: `Bearer ${token}` };
    },
  };
}

/** The kubeconfig through the client library: exec and auth-provider credentials, proxies, in-cluster. */
async function loadWithClient(source: Exclude<KubeconfigSource, { kind: 'none' }>, flags: KubeFlags): Promise<KubeConfig> {
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
    // The loader's first line only: YAML errors quote the file, and a kubeconfig holds secrets.
    throw new PluginError(`cannot load kubeconfig from ${where}: ${(error as Error).message.split('\n')[0]}`, ExitCode.couldNotCheck,
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
  const currentUser = config.getCurrentUser();
  for (const [file, what] of [[cluster.caFile, 'certificate-authority'], [currentUser?.certFile, 'client-certificate'], [currentUser?.keyFile, 'client-key']] as const) {
    if (file) checkSmallFile(file, `the kubeconfig's ${what}`);
  }
  return config;
}

function checkSmallFile(file: string, what: string): void {
  try {
    readBoundedFileSync(file, maxConfigFileBytes);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && what === 'kubeconfig') return; // reported as "no kubeconfig" by the loader
    const reason = error instanceof PluginError ? error.message : (error as Error).message;
    throw new PluginError(`cannot use ${what} ${file}: ${reason}`, ExitCode.couldNotCheck, 'check the path in your kubeconfig (kubectl config view)', { cause: error });
  }
}
