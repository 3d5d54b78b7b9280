import type { ClusterSnapshot, Unreadable } from './types.js';

// The fields the diagnosis reads, with the type it relies on. A dump or a server can put anything
// there; a field of the wrong type is removed where it is read (and counted as unreadable data),
// so no rule meets a string where it expects a list. Linear in the snapshot.

type Expect = 'object' | 'string' | 'boolean' | 'number' | 'objects' | 'strings' | 'stringMap';
type Schema = readonly (readonly [string, Expect])[];

const metadata: Schema = [['metadata', 'object'], ['metadata.name', 'string'], ['metadata.namespace', 'string'], ['metadata.uid', 'string'],
  ['metadata.labels', 'stringMap'], ['metadata.annotations', 'stringMap']];

const podSchema: Schema = [...metadata,
  ['spec', 'object'], ['spec.nodeName', 'string'], ['spec.hostNetwork', 'boolean'], ['spec.containers', 'objects'], ['spec.initContainers', 'objects'],
  ['spec.volumes', 'objects'], ['status', 'object'], ['status.phase', 'string'], ['status.reason', 'string'], ['status.message', 'string'],
  ['status.podIP', 'string'], ['status.conditions', 'objects'], ['status.containerStatuses', 'objects'], ['status.initContainerStatuses', 'objects']];
const nodeSchema: Schema = [...metadata,
  ['spec', 'object'], ['spec.podCIDR', 'string'], ['spec.podCIDRs', 'strings'], ['spec.taints', 'objects'],
  ['status', 'object'], ['status.conditions', 'objects'], ['status.addresses', 'objects'], ['status.nodeInfo', 'object']];
const eventSchema: Schema = [...metadata, ['involvedObject', 'object'], ['involvedObject.kind', 'string'], ['involvedObject.name', 'string'],
  ['involvedObject.namespace', 'string'], ['reason', 'string'], ['message', 'string'], ['type', 'string'], ['count', 'number']];
const daemonSetSchema: Schema = [...metadata, ['spec', 'object'], ['status', 'object']];
const configMapSchema: Schema = [...metadata, ['data', 'stringMap']];

/** Inside lists of objects, the fields of each element. */
const elementSchemas: Record<string, Schema> = {
  'spec.containers': [['name', 'string'], ['command', 'strings'], ['args', 'strings'], ['image', 'string'], ['volumeMounts', 'objects']],
  'spec.initContainers': [['name', 'string'], ['command', 'strings'], ['args', 'strings']],
  'spec.volumes': [['name', 'string'], ['hostPath', 'object']],
  'status.conditions': [['type', 'string'], ['status', 'string'], ['reason', 'string'], ['message', 'string']],
  'status.containerStatuses': [['name', 'string'], ['ready', 'boolean'], ['restartCount', 'number'], ['state', 'object'], ['lastState', 'object'], ['containerID', 'string']],
  'status.initContainerStatuses': [['name', 'string'], ['ready', 'boolean'], ['restartCount', 'number'], ['state', 'object'], ['lastState', 'object']],
  'status.addresses': [['type', 'string'], ['address', 'string']],
};

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function fits(value: unknown, expect: Expect): boolean {
  switch (expect) {
    case 'object': return isRecord(value);
    case 'objects': return Array.isArray(value);
    case 'strings': return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'stringMap': return isRecord(value) && Object.values(value).every((v) => typeof v === 'string');
    default: return typeof value === expect;
  }
}

/** Removes wrong-typed fields of one object, adding their paths to `removed`. */
function clean(object: Record<string, unknown>, schema: Schema, removed: Set<string>, prefix = ''): void {
  for (const [fieldPath, expect] of schema) {
    const parts = fieldPath.split('.');
    const key = parts.pop()!;
    let parent: unknown = object;
    for (const part of parts) parent = isRecord(parent) ? parent[part] : undefined;
    if (!isRecord(parent) || !(key in parent) || parent[key] === undefined) continue;
    const value = parent[key];
    if (value === null || !fits(value, expect)) {
      delete parent[key];
      removed.add(prefix + fieldPath);
      continue;
    }
    if (expect === 'objects') {
      const elements = value as unknown[];
      const kept = elements.filter(isRecord);
      if (kept.length !== elements.length) {
        parent[key] = kept;
        removed.add(`${prefix}${fieldPath}[]`);
      }
      const elementSchema = elementSchemas[fieldPath];
      if (elementSchema) for (const element of kept) clean(element, elementSchema, removed, `${prefix}${fieldPath}[].`);
    }
  }
}

/**
 * Removes every field the diagnosis reads that has the wrong type, in place, and describes what it
 * removed as unreadable data (one entry per kind of object), so the verdict never rests on it silently.
 */
export function sanitizeSnapshot(snapshot: ClusterSnapshot): Unreadable[] {
  const problems: Unreadable[] = [];
  const kinds: [string, unknown[], Schema][] = [
    ['pod', snapshot.pods, podSchema], ['node', snapshot.nodes, nodeSchema], ['event', snapshot.events, eventSchema],
    ['daemonset', snapshot.daemonSets, daemonSetSchema], ['config map', snapshot.configMaps, configMapSchema],
  ];
  for (const [kind, objects, schema] of kinds) {
    const removed = new Set<string>();
    let affected = 0;
    for (const object of objects) {
      if (!isRecord(object)) continue;
      const mine = new Set<string>();
      clean(object, schema, mine);
      for (const path of mine) removed.add(path);
      if (mine.size > 0) affected++;
    }
    if (affected > 0) {
      problems.push({ what: `${affected} ${kind} object(s)`, reason: `fields of the wrong type left out: ${[...removed].slice(0, 8).join(', ')}`, kind: 'data' });
    }
  }
  return problems;
}

/**
 * The same checks object by object, for readers that slim objects as they stream them in
 * (slimming first would hide the wrong fields); problems() sums up like sanitizeSnapshot.
 */
export class StreamSanitizer {
  private readonly byKind = new Map<string, { removed: Set<string>; affected: number }>();

  clean(kind: string, object: unknown): void {
    const schema = schemasByKind[kind];
    if (!schema || !isRecord(object)) return;
    const mine = new Set<string>();
    clean(object, schema, mine);
    if (mine.size === 0) return;
    const seen = this.byKind.get(kind) ?? { removed: new Set<string>(), affected: 0 };
    for (const path of mine) seen.removed.add(path);
    seen.affected++;
    this.byKind.set(kind, seen);
  }

  problems(): Unreadable[] {
    return Object.keys(schemasByKind).flatMap((kind) => {
      const seen = this.byKind.get(kind);
      return seen ? [{ what: `${seen.affected} ${kind} object(s)`, reason: `fields of the wrong type left out: ${[...seen.removed].slice(0, 8).join(', ')}`, kind: 'data' as const }] : [];
    });
  }
}

const schemasByKind: Record<string, Schema> = {
  pod: podSchema, node: nodeSchema, event: eventSchema, daemonset: daemonSetSchema, 'config map': configMapSchema,
};
