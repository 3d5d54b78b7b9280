/**
 * Splits a JSON document shaped like a Kubernetes list (`{"kind": …, "metadata": {…},
 * "items": [ {…}, {…} ]}`) into its items while the bytes arrive, so that a list of
 * any size is never held as one string (V8 caps strings at ~512 MiB) and each item
 * can be slimmed before the next one is read. Each item goes, parsed, to `onItem`;
 * `end()` returns the rest of the document, parsed, with `items: []`.
 *
 * It finds where items start and end (strings, escapes, nesting); JSON.parse judges
 * the syntax of each item and of the rest. Work is linear in the bytes.
 *
 * Fast path: scanning every byte in JavaScript costs more than JSON.parse itself, so
 * the end of an object item is first guessed with a native search for how such items
 * end in printed lists: a line holding only the item's indentation and `}`
 * (pretty-printed, as kubectl writes), or `},` followed by the item's first key (the
 * API server's compact output). A guess is kept only if JSON.parse accepts it: a JSON
 * object's end is fixed by its start, so an accepted guess is the true end; otherwise
 * the item is scanned byte by byte.
 */
const closingBraceComma = Buffer.from('},');
/** One item, or the list outside its items, larger than this is refused: what is held stays bounded (etcd caps objects at 1.5 MiB). */
const maxHeldBytes = 64 * 1024 * 1024;
/** Bytes gathered before a scan. */
const defaultScanBytes = 512 * 1024;
/** Items longer than this are scanned byte by byte (a failed search costs its length). */
const maxGuessedItemBytes = 256 * 1024;
/** After this many failed guesses in a row (an unusual layout), stop guessing. */
const maxGuessMisses = 16;

/** First bytes of a JSON value: { [ " - digits, and the letters of true, false, null. */
function startsValue(byte: number): boolean {
  return byte === 0x7b || byte === 0x5b || byte === 0x22 || byte === 0x2d || (byte >= 0x30 && byte <= 0x39) ||
    byte === 0x74 || byte === 0x66 || byte === 0x6e;
}

