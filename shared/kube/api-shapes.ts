import type { Shape } from './kube-client.js';

// The shapes API reads are checked against where they are read (KubeSession.getJson): only what our code
// relies on, so a wrong answer is an error naming the request instead of a TypeError later.

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One object (a pod, a node, a config map): a JSON object with a metadata object. */
export function objectShape<T>(kind: string): Shape<T> {
  return (value) => {
    if (!isRecord(value)) return `expected a ${kind} object, got ${describe(value)}`;
    if (!isRecord(value.metadata)) return `the ${kind} has no metadata object`;
    if (typeof value.metadata.name !== 'string' || value.metadata.name === '') return `the ${kind} has no metadata.name`;
    return undefined;
  };
}

export interface ListPage<T> {
  items: T[];
  metadata?: { continue?: string; resourceVersion?: string };
}

/** A list page: items is an array of objects; metadata.continue, when there, a string. */
export function listShape<T>(kind: string): Shape<ListPage<T>> {
  return (value) => {
    if (!isRecord(value)) return `expected a ${kind} list, got ${describe(value)}`;
    if (!Array.isArray(value.items)) return `the ${kind} list has no items array (items is ${describe(value.items)})`;
    const bad = value.items.findIndex((item) => !isRecord(item));
    if (bad >= 0) return `item ${bad} of the ${kind} list is ${describe(value.items[bad])}, not an object`;
    if (value.metadata !== undefined && !isRecord(value.metadata)) return `the ${kind} list's metadata is ${describe(value.metadata)}`;
    const next = isRecord(value.metadata) ? value.metadata.continue : undefined;
    if (next !== undefined && typeof next !== 'string') return `the ${kind} list's continue token is ${describe(next)}, not a string`;
    return undefined;
  };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${value.length} chars)`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value).slice(0, 20)}`;
}
