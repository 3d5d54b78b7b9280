#!/usr/bin/env node
// Release: builds the single binary for every platform, packs one archive per
// platform (the binary and LICENSE, regular files only, as krew requires),
// writes their sha256, and renders krew-manifest.yaml into a custom krew index
// folder (plugins/<name>.yaml) usable with `kubectl krew index add`.
//
//   node scripts/release.mjs [--out DIR] [--base-url URL] [--target all|linux-amd64,...]
//
// Archives: .tar.gz (gzip -9) for Linux and macOS, .zip (deflate -9) for Windows,
// the usual forms on each and both accepted by krew.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import yaml from 'js-yaml';
import { TARGETS, exeSuffix, parseTargets } from './build.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = `v${pkg.version}`;

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const out = path.resolve(flag('--out', path.join(root, 'dist')));
const baseUrl = flag('--base-url', process.env.RELEASE_BASE_URL ?? `https://github.com/kubectl-netcheck/kubectl-netcheck/releases/download/${version}`);
const targetList = flag('--target', 'all');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** One archive per target: the binary and LICENSE at the top, owned by root, fixed mtime. */
function packArchive(target) {
  const { os, arch } = TARGETS[target];
  const binary = `kubectl-netcheck${exeSuffix(target)}`;
  const stage = path.join(out, 'stage', target);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  // Copies, not links: krew refuses archives with symlinks or hard links.
  fs.copyFileSync(path.join(root, 'dist', target, binary), path.join(stage, binary));
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  for (const f of [binary, 'LICENSE']) fs.utimesSync(path.join(stage, f), 0, 0);
  const ext = os === 'windows' ? 'zip' : 'tar.gz';
  const archive = path.join(out, 'release', `kubectl-netcheck_${version}_${os}_${arch}.${ext}`);
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  fs.rmSync(archive, { force: true });
  if (ext === 'zip') {
    execFileSync('zip', ['-9', '-X', '-q', archive, binary, 'LICENSE'], { cwd: stage });
  } else {
    const tar = execFileSync('tar', ['-c', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, binary, 'LICENSE'], { maxBuffer: 1 << 30 });
    fs.writeFileSync(archive, zlib.gzipSync(tar, { level: 9 }));
  }
  fs.rmSync(stage, { recursive: true, force: true });
  const digest = sha256(archive);
  fs.writeFileSync(`${archive}.sha256`, `${digest}  ${path.basename(archive)}\n`);
  return { key: `${os}/${arch}`, uri: `${baseUrl}/${path.basename(archive)}`, sha256: digest, archive, size: fs.statSync(archive).size };
}

/** Fills the template's placeholders; platforms without an archive are left out. */
function renderManifests(template, artifacts) {
  const byKey = new Map(artifacts.map((a) => [a.key, a]));
  return yaml.loadAll(template).map((doc) => {
    const platforms = doc.spec.platforms.filter((p) => byKey.has(`${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`));
    const text = yaml.dump({ ...doc, spec: { ...doc.spec, platforms } }, { lineWidth: 100, noRefs: true });
    const filled = text
      .replaceAll('{{version}}', version)
      .replace(/\{\{(uri|sha256):([a-z]+\/[a-z0-9]+)\}\}/g, (_, field, key) => byKey.get(key)[field]);
    return { name: doc.metadata.name, text: filled };
  });
}

const targets = parseTargets(targetList);
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--target', targets.join(',')], { stdio: 'inherit' });
const artifacts = targets.map(packArchive);
const indexDir = path.join(out, 'krew-index', 'plugins');
fs.rmSync(path.dirname(indexDir), { recursive: true, force: true });
fs.mkdirSync(indexDir, { recursive: true });
for (const { name, text } of renderManifests(fs.readFileSync(path.join(root, 'krew-manifest.yaml'), 'utf8'), artifacts)) {
  fs.writeFileSync(path.join(indexDir, `${name}.yaml`), text);
}
for (const a of artifacts) console.log(`${path.relative(root, a.archive)}  ${(a.size / 2 ** 20).toFixed(1)} MiB  sha256 ${a.sha256}`);
console.log(`krew index: ${path.relative(root, path.dirname(indexDir))} (kubectl krew index add netcheck ${path.dirname(indexDir)})`);