function isBlank(chunk: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (chunk[i] !== 0x20 && chunk[i] !== 0x09) return false;
  return true;
}

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
  /** An item has started and not ended yet. */
  private itemOpen = false;
  private itemIsScalar = false;
  private itemParts: Buffer[] = [];
  private restParts: Buffer[] = [];
  private itemCount = 0;
  private guessMisses = 0;
  private started = false;
  private itemBytes = 0;
  private restBytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /**
   * @param minScanBytes bytes gathered before a scan (tests set 0 to cut items at every byte)
   */
  constructor(private readonly onItem: (item: unknown) => void, private readonly minScanBytes = defaultScanBytes) {}

  get items(): number {
    return this.itemCount;
  }

  /**
   * Takes the next bytes. Small chunks (a socket delivers 16-64 KiB) are gathered
   * first, so that most items lie wholly inside what is scanned and the fast path applies.
   */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= this.minScanBytes) this.flush();
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    const joined = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.scan(joined);
  }

  private scan(chunk: Buffer): void {
    // The hot loop keeps its state in locals (several times faster than fields) and writes it back at the end.
    const n = chunk.length;
    let { depth, inString, escaped, inItems, itemOpen, itemIsScalar } = this;
    let itemStart = itemOpen ? 0 : -1;
    let restStart = inItems ? -1 : 0;
    let keyStart = this.topLevelStringStart === -1 ? -1 : 0;
    let i = 0;
    while (i < n) {
      if (inString) {
        // A plain scan beats Buffer.indexOf here: most strings in API objects are a few bytes long.
        if (escaped) {
          escaped = false;
          i++;
        }
        let byte = 0;
        while (i < n && (byte = chunk[i]!) !== 0x22 && byte !== 0x5c) i++;
        if (i >= n) break;
        if (byte === 0x5c) {
          if (i + 1 >= n) {
            escaped = true;
            i = n;
            break;
          }
          i += 2;
          continue;
        }
        inString = false;
        i++;
        if (keyStart !== -1) {
          this.topLevelStringParts.push(chunk.subarray(keyStart, i - 1));
          this.lastTopLevelString = Buffer.concat(this.topLevelStringParts).toString('utf8');
          this.topLevelStringParts = [];
          keyStart = -1;
        }
        continue;
      }
      const byte = chunk[i]!;
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) {
        i++;
        continue;
      }
      if (depth === 2 && inItems) {
        if (!itemOpen) {
          // Between items: commas, the start of the next item, or the end of the array.
          if (byte === 0x2c) {
            i++;
            continue;
          }
          if (byte === 0x5d) {
            inItems = false;
            depth = 1;
            restStart = i;
            i++;
            continue;
          }
          if (byte === 0x7b) {
            const end = this.guessItemEnd(chunk, i);
            if (end !== -1) {
              i = end;
              continue;
            }
          }
          itemOpen = true;
          itemIsScalar = byte !== 0x7b && byte !== 0x5b;
          itemStart = i;
        } else if (itemIsScalar && (byte === 0x2c || byte === 0x5d)) {
          this.finishItem(chunk, itemStart, i, true);
          itemOpen = false;
          itemStart = -1;
          continue; // the comma or bracket is read again, between items
        }
      }
      if (!this.started) {
        // Not JSON from its first byte on (binary, NULs of a sparse file): no need to read on.
        if (!startsValue(byte)) throw new SyntaxError(`Unexpected byte 0x${byte.toString(16).padStart(2, '0')} where a JSON value should start`);
        this.started = true;
      }
      if (byte === 0x22) {
        inString = true;
        if (depth === 1) keyStart = i + 1;
      } else if (byte === 0x7b || byte === 0x5b) {
        depth++;
        if (byte === 0x5b && depth === 2 && !inItems && this.lastTopLevelString === 'items') {
          inItems = true;
          this.restParts.push(Buffer.from(chunk.subarray(restStart, i + 1)));
          restStart = -1;
        }
      } else if (byte === 0x7d || byte === 0x5d) {
        depth--;
        if (itemOpen && depth === 2 && inItems && !itemIsScalar) {
          this.finishItem(chunk, itemStart, i + 1, false);
          itemOpen = false;
          itemStart = -1;
        }
      } else if (byte === 0x2c && depth === 1) {
        this.lastTopLevelString = '';
      }
      i++;
    }
    if (itemOpen) {
      this.itemParts.push(chunk.subarray(itemStart));
      this.itemBytes += n - itemStart;
      if (this.itemBytes > maxHeldBytes) throw new RangeError(`an item of the list is larger than ${maxHeldBytes >> 20} MiB`);
    }
    if (restStart !== -1) {
      this.restParts.push(Buffer.from(chunk.subarray(restStart)));
      this.restBytes += n - restStart;
      if (this.restBytes > maxHeldBytes) throw new RangeError(`the list holds more than ${maxHeldBytes >> 20} MiB outside its items`);
    }
    if (keyStart !== -1) this.topLevelStringParts.push(Buffer.from(chunk.subarray(keyStart)));
    this.topLevelStringStart = keyStart;
    Object.assign(this, { depth, inString, escaped, inItems, itemOpen, itemIsScalar });
  }

  /** The document without its items, parsed; throws when the JSON is cut short or malformed. */
  end(): unknown {
    this.flush();
    if (this.inString || this.depth !== 0 || this.itemOpen) throw new SyntaxError('Unexpected end of JSON input');
    return JSON.parse(Buffer.concat(this.restParts).toString('utf8'));
  }

  private finishItem(chunk: Buffer, start: number, end: number, scalar: boolean): void {
    const text = this.itemParts.length === 0
      ? chunk.toString('utf8', start, end)
      : Buffer.concat([...this.itemParts, chunk.subarray(start, end)]).toString('utf8');
    this.itemParts = [];
    this.itemBytes = 0;
    this.itemCount++;
    this.onItem(JSON.parse(scalar ? text.trimEnd() : text));
  }

  /**
   * The fast path for an object item starting at `start`: the index just past its
   * closing brace when a guessed end parses (the item is then delivered), else -1.
   * The guess: items printed one after another are joined by `},` followed by the
   * same opening (newline and indentation when pretty-printed, `{`, the first key).
   * That needle ends in a key, not in spaces, so the native search skips ahead fast.
   */
  private guessItemEnd(chunk: Buffer, start: number): number {
    if (this.guessMisses >= maxGuessMisses) return -1;
    const lineStart = chunk.lastIndexOf(0x0a, start) + 1;
    const openingStart = lineStart > 0 && isBlank(chunk, lineStart, start) ? lineStart - 1 : start;
    const colon = chunk.indexOf(0x3a, start);
    if (colon === -1 || colon - start > 256) return this.missedGuess();
    const needle = Buffer.concat([closingBraceComma, chunk.subarray(openingStart, colon + 1)]);
    const found = chunk.subarray(start + 1, start + 1 + maxGuessedItemBytes).indexOf(needle);
    if (found === -1) return this.missedGuess();
    const end = start + 1 + found + 1;
    let item: unknown;
    try {
      item = JSON.parse(chunk.toString('utf8', start, end));
    } catch {
      return this.missedGuess();
    }
    this.guessMisses = 0;
    this.itemCount++;
    this.onItem(item);
    return end;
  }

  private missedGuess(): -1 {
    this.guessMisses++;
    return -1;
  }
}
