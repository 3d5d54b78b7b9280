/**
 * Splits a JSON document shaped like a Kubernetes list (`{"kind": …, "metadata": {…},
 * "items": [ {…}, {…} ]}`) into its items while the bytes arrive, so that a list of
 * any size is never held as one string (V8 caps strings at ~512 MiB) and each item
 * can be slimmed before the next one is read. Each item's JSON text goes to
 * `onItem`; `end()` returns the rest of the document, parsed, with `items: []`.
 *
 * It only finds where items start and end (strings, escapes, nesting); JSON.parse
 * judges the syntax of each item and of the rest. Work is linear in the bytes.
 */
export class ListItemSplitter {
  /** Open objects and arrays around the current byte. */
  private depth = 0;
  private inString = false;
  /** The previous chunk ended inside a string on an unescaped backslash. */
  private escaped = false;
  /** The last string that ended at depth 1 (the key before a value). */
  private lastTopLevelString = '';
  private topLevelStringStart = -1;
  private topLevelStringParts: Buffer[] = [];
  /** Inside the top-level "items" array. */
  private inItems = false;
  /** Depth of the current item's outermost container; 0 when no item is open. */
  private itemOpen = false;
  private itemIsScalar = false;
  private itemParts: Buffer[] = [];
  private restParts: Buffer[] = [];
  private itemCount = 0;

  constructor(private readonly onItem: (json: string) => void) {}

  get items(): number {
    return this.itemCount;
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let itemStart = this.itemOpen ? 0 : -1;
    let restStart = this.inItems ? -1 : 0;
    if (this.topLevelStringStart !== -1) this.topLevelStringStart = 0;
    let i = 0;
    while (i < n) {
      if (this.inString) {
        const after = this.skipString(chunk, i, n);
        if (after < 0) break;
        this.inString = false;
        i = after;
        if (this.depth === 1 && this.topLevelStringStart !== -1) {
          this.topLevelStringParts.push(chunk.subarray(this.topLevelStringStart, after - 1));
          this.lastTopLevelString = Buffer.concat(this.topLevelStringParts).toString('utf8');
          this.topLevelStringParts = [];
          this.topLevelStringStart = -1;
        }
        continue;
      }
      const byte = chunk[i]!;
      if (this.inItems && this.depth === 2 && !this.itemOpen) {
        // Between items: whitespace, commas, or the start of the next item, or the end of the array.
        if (byte === 0x5d /* ] */) {
          this.inItems = false;
          this.depth = 1;
          restStart = i;
          i++;
          continue;
        }
        if (byte === 0x2c || byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
          i++;
          continue;
        }
        this.itemOpen = true;
        this.itemIsScalar = byte !== 0x7b && byte !== 0x5b;
        itemStart = i;
      }
      if (this.itemOpen && this.itemIsScalar && this.depth === 2 && (byte === 0x2c || byte === 0x5d)) {
        this.finishItem(chunk, itemStart, i);
        itemStart = -1;
        continue; // the comma or bracket is read again, between items
      }
      switch (byte) {
        case 0x22: // "
          this.inString = true;
          if (this.depth === 1) this.topLevelStringStart = i + 1;
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.depth++;
          if (byte === 0x5b && this.depth === 2 && this.lastTopLevelString === 'items' && !this.inItems) {
            this.inItems = true;
            this.restParts.push(Buffer.from(chunk.subarray(restStart, i + 1)));
            restStart = -1;
            i++;
            continue;
          }
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.depth--;
          if (this.itemOpen && !this.itemIsScalar && this.depth === 2) {
            this.finishItem(chunk, itemStart, i + 1);
            itemStart = -1;
          }
          break;
        case 0x3a: // : a key was read
          break;
        default:
          if (this.depth === 1 && byte === 0x2c) this.lastTopLevelString = '';
      }
      i++;
    }
    if (this.itemOpen) this.itemParts.push(chunk.subarray(itemStart));
    if (restStart !== -1) this.restParts.push(Buffer.from(chunk.subarray(restStart)));
    if (this.topLevelStringStart !== -1) this.topLevelStringParts.push(Buffer.from(chunk.subarray(this.topLevelStringStart)));
  }

  /** The document without its items, parsed; throws when the JSON is cut short or malformed. */
  end(): unknown {
    if (this.inString || this.depth !== 0 || this.itemOpen) throw new SyntaxError('Unexpected end of JSON input');
    return JSON.parse(Buffer.concat(this.restParts).toString('utf8'));
  }

  /** Index just after the closing quote, or -1 when the chunk ends inside the string. */
  private skipString(chunk: Buffer, from: number, n: number): number {
    let i = from;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    const runStart = i;
    for (;;) {
      const quote = chunk.indexOf(0x22, i);
      const stop = quote < 0 ? n : quote;
      let k = stop - 1;
      while (k >= runStart && chunk[k] === 0x5c) k--;
      const odd = (stop - 1 - k) % 2 === 1;
      if (quote < 0) {
        this.escaped = odd;
        return -1;
      }
      if (!odd) return quote + 1;
      i = quote + 1;
    }
  }

  private finishItem(chunk: Buffer, start: number, end: number): void {
    const text = this.itemParts.length === 0
      ? chunk.toString('utf8', start, end)
      : Buffer.concat([...this.itemParts, chunk.subarray(start, end)]).toString('utf8');
    this.itemParts = [];
    this.itemOpen = false;
    this.itemCount++;
    this.onItem(this.itemIsScalar ? text.trimEnd() : text);
  }
}
