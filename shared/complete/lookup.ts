import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { readBoundedFileSync } from '../files/bounded-read.js';
import { resolveKubeconfigSource } from '../kube/kubeconfig-sources.js';
import type { LookupScope } from './complete.js';
import { contextNames, planLightAccess, type KubeconfigDoc, type LightAccess } from '../kube/light-kubeconfig.js';

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

const read = (from: { data?: string; file?: string } | undefined, base64: boolean): Buffer | undefined =>
  from?.data !== undefined ? Buffer.from(from.data, base64 ? 'base64' : 'utf8') : from?.file !== undefined ? readBoundedFileSync(from.file) : undefined;

/** GET with the kubeconfig's certificates or token and node:https only. */
function lightGet(access: LightAccess, target: { path: string; accept: string }): Promise<string> {
  const url = new URL(target.path.replace(/^\//, ''), access.server.endsWith('/') ? access.server : `${access.server}/`);
  const token = access.token?.value ?? (access.token?.file !== undefined ? readBoundedFileSync(access.token.file).toString('utf8').trim() : undefined);
  const options: https.RequestOptions = {
    method: 'GET',
    headers: { Accept: target.accept, ...(token !== undefined && { Authorization: `Bearer ${token}` }) },
    ca: read(access.ca, true),
    cert: read(access.cert, true),
    key: read(access.key, true),
    rejectUnauthorized: !access.insecure,
    timeout: completionTimeoutMs,
  };
  return new Promise((resolve, reject) => {
    const request = https.request(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => ((response.statusCode ?? 0) < 300 ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(new Error(`HTTP ${response.statusCode}`))));
    });
    request.on('timeout', () => request.destroy(new Error('timeout')));
    request.on('error', reject);
    request.end();
  });
}

/** The kubeconfig files kubectl would read, parsed; undefined for in-cluster or none. */
function readKubeconfigs(scope: LookupScope): KubeconfigDoc[] | undefined {
  const found = resolveKubeconfigSource({ flag: scope.kubeconfig, env: process.env, home: os.homedir(), exists: fs.existsSync });
  if (found.kind !== 'files') return undefined;
  return found.files.map((file) => ({ dir: path.dirname(file), doc: yaml.load(readBoundedFileSync(file).toString('utf8')) as KubeconfigDoc['doc'] }));
}

/** The same through the client library: exec plugins, auth providers, proxies, in-cluster. */
async function gatherWithClient(source: Exclude<Source, 'contexts'>, scope: LookupScope): Promise<string[]> {
  const [{ connectKube }, { getText }] = await Promise.all([import('../kube/kube-client.js'), import('../kube/raw-get.js')]);
  const session = await connectKube({ ...scope, requestTimeout: `${completionTimeoutMs}ms` });
  const target = apiPath(source, session.namespace, scope.pod);
  return namesFrom(source, await session.call({ verb: 'get', resource: source }, (signal) => getText(session.config, target.path, {}, signal, target.accept)));
}

/**
 * Names for a completion from the cluster or the kubeconfig. Any failure (no
 * kubeconfig, unreachable server, forbidden) yields none: completion stays quiet.
 */
export async function gatherNames(source: Source, scope: LookupScope): Promise<string[]> {
  try {
    const docs = readKubeconfigs(scope);
    if (source === 'contexts') return docs ? contextNames(docs) : [];
    const access = docs ? planLightAccess(docs, scope) : undefined;
    if (!access) return await gatherWithClient(source, scope);
    return namesFrom(source, await lightGet(access, apiPath(source, access.namespace, scope.pod)));
  } catch {
    return [];
  }
}
