import fs from 'node:fs';
import os from 'node:os';
import { resolveKubeconfigSource } from '../kube/kubeconfig-sources.js';
import { contextNames } from '../kube/light-kubeconfig.js';
import type { LookupScope } from './complete.js';

/** Completion runs on every Tab: an unreachable cluster must not stall the shell. */
const completionTimeoutMs = 2000;
/** Names only: the API server sends metadata, not whole objects (matters with thousands of pods). */
const metadataOnly = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

type Source = 'pods' | 'nodes' | 'containers' | 'contexts' | 'namespaces';

interface NamedList {
  items?: { metadata?: { name?: string } }[];
}

const names = (text: string): string[] => ((JSON.parse(text) as NamedList).items ?? []).flatMap((i) => (i.metadata?.name ? [i.metadata.name] : []));

function apiPath(source: Exclude<Source, 'contexts'>, namespace: string, pod: string | undefined): { path: string; accept: string } {
  const ns = encodeURIComponent(namespace);
  if (source === 'pods') return { path: `/api/v1/namespaces/${ns}/pods`, accept: metadataOnly };
  if (source === 'nodes') return { path: '/api/v1/nodes', accept: metadataOnly };
  if (source === 'namespaces') return { path: '/api/v1/namespaces', accept: metadataOnly };
  return { path: `/api/v1/namespaces/${ns}/pods/${encodeURIComponent(pod ?? '')}`, accept: 'application/json' };
}

function namesFrom(source: Exclude<Source, 'contexts'>, body: string): string[] {
  if (source !== 'containers') return names(body);
  return ((JSON.parse(body) as { spec?: { containers?: { name: string }[] } }).spec?.containers ?? []).map((c) => c.name);
}

/**
 * Names from the API server. connectKube takes a plain kubeconfig (certificates or a token) without the client
 * library, which costs more than a completion's whole answer may take, and anything else through it.
 */
async function gatherFromCluster(source: Exclude<Source, 'contexts'>, scope: LookupScope): Promise<string[]> {
  const [{ connectKube }, { getText }] = await Promise.all([import('../kube/kube-client.js'), import('../kube/raw-get.js')]);
  const session = await connectKube({ ...scope, requestTimeout: `${completionTimeoutMs}ms` });
  const target = apiPath(source, session.namespace, scope.pod);
  return namesFrom(source, await session.call({ verb: 'get', resource: source }, (signal) => getText(session.config, target.path, {}, signal, target.accept)));
}

/** The contexts of the kubeconfig files kubectl would read; none for in-cluster or no kubeconfig. */
async function contextsOfKubeconfigs(scope: LookupScope): Promise<string[]> {
  const found = resolveKubeconfigSource({ flag: scope.kubeconfig, env: process.env, home: os.homedir(), exists: fs.existsSync });
  if (found.kind !== 'files') return [];
  const { readKubeconfigDocs } = await import('../kube/kube-client.js');
  return contextNames(readKubeconfigDocs(found.files));
}

/**
 * Names for a completion from the cluster or the kubeconfig. Any failure (no
 * kubeconfig, unreachable server, forbidden) yields none: completion stays quiet.
 */
export async function gatherNames(source: Source, scope: LookupScope): Promise<string[]> {
  try {
    return source === 'contexts' ? await contextsOfKubeconfigs(scope) : await gatherFromCluster(source, scope);
  } catch {
    return [];
  }
}
