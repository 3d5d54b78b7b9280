import { UsageError } from '../cli/errors.js';
import { shown } from '../cli/safe-text.js';
import { checkDuration, checkNotEmpty, checkSingle } from '../cli/validate.js';
/** The kubectl connection flags every plugin takes (genericclioptions' subset). */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  requestTimeout?: string;
}

/** kubectl's --request-timeout: "0" (none), a bare number of seconds, or 1h2m3s / 500ms. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    total += Number(m[1]) * unit;
    matched = re.lastIndex;
  }
  return matched === trimmed.length && matched > 0 ? total : undefined;
}

// A namespace name is a DNS-1123 label (what the API server accepts), so a typo fails here, not as a 404.
const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The validate step for the kubectl flags: pure, before any kubeconfig is read. */
export function validateKubeFlags(flags: KubeFlags): void {
  for (const [flag, value] of [['--kubeconfig', flags.kubeconfig], ['--context', flags.context], ['--namespace', flags.namespace], ['--request-timeout', flags.requestTimeout]] as const) {
    checkSingle(flag, value);
    checkNotEmpty(flag, value);
  }
  if (flags.namespace !== undefined && !namespacePattern.test(flags.namespace)) {
    throw new UsageError(`--namespace must be a namespace name (lowercase letters, digits and "-", at most 63), got "${shown(flags.namespace)}"`);
  }
  checkDuration('--request-timeout', flags.requestTimeout, { allowZero: true });
}
