import path from 'node:path';

// Loading @kubernetes/client-node costs more than a completion's whole answer
// may take, and a good part of a command's start-up (150 ms on a busy machine).
// The common kubeconfigs (client certificates or a bearer token, files or
// inline data) need only YAML and node:https; anything else (exec or
// auth-provider credentials, proxies, basic auth) goes through the client library.

interface NamedCluster { name?: string; cluster?: Record<string, unknown> }
interface NamedUser { name?: string; user?: Record<string, unknown> }
interface NamedContext { name?: string; context?: { cluster?: string; user?: string; namespace?: string } }
/** One kubeconfig file as parsed YAML, with the directory its relative paths are relative to. */
export interface KubeconfigDoc {
  dir: string;
  doc: { clusters?: NamedCluster[]; users?: NamedUser[]; contexts?: NamedContext[]; 'current-context'?: string } | null | undefined;
}

/** Everything a request needs, with file paths still unread. */
export interface LightAccess {
  context: string;
  /** The context's user, for messages (RBAC errors name it). */
  user?: string;
  server: string;
  namespace: string;
  insecure: boolean;
  ca?: { data?: string; file?: string };
  cert?: { data?: string; file?: string };
  key?: { data?: string; file?: string };
  token?: { value?: string; file?: string };
}

const supportedClusterFields = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions']);
const supportedUserFields = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'extensions']);

/** kubectl's merge: for each name the first file that defines it wins; so does the first current-context. */
function firstNamed<T extends { name?: string }>(docs: KubeconfigDoc[], pick: (d: NonNullable<KubeconfigDoc['doc']>) => T[] | undefined, name: string): { item: T; dir: string } | undefined {
  for (const { dir, doc } of docs) {
    const item = (doc ? pick(doc) ?? [] : []).find((i) => i.name === name);
    if (item) return { item, dir };
  }
  return undefined;
}

export function contextNames(docs: KubeconfigDoc[]): string[] {
  return [...new Set(docs.flatMap(({ doc }) => (doc?.contexts ?? []).flatMap((c) => (c.name ? [c.name] : []))))];
}

/**
 * Pure: the request settings for the chosen context, or undefined when this
 * kubeconfig needs the client library (or names no usable context).
 */
export function planLightAccess(docs: KubeconfigDoc[], flags: { context?: string; namespace?: string }): LightAccess | undefined {
  const current = flags.context ?? docs.map(({ doc }) => doc?.['current-context']).find((c) => c !== undefined && c !== '');
  if (current === undefined) return undefined;
  const context = firstNamed(docs, (d) => d.contexts, current)?.item.context;
  if (!context?.cluster) return undefined;
  const cluster = firstNamed(docs, (d) => d.clusters, context.cluster);
  const user = context.user ? firstNamed(docs, (d) => d.users, context.user) : undefined;
  if (!cluster?.item.cluster || (context.user && !user)) return undefined;
  const c = cluster.item.cluster;
  const u = user?.item.user ?? {};
  if (Object.keys(c).some((k) => !supportedClusterFields.has(k)) || Object.keys(u).some((k) => !supportedUserFields.has(k))) return undefined;
  if (typeof c.server !== 'string' || !c.server.startsWith('https://') || c['tls-server-name'] !== undefined) return undefined;
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const source = (data: unknown, file: unknown, dir: string) => {
    const d = str(data);
    const f = str(file);
    return d !== undefined ? { data: d } : f !== undefined ? { file: path.resolve(dir, f) } : undefined;
  };
  const ca = source(c['certificate-authority-data'], c['certificate-authority'], cluster.dir);
  const cert = source(u['client-certificate-data'], u['client-certificate'], user?.dir ?? '.');
  const key = source(u['client-key-data'], u['client-key'], user?.dir ?? '.');
  const tokenValue = str(u.token);
  const tokenFile = str(u.tokenFile);
  return {
    context: current,
    ...(context.user && { user: context.user }),
    server: c.server,
    namespace: flags.namespace ?? context.namespace ?? 'default',
    insecure: c['insecure-skip-tls-verify'] === true,
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    ...(tokenValue !== undefined ? { token: { value: tokenValue } } : tokenFile !== undefined ? { token: { file: path.resolve(user?.dir ?? '.', tokenFile) } } : {}),
  };
}
