import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import { binaryFormat, machoSignatureProblems, peCertificateTable } from '../../support/binary-format.js';
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
        expect(p.bin).toBe(`kubectl-${name}${p.selector?.matchLabels?.os === 'windows' ? '.exe' : ''}`);
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

  it('has the five platforms for every plugin, .exe on Windows', () => {
    for (const { file, manifest } of manifests) {
      const name = path.basename(file, '.yaml');
      const bins = Object.fromEntries((manifest.spec?.platforms ?? []).map((p) => [`${p.selector?.matchLabels?.os}/${p.selector?.matchLabels?.arch}`, p.bin]));
      expect(bins).toEqual({
        'linux/amd64': `kubectl-${name}`,
        'linux/arm64': `kubectl-${name}`,
        'darwin/amd64': `kubectl-${name}`,
        'darwin/arm64': `kubectl-${name}`,
        'windows/amd64': `kubectl-${name}.exe`,
      });
    }
  });

  it('points at archives whose sha256 matches, holding regular files: the binary and LICENSE', () => {
    for (const { manifest } of manifests) {
      for (const p of manifest.spec?.platforms ?? []) {
        const archive = archiveFor(p.uri!);
        const digest = crypto.createHash('sha256').update(fs.readFileSync(archive)).digest('hex');
        expect(digest).toBe(p.sha256);
        const binary = p.selector?.matchLabels?.os === 'windows' ? 'kubectl-netcheck.exe' : 'kubectl-netcheck';
        expect(p.files?.[0]?.from).toBe(binary);
        expect(p.bin).toBe(p.files?.[0]?.to);
        // zipinfo and tar -tv both start a regular file's line with '-'.
        const listing = archive.endsWith('.zip')
          ? execFileSync('zipinfo', [archive], { encoding: 'utf8' }).trim().split('\n').filter((l) => /^[-dl][-rwxst]{9}\s/.test(l))
          : execFileSync('tar', ['-tvzf', archive], { encoding: 'utf8' }).trim().split('\n');
        expect(listing.map((l) => l.split(/\s+/).pop()).sort()).toEqual(['LICENSE', binary]);
        for (const line of listing) expect(line[0]).toBe('-');
      }
    }
  });
});

/** The binary inside a target's archive, unpacked once. */
const unpacked = new Map<string, string>();
function binaryOf(target: string): string {
  const cached = unpacked.get(target);
  if (cached) return cached;
  const [os_, arch] = target.split('-');
  const archive = fs.readdirSync(path.join(out, 'release')).find((f) => f.includes(`_${os_}_${arch}.`) && !f.endsWith('.sha256'))!;
  const dir = fs.mkdtempSync(path.join(out, `${target}-`));
  if (archive.endsWith('.zip')) execFileSync('unzip', ['-q', path.join(out, 'release', archive), '-d', dir]);
  else execFileSync('tar', ['-xzf', path.join(out, 'release', archive), '-C', dir]);
  const binary = path.join(dir, os_ === 'windows' ? 'kubectl-netcheck.exe' : 'kubectl-netcheck');
  unpacked.set(target, binary);
  return binary;
}

const fuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const expectedFormat: Record<string, string> = {
  'linux-amd64': 'elf/amd64',
  'linux-arm64': 'elf/arm64',
  'darwin-amd64': 'macho/amd64',
  'darwin-arm64': 'macho/arm64',
  'windows-amd64': 'pe/amd64',
};

