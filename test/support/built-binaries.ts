import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const binDir = path.join(repoRoot, 'dist', 'bin');

/** The single binaries, built once if this checkout has none yet. */
export function ensureBuilt(): string {
  if (!fs.existsSync(path.join(binDir, 'kubectl-netcheck'))) {
    execFileSync('node', [path.join(repoRoot, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  }
  return binDir;
}

/** An environment where kubectl finds our plugins first and nothing leaks in from the developer's own setup. */
export function pluginEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${binDir}:${process.env.PATH ?? ''}`, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}
