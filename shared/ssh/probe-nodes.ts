import { ExitCode, PluginError, asPluginError } from '../cli/errors.js';

/** One node's outcome: its value, or the error that made it fail. Never both, never thrown. */
export type NodeOutcome<N, T> =
  | { node: N; name: string; ok: true; value: T }
  | { node: N; name: string; ok: false; error: PluginError };

export interface ForEachNodeOptions<N> {
  /** Per node; past it the node's outcome is a timeout error and its signal aborts. */
  timeoutMs?: number;
  /** How to name a node in messages; default: the string itself, or metadata.name. */
  nameOf?: (node: N) => string;
}

/**
 * Runs fn for every node, at most `limit` at once, and returns the outcomes
 * in the order of `nodes`. An unreachable or slow node becomes an error
 * outcome and never holds up the others: each call gets an AbortSignal that
 * fires at its timeout, and the runner moves on without waiting for it.
 */
export async function forEachNode<N, T>(
  nodes: readonly N[],
  limit: number,
  fn: (node: N, signal: AbortSignal) => Promise<T>,
  options: ForEachNodeOptions<N> = {},
): Promise<Array<NodeOutcome<N, T>>> {
  const nameOf = options.nameOf ?? defaultName;
  const outcomes = new Array<NodeOutcome<N, T>>(nodes.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < nodes.length) {
      const index = next++;
      const node = nodes[index]!;
      outcomes[index] = await outcomeOf(node, nameOf(node), fn, options.timeoutMs);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, nodes.length)) }, worker));
  return outcomes;
}

async function outcomeOf<N, T>(
  node: N, name: string, fn: (node: N, signal: AbortSignal) => Promise<T>, timeoutMs: number | undefined,
): Promise<NodeOutcome<N, T>> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    timer = setTimeout(() => {
      const error = new PluginError(`node ${name} did not answer within ${timeoutMs / 1000}s`, ExitCode.couldNotCheck,
        'the node may be down or overloaded; the other nodes were checked without it');
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(() => fn(node, controller.signal)), timedOut]);
    return { node, name, ok: true, value };
  } catch (error) {
    const named = error instanceof PluginError ? error : asPluginError(error instanceof Error
      ? new Error(`node ${name}: ${error.message}`, { cause: error }) : `node ${name}: ${String(error)}`);
    return { node, name, ok: false, error: named };
  } finally {
    clearTimeout(timer);
  }
}

function defaultName(node: unknown): string {
  if (typeof node === 'string') return node;
  const name = (node as { metadata?: { name?: string } } | undefined)?.metadata?.name;
  return name ?? String(node);
}
