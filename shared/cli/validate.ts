import { parseDuration } from '../kube/kube-options.js';
import { UsageError } from './errors.js';
import { shown } from './safe-text.js';

// Small pure checks the plugins' validate steps are made of. Each throws a UsageError (exit 2)
// naming the flag, before anything is read or contacted.

/** setTimeout's limit (about 24.8 days): a longer timer would fire at once. */
const longestDurationMs = 2_147_483_647;

/** A duration flag like 30s, 5m or 1h2m; `allowZero` for "0: no limit". Returns milliseconds. */
export function checkDuration(flag: string, text: string | undefined, options: { allowZero?: boolean } = {}): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(String(text));
  const example = options.allowZero ? 'like 30s, 5m or 0 for no limit' : 'like 30s or 5m';
  if (ms === undefined || !Number.isFinite(ms)) throw new UsageError(`${flag} must be a duration ${example}, got "${shown(String(text))}"`);
  if (ms === 0 && !options.allowZero) throw new UsageError(`${flag} must be longer than 0, got "${shown(String(text))}"`);
  if (ms > longestDurationMs) throw new UsageError(`${flag} must be at most 24 days, got "${shown(String(text))}"`);
  return ms;
}

/** A string flag that, when given, must not be empty (`--dump ''` must not quietly mean "not given"). */
export function checkNotEmpty(flag: string, value: string | string[] | undefined): void {
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  if (values.some((v) => String(v).trim() === '')) throw new UsageError(`${flag} must not be empty`);
}

/** A flag given once only (yargs turns a repeated string flag into an array). */
export function checkSingle(flag: string, value: unknown): void {
  if (Array.isArray(value)) throw new UsageError(`${flag} was given ${value.length} times; give it once`);
}

/** An integer flag within [min, max]. */
export function checkIntegerRange(flag: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${flag} must be ${min}..${max}, got ${shown(String(value))}`);
}

/** `first` and `second` exclude each other. */
export function checkConflict(first: string, firstGiven: boolean, second: string, secondGiven: boolean, why?: string): void {
  if (firstGiven && secondGiven) throw new UsageError(`${first} cannot be combined with ${second}${why ? `: ${why}` : ''}`);
}

/** `flag` only means something with `partner`. */
export function checkRequires(flag: string, given: boolean, partner: string, partnerGiven: boolean): void {
  if (given && !partnerGiven) throw new UsageError(`${flag} only works with ${partner}`);
}
