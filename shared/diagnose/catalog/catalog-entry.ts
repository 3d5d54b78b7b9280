import type { TextRule } from '../text-rules.js';

/** Where a wording is written: the repository, the file and the format string exactly as in the source. */
export interface SourceWording {
  /** GitHub owner/name, e.g. `containernetworking/plugins`. */
  repo: string;
  /** Path inside the repository. */
  file: string;
  /** Tag or commit when the wording is only in older releases; absent: the default branch (read 2026-11-29). */
  ref?: string;
  /** The Go format string (or error text) exactly as written in the source. */
  format: string;
}

/**
 * Who writes the text decides where it can arrive:
 * - `cni-plugin`: a CNI plugin's error, returned through the runtime's sandbox error (pod event, kubelet log, runtime log);
 * - `runtime-sandbox`: the runtime's own sandbox-network error around it (same places);
 * - `runtime-cni-config`: the runtime loading /etc/cni/net.d (runtime log);
 * - `kubelet`: the kubelet itself (kubelet log; node condition or event where noted);
 * - `daemon`: a CNI agent (its pod's log; its readiness probe output for health texts).
 */
export type Emitter = 'cni-plugin' | 'runtime-sandbox' | 'runtime-cni-config' | 'kubelet' | 'daemon';

/** One wording of one source, and the cause it means. */
export interface CatalogEntry extends Omit<TextRule, 'pattern' | 'source'> {
  source: SourceWording;
  emitter: Emitter;
  /** Names for the format's verbs in order (for `{name}` in the templates); unnamed verbs match anything. */
  groups?: readonly (string | undefined)[];
  /** A hand-made pattern when the derived one is too strict (e.g. a list printed with %s); tests still check it against the format. */
  pattern?: RegExp;
  /** Match the derived pattern without regard to case (wordings whose capitals changed between releases). */
  ignoreCase?: boolean;
  /** Realistic values for the verbs in order, as the source fills them (tests and docs); one set per address family where an address appears. */
  examples: readonly (readonly string[])[];
  /** For `cni-plugin` texts: the plugin type the runtime names in its wrapper (`plugin type="bridge" failed (add)`). */
  pluginType?: string;
  /** For `daemon` texts: the daemon pod and container whose log shows it (`namespace/pod/container`); absent: a host service whose journal netcheck reads with the kubelet's (k3s). */
  daemonLog?: string;
  /** For `daemon` texts its health check prints: they arrive as readiness probe output (Unhealthy event, kubelet prober log). */
  probeOutput?: boolean;
  /** For `kubelet` texts that the kubelet also posts as the node's Ready condition message. */
  nodeCondition?: boolean;
  /** For `kubelet` texts that the kubelet also posts as a pod event: its reason. */
  podEvent?: string;
}

/** A Go verb: %v, %+v, %#v, %s, %q, %w, %d, %f, %T, %x ... (%% is a literal percent sign). */
const goVerb = /%([#+ 0-9.-]*)([a-zA-Z%])/g;

/**
 * A RegExp for the text a format string prints. Literal quotes may arrive escaped (`\"`, as inside
 * logfmt or structured klog values); %q matches a quoted value; %d a number; other verbs anything
 * up to the next literal. An unnamed verb at either end is left out (the pattern is not anchored);
 * a named verb at either end matches one word.
 */
export function patternFromFormat(format: string, groups: readonly (string | undefined)[] = [], flags = ''): RegExp {
  const pieces: Piece[] = [];
  let last = 0;
  let index = 0;
  for (const match of format.matchAll(goVerb)) {
    const verb = match[2] ?? 'v';
    if (verb === '%') continue;
    pieces.push({ literal: format.slice(last, match.index).replace(/%%/g, '%') });
    pieces.push({ verb, name: groups[index] });
    index += 1;
    last = (match.index ?? 0) + match[0].length;
  }
  // A trailing space (log.Error("...: ", err) prints the error after it) is not required: log lines are read trimmed.
  pieces.push({ literal: format.slice(last).replace(/%%/g, '%').trimEnd() });
  while (pieces.length > 1 && isUnnamedVerb(pieces[1]) && literalOf(pieces[0]) === '') pieces.splice(0, 2);
  while (pieces.length > 1 && isUnnamedVerb(pieces[pieces.length - 2]) && literalOf(pieces[pieces.length - 1]) === '') pieces.splice(-2, 2);
  const source = pieces.map((piece, i) => {
    if ('literal' in piece) return literalPattern(piece.literal);
    // A verb with no literal on one side is bounded by a word, so the pattern never scans a whole line per start.
    const atStart = i === 1 && literalOf(pieces[0]) === '';
    const atEnd = i === pieces.length - 2 && literalOf(pieces[pieces.length - 1]) === '';
    // A word at the start must begin where a word begins: one try per word, not one per character.
    return (atStart ? '(?<![^\\s"\\\\])' : '') + verbPattern(piece.verb, piece.name, atStart || atEnd);
  }).join('');
  return new RegExp(source, flags);
}

/** A format string as alternating literal text and verbs (literal first and last, possibly empty). */
type Piece = { literal: string } | { verb: string; name: string | undefined };

function isUnnamedVerb(piece: Piece | undefined): boolean {
  return piece !== undefined && 'verb' in piece && piece.name === undefined;
}

function literalOf(piece: Piece | undefined): string | undefined {
  return piece !== undefined && 'literal' in piece ? piece.literal : undefined;
}

function literalPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/"/g, '\\\\*"');
}

function verbPattern(verb: string, name: string | undefined, atEdge: boolean): string {
  const group = (body: string) => (name ? `(?<${name}>${body})` : `(?:${body})`);
  switch (verb) {
    case 'q': return `\\\\*"${group('[^"\\\\]*')}\\\\*"`;
    case 'd': return group('-?\\d+');
    case 'f': return group('-?[\\d.]+');
    default: return group(atEdge ? '[^\\s"\\\\]+' : '.+?');
  }
}

/** Go's %q of a plain string. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** The message a source prints: the format with its verbs filled by `values` in order. */
export function fillFormat(format: string, values: readonly string[]): string {
  let index = 0;
  return format.replace(goVerb, (_whole, _flags: string, verb: string) => {
    if (verb === '%') return '%';
    const value = values[index] ?? `<missing value ${index}>`;
    index += 1;
    return verb === 'q' ? goQuote(value) : value;
  });
}

/** The text rule an entry stands for. */
export function ruleFromEntry(entry: CatalogEntry): TextRule {
  const { source, groups, pattern, ignoreCase, examples: _examples, emitter: _emitter, pluginType: _pluginType, daemonLog: _daemonLog, nodeCondition: _nodeCondition, podEvent: _podEvent, probeOutput: _probeOutput, ...rule } = entry;
  return { ...rule, source, pattern: pattern ?? patternFromFormat(source.format, groups, ignoreCase ? 'i' : '') };
}
