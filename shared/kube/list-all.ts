import type { V1Pod } from '@kubernetes/client-node';
import { KubeApiError, type ApiAction } from './api-errors.js';
import { listShape } from './api-shapes.js';
import type { KubeSession } from './kube-client.js';
import type { Query } from './raw-get.js';

/** A server that always answers with a continue token must not keep us listing forever. */
export const maxListPages = 2_000;
/** Beyond this many objects in one list the answer is not a cluster we can diagnose in memory. */
export const maxListItems = 2_000_000;

/**
 * Every item of a list, page by page (`limit` items a request), each page checked for shape.
 * Ends with a clear error when the server repeats a continue token, pages past maxListPages or
 * returns more than maxListItems objects. `each` may slim items as they arrive.
 */
export async function listAll<T = V1Pod>(kube: KubeSession, action: ApiAction, apiPath: string,
  options: { pageSize?: number; query?: Query; each?: (item: T) => T; signal?: AbortSignal } = {}): Promise<T[]> {
  const { pageSize = 500, query = {}, each = (item: T) => item, signal } = options;
  const items: T[] = [];
  const seenTokens = new Set<string>();
  let next: string | undefined;
  let pages = 0;
  do {
    // A sibling read failed: the run is over, stop asking for more pages.
    signal?.throwIfAborted();
    const page = await kube.getJson(action, apiPath, listShape<T>(action.resource), { ...query, limit: pageSize, continue: next });
    for (const item of page.items) items.push(each(item));
    next = page.metadata?.continue || undefined;
    pages++;
    if (next !== undefined && seenTokens.has(next)) {
      throw new KubeApiError(`the API server at ${kube.server} repeated a continue token while listing ${action.resource}: the list never ends`, undefined);
    }
    if (next !== undefined) seenTokens.add(next);
    if (pages >= maxListPages && next) {
      throw new KubeApiError(`listing ${action.resource} did not end after ${maxListPages} pages of ${pageSize}; giving up`, undefined,
        'is the API server answering with a continue token forever?');
    }
    if (items.length > maxListItems) throw new KubeApiError(`listing ${action.resource} returned more than ${maxListItems} objects; giving up`, undefined);
  } while (next);
  return items;
}
