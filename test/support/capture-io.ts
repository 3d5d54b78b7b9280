import { PassThrough } from 'node:stream';
import type { Io } from '../../shared/cli/io.js';

/** An Io whose stdout and stderr are collected as text, for tests that call a runner directly. */
export function captureIo(): Io & { text(): { out: string; err: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  const chunks = { out: '', err: '' };
  out.on('data', (d) => (chunks.out += d));
  err.on('data', (d) => (chunks.err += d));
  return { out, err, color: false, interactive: false, env: {}, text: () => chunks };
}
