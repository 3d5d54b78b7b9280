import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import path from 'node:path';
import { binDir, ensureBuilt, repoRoot } from './built-binaries.js';

// The built-in lab (scripts/lab): a real Kubernetes cluster whose nodes are
// namespaces on this machine. Tests share it and switch scenarios in turn.

export const isRoot = process.getuid?.() === 0;
const labScript = path.join(repoRoot, 'scripts', 'lab', 'lab.sh');

/** describe() for tests that need the lab: skipped with a reason when not root. */
export const describeLab: jest.Describe = isRoot
  ? describe
  : ((name: string, fn: () => void) => describe.skip(`${name} (skipped: the lab needs root)`, fn)) as jest.Describe;

export function lab(...args: string[]): string {
  return execFileSync('bash', [labScript, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 1_800_000 });
}

/** KUBECONFIG and NETCHECK_SSH_CONFIG as `lab.sh env` prints them, plus our binaries first on PATH. */
export function labEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const exports = Object.fromEntries(lab('env').trim().split('\n').map((line) => {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    return m ? [m[1], m[2]!.replace(/^'(.*)'$/, '$1')] : ['', ''];
  }).filter(([k]) => k));
  const env: NodeJS.ProcessEnv = { ...process.env, ...exports, PATH: `${binDir}:${process.env.PATH ?? ''}`, ...extra };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

let labIsUp = false;

/** Brings the lab up once per test run (the first run builds Kubernetes: minutes), then the scenario. */
export function useScenario(name: string): void {
  ensureBuilt();
  if (!labIsUp) {
    const status = spawnSync('bash', [labScript, 'status'], { encoding: 'utf8' });
    if (status.status !== 0) lab('up');
    labIsUp = true;
  }
  try {
    lab('scenario', name);
  } catch {
    // A switch can trip over pods the previous state is still deleting; the lab says why on stderr. Once more.
    lab('scenario', name);
  }
}

export function kubectl(args: string[], env: NodeJS.ProcessEnv, input?: string): SpawnSyncReturns<string> {
  return spawnSync('kubectl', args, { env, encoding: 'utf8', timeout: 300_000, maxBuffer: 256 * 1024 * 1024, ...(input !== undefined && { input }) });
}
