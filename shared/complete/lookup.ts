import { connectKube } from '../kube/kube-client.js';
import { getText } from '../kube/raw-get.js';
import type { LookupScope } from './complete.js';

/** Completion runs on every Tab: an unreachable cluster must not stall the shell. */
const completionRequestTimeout = '2s';
/** Names only: the API server sends metadata, not whole objects (matters with thousands of pods). */
const metadataOnly = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

interface NamedList {
  items?: { metadata?: { name?: string } }[];
}

const names = (text: string): string[] => ((JSON.parse(text) as NamedList).items ?? []).flatMap((i) => (i.metadata?.name ? [i.metadata.name] : []));

/**
 * Names for a completion from the cluster or the kubeconfig. Any failure (no
 * kubeconfig, unreachable server, forbidden) yields none: completion stays quiet.
 */
export async function gatherNames(source: 'pods' | 'nodes' | 'containers' | 'contexts' | 'namespaces', scope: LookupScope): Promise<string[]> {
  try {
    const session = await connectKube({ ...scope, requestTimeout: completionRequestTimeout });
    if (source === 'contexts') return session.config.getContexts().map((c) => c.name);
    const ns = encodeURIComponent(session.namespace);
    const get = (apiPath: string, accept?: string) => session.call({ verb: 'list', resource: source }, () => getText(session.config, apiPath, {}, undefined, accept));
    if (source === 'pods') return names(await get(`/api/v1/namespaces/${ns}/pods`, metadataOnly));
    if (source === 'nodes') return names(await get('/api/v1/nodes', metadataOnly));
    if (source === 'namespaces') return names(await get('/api/v1/namespaces', metadataOnly));
    const pod = JSON.parse(await get(`/api/v1/namespaces/${ns}/pods/${encodeURIComponent(scope.pod ?? '')}`)) as { spec?: { containers?: { name: string }[] } };
    return (pod.spec?.containers ?? []).map((c) => c.name);
  } catch {
    return [];
  }
}
