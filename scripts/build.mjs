#!/usr/bin/env node
// Builds the single binaries: esbuild bundles the plugins into one CommonJS
// file, Node's single-executable mechanism embeds it into an official Node LTS
// binary taken from the npm registry (no other download), and the three
// plugin names are hard links to that one binary.
//
//   node scripts/build.mjs                 linux-amd64 (this machine)
//   node scripts/build.mjs --arch all      linux-amd64 and linux-arm64
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const NODE_LTS = '24.21.0';
export const PLUGINS = ['kubectl-netcheck', 'kubectl-nsenter', 'kubectl-tap'];
const archs = { amd64: 'x64', arm64: 'arm64' };
const hostArch = { x64: 'amd64', arm64: 'arm64' }[process.arch];

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
}

/** The official Node binary for ARCH, from the npm registry's node-linux-* package, cached under .cache/. */
function nodeBinary(arch) {
  const dir = path.join(root, '.cache', 'node', `${NODE_LTS}-linux-${arch}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  const tgz = execFileSync('npm', ['pack', `node-linux-${archs[arch]}@${NODE_LTS}`, '--silent', '--pack-destination', dir], { encoding: 'utf8' }).trim().split('\n').pop();
  run('tar', ['-xzf', path.join(dir, tgz), '-C', dir, 'package/bin/node', 'package/LICENSE']);
  fs.rmSync(path.join(dir, tgz));
  return bin;
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

function seaBinary(arch, bundleFile, outDir) {
  const node = nodeBinary(arch);
  const work = path.join(root, 'dist', 'sea', arch);
  fs.mkdirSync(work, { recursive: true });
  const blob = path.join(work, 'sea-prep.blob');
  const config = path.join(work, 'sea-config.json');
  // Code cache is machine code for the building CPU: only for the host's architecture.
  fs.writeFileSync(config, JSON.stringify({ main: bundleFile, output: blob, disableExperimentalSEAWarning: true, useCodeCache: arch === hostArch }));
  // The blob must come from the same Node version that runs it; for another arch the host's copy of that version writes it.
  run(nodeBinary(hostArch), ['--experimental-sea-config', config], { cwd: work });
  fs.mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, PLUGINS[0]);
  fs.rmSync(target, { force: true });
  fs.copyFileSync(node, target);
  if (arch === hostArch) {
    try { run('strip', [target]); } catch { /* binutils missing: ship unstripped */ }
  }
  run(process.execPath, [path.join(root, 'node_modules', 'postject', 'dist', 'cli.js'), target, 'NODE_SEA_BLOB', blob,
    '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
  fs.chmodSync(target, 0o755);
  for (const name of PLUGINS.slice(1)) {
    fs.rmSync(path.join(outDir, name), { force: true });
    fs.linkSync(target, path.join(outDir, name));
  }
  return target;
}

async function main() {
  const wanted = process.argv.includes('--arch') ? process.argv[process.argv.indexOf('--arch') + 1] : hostArch;
  const targets = wanted === 'all' ? Object.keys(archs) : [wanted];
  const bundleFile = path.join(root, 'dist', 'bundle', 'kubectl-netcheck.cjs');
  fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
  await bundle(bundleFile);
  for (const arch of targets) {
    if (!archs[arch]) throw new Error(`unknown --arch ${arch} (amd64, arm64, all)`);
    // The host's binaries go to dist/bin, for PATH; every arch also to dist/linux-ARCH for release.
    const out = seaBinary(arch, bundleFile, path.join(root, 'dist', `linux-${arch}`));
    if (arch === hostArch) {
      const bin = path.join(root, 'dist', 'bin');
      fs.rmSync(bin, { recursive: true, force: true });
      fs.mkdirSync(bin, { recursive: true });
      for (const name of PLUGINS) fs.linkSync(out, path.join(bin, name));
    }
    console.log(`built ${path.relative(root, out)} (${(fs.statSync(out).size / 2 ** 20).toFixed(0)} MiB, Node ${NODE_LTS})`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
