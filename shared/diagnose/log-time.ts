/**
 * When a kubelet / runtime log line was written, from the timestamp formats these
 * logs carry. Pure: the year of yearless formats comes from the caller.
 *
 *   klog        I1129 21:50:28.123456   52811 kubelet.go:2163] ...
 *   journald    Nov 29 21:50:28 node-1 kubelet[123]: ...
 *   RFC 3339    time="2026-11-29T21:50:28.123456789Z" level=error ... (containerd, cri-o)
 *               2026-11-29T21:50:28.123+0000 node-1 kubelet[123]: ... (journalctl -o short-iso)
 * Times without a zone are taken as UTC, as kubelets on servers normally log.
 */

const dayMs = 24 * 3600 * 1000;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// dmesg --time-format iso writes the fraction after a comma (2026-11-29T21:50:28,123456+00:00).
const rfc3339 = /(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})([.,]\d+)?(Z|[+-]\d{2}:?\d{2})?/;
const journald = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)? /;
const klog = /(?:^|\s|: )[IWEF](\d{2})(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d+)?\s+\d+ /;

/**
 * Milliseconds since the epoch, or undefined when the line carries no time.
 * `reference` (ms, the node's last Ready transition) supplies the year of klog and
 * journald lines; a yearless time before it moves to the next year when that is still
 * not after `now` (a log spanning New Year).
 */
export function parseLogTime(line: string, reference: number, now?: number): number | undefined {
  const iso = rfc3339.exec(line.slice(0, 200));
  const head = journald.exec(line);
  if (head) return yearless(months.indexOf(head[1]!), head, 2, reference, now);
  if (iso && iso.index <= 40) return isoTime(iso);
  const k = klog.exec(line.slice(0, 120));
  if (k) return yearless(Number(k[1]) - 1, k, 2, reference, now);
  return iso ? isoTime(iso) : undefined;
}

function isoTime(m: RegExpExecArray): number | undefined {
  const zone = m[8] === undefined || m[8] === 'Z' ? 'Z' : m[8].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${(m[7] ?? '').replace(',', '.').slice(0, 4)}${zone}`);
  return Number.isFinite(t) ? t : undefined;
}

/** Day at groups[first], hh:mm:ss(.frac) after it, month given (0-based). */
function yearless(month: number, m: RegExpExecArray, first: number, reference: number, now: number | undefined): number | undefined {
  const [day, hh, mm, ss] = [first, first + 1, first + 2, first + 3].map((i) => Number(m[i]));
  const fraction = Math.floor(Number(m[first + 4] ?? 0) * 1000);
  if (month < 0 || month > 11) return undefined;
  const year = new Date(reference).getUTCFullYear();
  const at = (y: number) => Date.UTC(y, month, day!, hh, mm, ss) + fraction;
  const t = at(year);
  if (now !== undefined && t < reference && at(year + 1) <= now) return at(year + 1);
  // A line is never written after the snapshot (a day of slack for clocks): it is from the year before.
  if (now !== undefined && t > now + dayMs) return at(year - 1);
  return Number.isFinite(t) ? t : undefined;
}
