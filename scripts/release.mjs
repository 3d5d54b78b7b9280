#!/usr/bin/env node
// Release: builds the single binary for every platform, packs one archive per
// platform (the binary and LICENSE, regular files only, as krew requires),
// writes their sha256, and renders krew-manifest.yaml into a custom krew index
// folder (plugins/<name>.yaml) usable with `kubectl krew index add`.
//
//   node scripts/release.mjs [--out DIR] [--base-url URL] [--arch amd64|all]
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = `v${pkg.version}`;

function flag(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const out = path.resolve(flag('--out', path.join(root, 'dist')));
const baseUrl = flag('--base-url', process.env.RELEASE_BASE_URL ?? `https://github.com/kubectl-netcheck/kubectl-netcheck/releases/download/${version}`);
const arch = flag('--arch', 'all');

function sha256(file) {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** One tar.gz per platform: kubectl-netcheck and LICENSE at the top, owned by root, fixed mtime. */
function packArchive(platformArch) {
  const binDir = path.join(root, 'dist', `linux-${platformArch}`);
  const stage = path.join(out, 'stage', platformArch);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  // Copies, not links: krew refuses archives with symlinks or hard links.
  fs.copyFileSync(path.join(binDir, 'kubectl-netcheck'), path.join(stage, 'kubectl-netcheck'));
  fs.copyFileSync(path.join(root, 'LICENSE'), path.join(stage, 'LICENSE'));
  const archive = path.join(out, 'release', `kubectl-netcheck_${version}_linux_${platformArch}.tar.gz`);
  fs.mkdirSync(path.dirname(archive), { recursive: true });
  execFileSync('tar', ['-czf', archive, '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', stage, 'kubectl-netcheck', 'LICENSE']);
  fs.rmSync(stage, { recursive: true, force: true });
  const digest = sha256(archive);
  fs.writeFileSync(`${archive}.sha256`, `${digest}  ${path.basename(archive)}\n`);
  return { key: `linux/${platformArch}`, uri: `${baseUrl}/${path.basename(archive)}`, sha256: digest, archive };
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

const archs = arch === 'all' ? ['amd64', 'arm64'] : [arch];
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--arch', arch], { stdio: 'inherit' });
const artifacts = archs.map(packArchive);
const indexDir = path.join(out, 'krew-index', 'plugins');
fs.rmSync(path.dirname(indexDir), { recursive: true, force: true });
fs.mkdirSync(indexDir, { recursive: true });
for (const { name, text } of renderManifests(fs.readFileSync(path.join(root, 'krew-manifest.yaml'), 'utf8'), artifacts)) {
  fs.writeFileSync(path.join(indexDir, `${name}.yaml`), text);
}
for (const a of artifacts) console.log(`${path.relative(root, a.archive)}  sha256 ${a.sha256}`);
console.log(`krew index: ${path.relative(root, path.dirname(indexDir))} (kubectl krew index add netcheck ${path.dirname(indexDir)})`);
