import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { repoRoot } from '../../support/built-binaries.js';

// `npm run release` for real, then krew's own validation rules
// (internal/index/validation in kubernetes-sigs/krew) on what it rendered.
interface Platform {
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: { from?: string; to?: string }[];
}
interface Manifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
  spec?: { version?: string; shortDescription?: string; platforms?: Platform[] };
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-release-'));
let manifests: { file: string; manifest: Manifest }[] = [];

beforeAll(() => {
  execFileSync('node', [path.join(repoRoot, 'scripts', 'release.mjs'), '--out', out, '--base-url', 'https://example.invalid/v0'], { stdio: 'ignore' });
  const dir = path.join(out, 'krew-index', 'plugins');
  manifests = fs.readdirSync(dir).map((file) => ({ file, manifest: yaml.load(fs.readFileSync(path.join(dir, file), 'utf8')) as Manifest }));
}, 600_000);

afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

function archiveFor(uri: string): string {
  return path.join(out, 'release', path.basename(uri));
}

describe('rendered krew index', () => {
  it('has one manifest per plugin: netcheck, nsenter, tap', () => {
    expect(manifests.map((m) => m.file).sort()).toEqual(['netcheck.yaml', 'nsenter.yaml', 'tap.yaml']);
  });

  it('passes krew\'s manifest rules', () => {
    for (const { file, manifest } of manifests) {
      const name = path.basename(file, '.yaml');
      expect(manifest.apiVersion).toBe('krew.googlecontainertools.github.com/v1alpha2');
      expect(manifest.kind).toBe('Plugin');
      expect(name).toMatch(/^[\w-]+$/);
      expect(manifest.metadata?.name).toBe(name);
      expect(manifest.spec?.version).toMatch(/^v\d+\.\d+\.\d+$/);
      const short = manifest.spec?.shortDescription ?? '';
      expect(short.length).toBeGreaterThan(0);
      expect(short.length).toBeLessThanOrEqual(50);
      expect(short).not.toMatch(/[\r\n]/);
      const platforms = manifest.spec?.platforms ?? [];
      expect(platforms.length).toBeGreaterThan(0);
      for (const p of platforms) {
        expect(p.uri).toMatch(/^https:\/\//);
        expect(p.sha256).toMatch(/^[a-f0-9]{64}$/);
        expect(p.bin).toBe(`kubectl-${name}`);
        expect(p.files?.length).toBeGreaterThan(0);
        for (const f of p.files ?? []) {
          expect(f.from).toBeTruthy();
          expect(f.to).toBeTruthy();
        }
        expect(p.files).toContainEqual({ from: 'LICENSE', to: '.' });
        const labels = p.selector?.matchLabels ?? {};
        expect(Object.keys(labels).length).toBeGreaterThan(0);
        for (const key of Object.keys(labels)) expect(['os', 'arch']).toContain(key);
      }
      const selectors = platforms.map((p) => `${p.selector?.matchLabels?.os}/${p.selector?.matchLabels?.arch}`);
      expect(new Set(selectors).size).toBe(selectors.length);
      expect(selectors.every((s) => !s.includes('undefined'))).toBe(true);
    }
  });

  it('points at archives whose sha256 matches, holding regular files: the binary and LICENSE', () => {
    for (const { manifest } of manifests) {
      for (const p of manifest.spec?.platforms ?? []) {
        const archive = archiveFor(p.uri!);
        const digest = crypto.createHash('sha256').update(fs.readFileSync(archive)).digest('hex');
        expect(digest).toBe(p.sha256);
        const listing = execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' }).trim().split('\n');
        expect(listing.map((l) => l.split(/\s+/).pop()).sort()).toEqual(['LICENSE', 'kubectl-netcheck']);
        for (const line of listing) expect(line[0]).toBe('-');
        expect(p.files?.[0]?.from).toBe('kubectl-netcheck');
      }
    }
  });
});

// The arm64 binary comes from the same recipe; run it under qemu-user where Debian's
// qemu-user-static and the aarch64 C/C++ runtimes are installed (.ci/run installs them).
const qemu = '/usr/bin/qemu-aarch64-static';
const arm64Sysroot = '/usr/aarch64-linux-gnu';
const canRunArm64 = fs.existsSync(qemu) && fs.existsSync(path.join(arm64Sysroot, 'lib', 'libstdc++.so.6'));

(canRunArm64 ? it : it.skip)('the linux-arm64 archive holds a working binary (run under qemu-user)', () => {
  const archive = fs.readdirSync(path.join(out, 'release')).find((f) => f.endsWith('_linux_arm64.tar.gz'))!;
  const dir = fs.mkdtempSync(path.join(out, 'arm64-'));
  execFileSync('tar', ['-xzf', path.join(out, 'release', archive), '-C', dir]);
  fs.copyFileSync(path.join(dir, 'kubectl-netcheck'), path.join(dir, 'kubectl-tap'));
  const env = { ...process.env, QEMU_LD_PREFIX: arm64Sysroot };
  const version = spawnSync(qemu, [path.join(dir, 'kubectl-netcheck'), '--version'], { env, encoding: 'utf8' });
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const usage = spawnSync(qemu, [path.join(dir, 'kubectl-tap'), 'web-0', '--bogus'], { env, encoding: 'utf8' });
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('Usage: kubectl tap');
}, 120_000);
