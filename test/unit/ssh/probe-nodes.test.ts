import { PluginError } from '../../../shared/cli/errors.js';
import { forEachNode } from '../../../shared/ssh/probe-nodes.js';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> => new Promise((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => {
    clearTimeout(timer);
    reject(signal.reason);
  });
});

describe('forEachNode', () => {
  it('keeps the order of the nodes and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const outcomes = await forEachNode(['a', 'b', 'c', 'd', 'e'], 2, async (node) => {
      running++;
      peak = Math.max(peak, running);
      await sleep(node === 'a' ? 40 : 5);
      running--;
      return node.toUpperCase();
    });
    expect(outcomes.map((outcome) => (outcome.ok ? outcome.value : outcome.error.message))).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(peak).toBe(2);
  });

  it('turns a failing node into an error outcome that names it', async () => {
    const outcomes = await forEachNode([{ metadata: { name: 'w1' } }, { metadata: { name: 'w2' } }], 4, async (node) => {
      if (node.metadata.name === 'w1') throw new Error('connection refused');
      return 'fine';
    });
    expect(outcomes[0]).toMatchObject({ name: 'w1', ok: false });
    expect(!outcomes[0]!.ok && outcomes[0]!.error.message).toBe('node w1: connection refused');
    expect(outcomes[1]).toMatchObject({ name: 'w2', ok: true, value: 'fine' });
  });

  it('does not let a hanging node hold up the others, and aborts it', async () => {
    let aborted = false;
    const started = Date.now();
    const outcomes = await forEachNode(['stuck', 'quick1', 'quick2'], 2, async (node, signal) => {
      if (node !== 'stuck') return 'ok';
      signal.addEventListener('abort', () => { aborted = true; });
      return new Promise<string>(() => undefined); // never settles, like a dead TCP peer
    }, { timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcomes[0]!.ok).toBe(false);
    expect(!outcomes[0]!.ok && outcomes[0]!.error).toBeInstanceOf(PluginError);
    expect(!outcomes[0]!.ok && outcomes[0]!.error.message).toBe('node stuck did not answer within 0.1s');
    expect(outcomes.slice(1).every((outcome) => outcome.ok)).toBe(true);
    expect(aborted).toBe(true);
  });

  it('returns nothing for no nodes', async () => {
    await expect(forEachNode([], 3, async () => 1)).resolves.toEqual([]);
  });
});
