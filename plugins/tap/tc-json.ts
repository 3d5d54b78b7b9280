/** Readers of `tc -j qdisc show` and `tc -j filter show` (iproute2 JSON). Pure. */
import { ExitCode, PluginError } from '../../shared/cli/errors.js';

interface TcEntry {
  kind?: string;
  pref?: number;
}

function entries(stdout: string): TcEntry[] {
  const text = stdout.trim();
  if (text === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PluginError(`tc -j printed something that is not JSON: ${(error as Error).message.split('\n')[0]}`, ExitCode.couldNotCheck,
      'iproute2 too old for -j? run tc -j qdisc show on the node by hand', { cause: error });
  }
  if (!Array.isArray(parsed)) throw new PluginError('tc -j printed JSON that is not a list', ExitCode.couldNotCheck);
  return parsed.filter((entry): entry is TcEntry => typeof entry === 'object' && entry !== null);
}

export function hasClsact(qdiscJson: string): boolean {
  return entries(qdiscJson).some((q) => q.kind === 'clsact');
}

/** The same on one device, from `tc -j qdisc show` of every device (entries carry "dev"). */
export function hasClsactOn(qdiscJson: string, dev: string): boolean {
  return entries(qdiscJson).some((q) => q.kind === 'clsact' && (q as { dev?: string }).dev === dev);
}

export function usedPrefs(filterJson: string): Set<number> {
  return new Set(entries(filterJson).flatMap((f) => (typeof f.pref === 'number' ? [f.pref] : [])));
}

/** Our filters' preference: the first from 49152 up that no filter on the device uses in any hook. */
export function freePref(used: Iterable<number>, from = 49152): number {
  const taken = new Set(used);
  let pref = from;
  while (taken.has(pref)) pref++;
  return pref;
}
