import type { OutputFormat } from './parser.js';
import type { Io } from './io.js';
import { escapeDeep } from './safe-text.js';

/**
 * The one output writer for text, json and yaml. JSON and YAML carry the data as it is (their own
 * quoting keeps it inert); text goes through renderText after every string in the data has its
 * control characters escaped, so nothing from the cluster or a node can reach the terminal raw.
 */
export async function writeOutput<T>(io: Io, format: OutputFormat, value: T, renderText: (safe: T) => string,
  toDocument: (value: T) => unknown = (v) => v): Promise<void> {
  if (format === 'json') {
    io.out.write(`${JSON.stringify(toDocument(value), null, 2)}\n`);
  } else if (format === 'yaml') {
    const { default: yaml } = await import('js-yaml');
    io.out.write(yaml.dump(toDocument(value), { lineWidth: -1, noRefs: true }));
  } else {
    io.out.write(renderText(escapeDeep(value)));
  }
}
