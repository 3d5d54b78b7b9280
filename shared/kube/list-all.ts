import type { V1Pod } from '@kubernetes/client-node';
import { ListItemSplitter } from '../json/list-items.js';
import { KubeApiError, type ApiAction } from './api-errors.js';
import type { KubeSession } from './kube-client.js';
import { getStream, type Query } from './raw-get.js';

/** A server that always answers with a continue token must not keep us listing forever. */
export const maxListPages = 2_000;
/** Beyond this many objects in one list the answer is not a cluster we can diagnose in memory. */
export const maxListItems = 2_000_000;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Every item of a list. The first request asks for resourceVersion=0: the API server
 * answers from its watch cache instead of reading etcd, several times faster and
 * lighter for it, and as fresh as a diagnosis needs (the cache trails etcd by
 * milliseconds). A 1.20 server then ignores `limit` and sends the whole list in one
 * answer; servers that page anyway are followed through their continue tokens.
 * Each answer is parsed while it streams and each item passed through `each` (which
 * may slim it) at once, so the raw list is never held. Shapes are checked as they
 * arrive: an item that is not an object, or a list without an items array, is an
 * error naming the request. Ends with a clear error when the server repeats a
 * continue token, pages past maxListPages or returns more than maxListItems objects.
 */
export async function listAll<T = V1Pod>(kube: KubeSession, action: ApiAction, apiPath: string,
  options: { pageSize?: number; query?: Query; each?: (item: T) => T; abandoned?: () => boolean } = {}): Promise<T[]> {
  const { pageSize = 5000, query = {}, each = (item: T) => item, abandoned = () => false } = options;
  const items: T[] = [];
  const seenTokens = new Set<string>();
  let request: Query = { ...query, resourceVersion: '0', limit: pageSize };
  for (let pages = 1; ; pages++) {
    const next = await readPage<T>(kube, action, apiPath, request, (item) => {
      if (items.length >= maxListItems) throw new KubeApiError(`listing ${action.resource} returned more than ${maxListItems} objects; giving up`, undefined);
      items.push(each(item));
    });
    if (next === undefined) return inNameOrder(items);
    if (seenTokens.has(next)) {
      throw new KubeApiError(`the API server at ${kube.server} repeated a continue token while listing ${action.resource}: the list never ends`, undefined);
    }
    seenTokens.add(next);
    if (pages >= maxListPages) {
      throw new KubeApiError(`listing ${action.resource} did not end after ${maxListPages} pages of ${pageSize}; giving up`, undefined,
        'is the API server answering with a continue token forever?');
    }
    // A read beside this one failed: the caller has given up, so stop paging.
    if (abandoned()) throw new KubeApiError(`listing ${action.resource} abandoned: another read failed`, undefined);
    request = { ...query, limit: pageSize, continue: next };
  }
}

const keyOf = (item: unknown): string => {
  const metadata = (item as { metadata?: { namespace?: unknown; name?: unknown } }).metadata;
  return `${typeof metadata?.namespace === 'string' ? metadata.namespace : ''}/${typeof metadata?.name === 'string' ? metadata.name : ''}`;
};

/**
 * The watch cache of older API servers answers in hash-map order, so the same cluster would
 * list (and print) differently from one run to the next; etcd's order is namespace/name.
 */
export function inNameOrder<T>(items: T[]): T[] {
  let sorted = true;
  for (let i = 1; i < items.length && sorted; i++) sorted = keyOf(items[i - 1]) <= keyOf(items[i]);
  if (sorted) return items;
  return items.map((item) => ({ key: keyOf(item), item })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((entry) => entry.item);
}

/** One answer of a list, streamed: items go to `onItem`; returns the continue token, if any. */
async function readPage<T>(kube: KubeSession, action: ApiAction, apiPath: string, query: Query, onItem: (item: T) => void): Promise<string | undefined> {
  const kind = action.resource;
  const wrongShape = (problem: string) => new KubeApiError(`the API server at ${kube.server} answered GET ${apiPath} with JSON of the wrong shape: ${problem}`,
    undefined, 'is the kubeconfig\'s server really a Kubernetes API server of a supported version?');
  let index = 0;
  const splitter = new ListItemSplitter((item) => {
    if (!isRecord(item)) throw wrongShape(`item ${index} of the ${kind} list is ${describe(item)}, not an object`);
    index++;
    onItem(item as T);
  });
  let page: unknown;
  try {
    page = await kube.call(action, async (signal) => {
      await getStream(kube.config, apiPath, query, (chunk) => splitter.push(chunk), signal);
      return splitter.end();
    });
  } catch (error) {
    const cause = error instanceof KubeApiError ? error.cause : error;
    if (cause instanceof SyntaxError || cause instanceof RangeError) {
      throw new KubeApiError(`the API server at ${kube.server} answered GET ${apiPath} with something that is not JSON (${cause.message})`, undefined,
        'is the kubeconfig\'s server really a Kubernetes API server (not a proxy or a login page)?');
    }
    if (cause instanceof KubeApiError) throw cause;
    throw error;
  }
  if (!isRecord(page)) throw wrongShape(`expected a ${kind} list, got ${describe(page)}`);
  if (!Array.isArray(page.items)) throw wrongShape(`the ${kind} list has no items array (items is ${describe(page.items)})`);
  if (page.metadata !== undefined && !isRecord(page.metadata)) throw wrongShape(`the ${kind} list's metadata is ${describe(page.metadata)}`);
  const next = isRecord(page.metadata) ? page.metadata.continue : undefined;
  if (next !== undefined && typeof next !== 'string') throw wrongShape(`the ${kind} list's continue token is ${describe(next)}, not a string`);
  return next || undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${value.length} chars)`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 20)}`;
}
