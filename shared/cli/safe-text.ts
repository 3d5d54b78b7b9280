/**
 * Text from the cluster, a node or the user, made safe to print on a terminal: control characters
 * (newlines, escape sequences, carriage returns, C1 controls, bidi overrides) become visible
 * escapes, so data can neither start a new line nor rewrite what the terminal shows.
 * Tabs are kept. The one place that does this: every text renderer uses it.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A multi-line text whose line breaks are ours: each line escaped on its own, the breaks kept. */
export function escapeControlPerLine(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}

/** A value echoed in a one-line message: escaped and shortened. */
export function shown(text: string, max = 80): string {
  return escapeControl(text.length > max ? `${text.slice(0, max)}...` : text);
}

/**
 * A copy of plain data (what a text renderer prints) with every string escaped by escapeControl:
 * renderers then put only their own line breaks and colours on the terminal. Linear in the data.
 */
export function escapeDeep<T>(value: T): T {
  if (typeof value === 'string') return escapeControl(value) as T;
  if (Array.isArray(value)) return value.map((item) => escapeDeep(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[escapeControl(key)] = escapeDeep(item);
    return copy as T;
  }
  return value;
}
