import { open, lstat } from 'node:fs/promises';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { ExitCode, PluginError } from '../cli/errors.js';

// Reads of files from outside (dumps, keys, configs): stat first, refuse what is not a regular file
// or is larger than the cap, and never read more than the cap even if the file grows meanwhile.
// /dev/zero, a FIFO or a 100 GB file must not hang or fill memory.

/** Per-file caps: JSON lists can be large (200k pods), text facts and logs are tails. */
export const maxJsonFileBytes = 480 * 1024 * 1024;
export const maxTextFileBytes = 64 * 1024 * 1024;
/** Log and text lines longer than this are cut at read time: scanning them is linear, and a log line of 80k chars is noise. */
export const maxLineChars = 4096;

export class FileTooLargeError extends PluginError {
  constructor(file: string, size: number, limit: number) {
    super(`${file} is ${mib(size)}, more than the ${mib(limit)} netcheck reads from one file`, ExitCode.couldNotCheck,
      'is this the right file? a cluster-info dump of a very large cluster can be split per namespace');
    this.name = 'FileTooLargeError';
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 0)} MiB`;
}

/**
 * The file's text, or undefined when it does not exist. Not a regular file (a device, FIFO or folder) or
 * over `limit` bytes: a PluginError naming the file. Symlinks are followed only when `followSymlinks`.
 */
export async function readBoundedText(file: string, limit: number, options: { followSymlinks?: boolean } = {}): Promise<string | undefined> {
  let handle;
  try {
    if (options.followSymlinks === false && (await lstat(file)).isSymbolicLink()) {
      throw new PluginError(`${file} is a symbolic link; not following it`, ExitCode.couldNotCheck);
    }
    // O_NONBLOCK: opening a FIFO must not wait for a writer.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | (options.followSymlinks === false ? constants.O_NOFOLLOW : 0));
  } catch (error) {
    if (error instanceof PluginError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PluginError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new PluginError(`${file} is not a regular file`, ExitCode.couldNotCheck);
    if (info.size > limit) throw new FileTooLargeError(file, info.size, limit);
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    let filled = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
      if (filled >= buffer.length) throw new FileTooLargeError(file, filled, limit); // grew while we read
    }
    return buffer.toString('utf8', 0, filled);
  } catch (error) {
    if (error instanceof PluginError) throw error;
    throw new PluginError(`cannot read ${file}: ${(error as Error).message}`, ExitCode.couldNotCheck, undefined, { cause: error });
  } finally {
    await handle.close();
  }
}

/** Cuts every line longer than `max` characters (keeping its start and saying how much was cut). Linear. */
export function capLineLength(text: string, max = maxLineChars): string {
  if (text.length <= max) return text;
  let out = '';
  let start = 0;
  let cut = false;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end - start > max) {
      cut = true;
      break;
    }
    start = end + 1;
  }
  if (!cut) return text;
  const parts: string[] = [];
  start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    const last = end === -1;
    if (last) end = text.length;
    const length = end - start;
    parts.push(length > max ? `${text.slice(start, start + max)} [... ${length - max} more characters cut]` : text.slice(start, end));
    if (last) break;
    start = end + 1;
  }
  out = parts.join('\n');
  return out;
}

/** Small config and key files (ssh keys, ssh configs, kubeconfigs, CA files): none is anywhere near this. */
export const maxConfigFileBytes = 4 * 1024 * 1024;

/**
 * Synchronous twin of readBoundedText for config and key files read while setting up a connection:
 * a regular file of at most `limit` bytes, else an Error saying which (the caller words the PluginError).
 * Throws the fs error (ENOENT...) unchanged otherwise.
 */
export function readBoundedFileSync(file: string, limit = maxConfigFileBytes): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new NotARegularFileError(file);
    if (info.size > limit) throw new FileTooLargeError(file, info.size, limit);
    const buffer = Buffer.alloc(Math.min(info.size, limit) + 1);
    let filled = 0;
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, filled);
      if (read === 0) break;
      filled += read;
      if (filled >= buffer.length) throw new FileTooLargeError(file, filled, limit);
    }
    return buffer.subarray(0, filled);
  } finally {
    closeSync(fd);
  }
}

export class NotARegularFileError extends PluginError {
  constructor(file: string) {
    super(`${file} is not a regular file`, ExitCode.couldNotCheck);
    this.name = 'NotARegularFileError';
  }
}
