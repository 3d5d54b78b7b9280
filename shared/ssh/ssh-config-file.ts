import fs from 'node:fs';
import path from 'node:path';
import { ExitCode, PluginError } from '../cli/errors.js';
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
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !options.explicit) return { blocks: [], notes: [] };
    throw new PluginError(`could not read SSH config ${file}: ${(error as Error).message}`, ExitCode.usage,
      'point --ssh-config (or NETCHECK_SSH_CONFIG) at a readable OpenSSH client config file', { cause: error });
  }
  const sshDir = path.join(options.homeDir, '.ssh');
  return parseSshConfig(text, file, {
    readInclude: (pattern) => readIncludedFiles(pattern, sshDir, options.homeDir),
  });
}

/** OpenSSH: relative Include paths are under ~/.ssh; the argument may be a glob. */
function readIncludedFiles(pattern: string, sshDir: string, homeDir: string): IncludedFile[] {
  const expanded = expandTilde(pattern, homeDir);
  const absolute = path.isAbsolute(expanded) ? expanded : path.join(sshDir, expanded);
  return expandGlob(absolute).flatMap((file) => {
    try {
      return fs.statSync(file).isFile() ? [{ path: file, text: fs.readFileSync(file, 'utf8') }] : [];
    } catch {
      return []; // unreadable includes are skipped, as OpenSSH does
    }
  });
}

/** A small glob(3): `*` and `?` in any path component, dot files only when asked for, sorted. */
export function expandGlob(absolute: string): string[] {
  let paths = ['/'];
  for (const part of absolute.split('/').filter(Boolean)) {
    if (!/[*?]/.test(part)) {
      paths = paths.map((dir) => path.join(dir, part));
      continue;
    }
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