describe.each(Object.keys(expectedFormat))('the %s binary', (target) => {
  it('has the right format and architecture, with the single-executable blob injected and its fuse set', () => {
    const buf = fs.readFileSync(binaryOf(target));
    const { format, arch } = binaryFormat(buf);
    expect(`${format}/${arch}`).toBe(expectedFormat[target]);
    expect(buf.includes(`${fuse}:1`)).toBe(true);
    expect(buf.includes(`${fuse}:0`)).toBe(false);
    // The bundle rides in the blob: a string only our code has.
    expect(buf.includes('kubectl_complete-')).toBe(true);
  });

  if (target.startsWith('darwin')) {
    it('carries an ad-hoc signature the loader accepts: every page hash verifies', () => {
      expect(machoSignatureProblems(fs.readFileSync(binaryOf(target)))).toEqual([]);
    });

    (fs.existsSync('/usr/bin/llvm-objdump') ? it : it.skip)('llvm-objdump reads the same LC_CODE_SIGNATURE at the end of __LINKEDIT', () => {
      const file = binaryOf(target);
      const headers = execFileSync('llvm-objdump', ['--macho', '--all-headers', file], { encoding: 'utf8', maxBuffer: 1 << 26 });
      const signature = /cmd LC_CODE_SIGNATURE\s+cmdsize 16\s+dataoff (\d+)\s+datasize (\d+)/.exec(headers);
      expect(signature).not.toBeNull();
      expect(Number(signature![1]) + Number(signature![2])).toBe(fs.statSync(file).size);
    });
  }

  if (target.startsWith('windows')) {
    it('keeps no stale Authenticode certificate table', () => {
      expect(peCertificateTable(fs.readFileSync(binaryOf(target)))).toEqual({ offset: 0, size: 0 });
      const verify = spawnSync('osslsigncode', ['verify', '-in', binaryOf(target)], { encoding: 'utf8' });
      expect(`${verify.stdout}${verify.stderr}`).toContain('No signature found');
    });
  }
});

// The arm64 binary comes from the same recipe; run it under qemu-user where Debian's
// qemu-user-static and the aarch64 C/C++ runtimes are installed (.ci/run installs them).
const qemu = '/usr/bin/qemu-aarch64-static';
const arm64Sysroot = '/usr/aarch64-linux-gnu';
const canRunArm64 = fs.existsSync(qemu) && fs.existsSync(path.join(arm64Sysroot, 'lib', 'libstdc++.so.6'));

(canRunArm64 ? it : it.skip)('the linux-arm64 archive holds a working binary (run under qemu-user)', () => {
  const binary = binaryOf('linux-arm64');
  fs.copyFileSync(binary, path.join(path.dirname(binary), 'kubectl-tap'));
  const env = { ...process.env, QEMU_LD_PREFIX: arm64Sysroot };
  const version = spawnSync(qemu, [binary, '--version'], { env, encoding: 'utf8' });
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  const usage = spawnSync(qemu, [path.join(path.dirname(binary), 'kubectl-tap'), 'web-0', '--bogus'], { env, encoding: 'utf8' });
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('Usage: kubectl tap');
}, 120_000);

// Debian's wine64 runs the Windows binary. Wine hands node a console it cannot open
// as a pipe, so output goes to files.
const wine = '/usr/lib/wine/wine64';
(fs.existsSync(wine) ? it : it.skip)('the windows-amd64 archive holds a working binary (run under wine64)', () => {
  const binary = binaryOf('windows-amd64');
  const tap = path.join(path.dirname(binary), 'kubectl-tap.exe');
  fs.copyFileSync(binary, tap);
  const env = { ...process.env, WINEPREFIX: path.join(out, 'wineprefix'), WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1' };
  const runWine = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const files = [path.join(out, 'wine-stdout.txt'), path.join(out, 'wine-stderr.txt')] as const;
    const fds = files.map((f) => fs.openSync(f, 'w'));
    const result = spawnSync(wine, args, { env, stdio: ['ignore', fds[0], fds[1]], timeout: 120_000 });
    fds.forEach((fd) => fs.closeSync(fd));
    return { status: result.status, stdout: fs.readFileSync(files[0], 'utf8'), stderr: fs.readFileSync(files[1], 'utf8') };
  };
  expect(runWine([binary, '--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  // Started as kubectl-tap.exe, it is tap: the name picks the plugin on Windows too.
  const usage = runWine([tap, 'web-0', '--bogus']);
  expect(usage.status).toBe(2);
  expect(usage.stderr).toContain('Usage: kubectl tap');
  // Completion answers from the flag definitions on Windows too.
  const completion = runWine([binary, '__complete', 'tap', '--mirrortype=']);
  expect(completion.stdout.replaceAll('\r', '').trim().split('\n')).toEqual(['--mirrortype=ingress', '--mirrortype=egress', '--mirrortype=both', ':4']);
}, 240_000);
