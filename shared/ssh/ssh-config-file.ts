import fs from 'node:fs';
import path from 'node:path';
import { ExitCode, PluginError } from '../cli/errors.js';
import { readBoundedFileSync } from '../files/bounded-read.js';
import { expandTilde, parseSshConfig, type IncludedFile, type SshConfig } from './ssh-config.js';

export interface ConfigFileOptions {
  homeDir: string;
  /** The user named this file (flag or NETCHECK_SSH_CONFIG): a missing file is an error, not an empty config. */
  explicit: boolean;
}

/** Reads an ssh_config file and its Includes; a missing default ~/.ssh/config is an empty config. */
export function loadSshConfig(file: string, options: ConfigFileOptions): SshConfig {
  let text: string;
  try {
    text = readBoundedFileSync(file).toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.explicit) return { blocks: [], notes: [] };
    throw new PluginError(`could not read SSH config ${file}: ${(error as Error).message}`, ExitCode.usage,
      'point --ssh-config (or NETCHECK_SSH_CONFIG) at a readable OpenSSH client config file', { cause: error });
  }
  const sshDir = path.join(options.homeDir, '.ssh');
  const budget = { files: maxIncludedFiles };
  return parseSshConfig(text, file, {
    readInclude: (pattern) => readIncludedFiles(pattern, sshDir, options.homeDir, budget),
  });
}

/** Includes read in all, loops and globs like `Include /*\/*\/*` included: past this, the rest is skipped. */
const maxIncludedFiles = 256;
/** Paths a glob may expand to before it is given up on. */
const maxGlobPaths = 10_000;

/** OpenSSH: relative Include paths are under ~/.ssh; the argument may be a glob. */
function readIncludedFiles(pattern: string, sshDir: string, homeDir: string, budget: { files: number }): IncludedFile[] {
  const expanded = expandTilde(pattern, homeDir);
  const absolute = path.isAbsolute(expanded) ? expanded : path.join(sshDir, expanded);
  const included: IncludedFile[] = [];
  for (const file of expandGlob(absolute)) {
    if (budget.files <= 0) break; // an Include loop or a glob over the whole disk: enough
    try {
      if (!fs.statSync(file).isFile()) continue;
      budget.files--;
      included.push({ path: file, text: readBoundedFileSync(file).toString('utf8') });
    } catch {
      // unreadable (or oversized, or not a regular file) includes are skipped, as OpenSSH skips unreadable ones
    }
  }
  return included;
}

/** A small glob(3): `*` and `?` in any path component, dot files only when asked for, sorted. */
export function expandGlob(absolute: string): string[] {
  let paths = ['/'];
  for (const part of absolute.split('/').filter(Boolean)) {
    if (!/[*?]/.test(part)) {
      paths = paths.map((dir) => path.join(dir, part));
      continue;
    }
    if (paths.length > maxGlobPaths) return [];
    paths = paths.flatMap((dir) => {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        return [];
      }
      return names
        .filter((name) => (part.startsWith('.') || !name.startsWith('.')) && matchesGlob(name, part))
        .sort()
        .map((name) => path.join(dir, name));
    });
  }
  return paths.filter((candidate) => fs.existsSync(candidate));
}

/** File names are case-sensitive, unlike host names, so this does not reuse the host matcher. */
function matchesGlob(name: string, pattern: string): boolean {
  const body = pattern.replace(/[\\^$.+()[\]{}|]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${body}$`, 's').test(name);
}
