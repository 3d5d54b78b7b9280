import { ListItemSplitter } from '../../../shared/json/list-items.js';

/** Feeds `text` in chunks of the given sizes (cycled) and returns the parsed items and the rest. */
function split(text: string, chunkSizes: number[] = [1 << 16]): { items: unknown[]; rest: unknown } {
  const items: unknown[] = [];
  const splitter = new ListItemSplitter((item) => items.push(item), 0);
  const bytes = Buffer.from(text, 'utf8');
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const size = Math.max(1, chunkSizes[k % chunkSizes.length]!);
    splitter.push(bytes.subarray(at, at + size));
    at += size;
  }
  return { items, rest: splitter.end() };
}

/** A small deterministic generator (mulberry32), so the random cases are the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const awkwardStrings = ['', 'a"b', 'back\\slash', '\\', '\\\\"', 'items', '{[}]', ',', 'é ü 日本 🎉', '\u0000\u001f', '"items": ['];

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 3 || pick < 0.3) return awkwardStrings[Math.floor(next() * awkwardStrings.length)];
  if (pick < 0.4) return Math.floor(next() * 1e6) / 100;
  if (pick < 0.45) return [true, false, null][Math.floor(next() * 3)];
  if (pick < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) object[awkwardStrings[Math.floor(next() * awkwardStrings.length)]! + i] = randomValue(next, depth + 1);
  return object;
}

describe('ListItemSplitter', () => {
  it('gives each item and the list without its items', () => {
    const list = { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '7', continue: 'abc' }, items: [{ a: 1 }, { b: [2, { c: '}' }] }] };
    expect(split(JSON.stringify(list))).toEqual({ items: list.items, rest: { ...list, items: [] } });
    expect(split(JSON.stringify(list, null, 4), [1])).toEqual({ items: list.items, rest: { ...list, items: [] } });
  });

  it('finds the true end when the printed join of items also appears inside an item', () => {
    const list = { items: [{ a: [{ a: 1 }, { a: 2 }], b: '},{"a":' }, { a: 3 }, { a: [{ a: { a: 4 } }, { a: 5 }] }] };
    for (const indent of [0, 2, 4]) expect(split(JSON.stringify(list, null, indent))).toEqual({ items: list.items, rest: { items: [] } });
  });

  it('passes scalar items through for the caller to judge', () => {
    expect(split('{"items": [1, "x,]", null , {"a":[]}, [3]] }', [2, 3])).toEqual({ items: [1, 'x,]', null, { a: [] }, [3]], rest: { items: [] } });
  });

  it('leaves documents without a top-level items array whole', () => {
    expect(split('{"kind":"items","x":{"items":[1,2]},"items":5}')).toEqual({ items: [], rest: { kind: 'items', x: { items: [1, 2] }, items: 5 } });
    expect(split('[{"items":[1]}]')).toEqual({ items: [], rest: [{ items: [1] }] });
  });

  it('passes top-level scalars through, and refuses what cannot start a JSON value at once', () => {
    expect(split('null')).toEqual({ items: [], rest: null });
    expect(split(' 7 ', [1])).toEqual({ items: [], rest: 7 });
    expect(() => split('\u0000\u0000{}')).toThrow(SyntaxError);
  });

  it('rejects a document cut short', () => {
    const splitter = new ListItemSplitter(() => {});
    splitter.push(Buffer.from('{"items":[{"a":"b'));
    expect(() => splitter.end()).toThrow(SyntaxError);
  });

  it('refuses an item that never ends instead of holding it', () => {
    const splitter = new ListItemSplitter(() => {});
    splitter.push(Buffer.from('{"items":[{"a":"'));
    const filler = Buffer.alloc(1 << 20, 0x61);
    expect(() => { for (let i = 0; i < 80; i++) splitter.push(filler); }).toThrow(RangeError);
  });

  it('agrees with JSON.parse on 2,000 random lists cut into random chunks', () => {
    const next = random(20261129);
    for (let round = 0; round < 2000; round++) {
      const list = { kind: randomValue(next, 3), metadata: randomValue(next, 1), items: Array.from({ length: Math.floor(next() * 6) }, () => randomValue(next, 1)) };
      const text = JSON.stringify(list, null, next() < 0.5 ? 0 : 2);
      const sizes = Array.from({ length: 5 }, () => 1 + Math.floor(next() * 12));
      expect(split(text, sizes)).toEqual({ items: list.items, rest: { ...list, items: [] } });
    }
  });

  it('splits 200,000 items without recursion or quadratic copying', () => {
    const count = 200_000;
    const text = `{"kind":"PodList","items":[${Array.from({ length: count }, (_, i) => `{"metadata":{"name":"p${i}"}}`).join(',')}]}`;
    let seen = 0;
    let last: unknown;
    const splitter = new ListItemSplitter((item) => { seen++; last = item; });
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 65536) splitter.push(bytes.subarray(at, at + 65536));
    expect(splitter.end()).toEqual({ kind: 'PodList', items: [] });
    expect(seen).toBe(count);
    expect(last).toEqual({ metadata: { name: `p${count - 1}` } });
  });
});
