import type { Writable } from 'node:stream';
import { colourAllowed } from './platform.js';

/** Where a plugin writes: results to out, progress and diagnostics to err. */
export interface Io {
  out: Writable;
  err: Writable;
  /** Colour allowed: stdout is a TTY, no --no-color, no NO_COLOR, TERM not dumb. */
  color: boolean;
  /** stderr is a TTY: spinners allowed. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
}

export function processIo(noColorFlag: boolean): Io {
  const env = process.env;
  return {
    out: process.stdout,
    err: process.stderr,
    color: colourAllowed(process.stdout.isTTY === true, noColorFlag, env),
    interactive: process.stderr.isTTY === true,
    env,
  };
}

const codes = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;
export type Colour = keyof typeof codes;

export function paint(io: Pick<Io, 'color'>, colour: Colour, text: string): string {
  return io.color ? `\u001b[${codes[colour]}m${text}\u001b[0m` : text;
}
