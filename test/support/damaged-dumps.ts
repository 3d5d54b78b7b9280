import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './built-binaries.js';

export const fixtureDumps = path.join(repoRoot, 'test', 'fixtures', 'dumps');

/** Copies a recorded dump into dir/dump (a fresh copy per case) and returns its path. */
export function copyDump(name: string, dir: string): string {
  const target = path.join(dir, 'dump');
  fs.cpSync(path.join(fixtureDumps, name), target, { recursive: true });
  return target;
}

type Json = Record<string, unknown>;

/** Edits a JSON file of the dump in place. */
export function editJson(file: string, edit: (doc: Json) => unknown): void {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  const result = edit(doc);
  fs.writeFileSync(file, JSON.stringify(result === undefined ? doc : result));
}

export function editNodes(dump: string, edit: (nodes: Json[]) => void): void {
  editJson(path.join(dump, 'nodes.json'), (doc) => { edit(doc.items as Json[]); });
}

export function replaceWith(file: string, content: string | Buffer): void {
  fs.rmSync(file, { recursive: true, force: true });
  fs.writeFileSync(file, content);
}

export function replaceWithSymlink(file: string, target: string): void {
  fs.rmSync(file, { recursive: true, force: true });
  fs.symlinkSync(target, file);
}

export function replaceWithFifo(file: string): void {
  fs.rmSync(file, { recursive: true, force: true });
  execFileSync('mkfifo', [file]);
}

export function replaceWithSparse(file: string, bytes: number): void {
  fs.rmSync(file, { recursive: true, force: true });
  const fd = fs.openSync(file, 'w');
  fs.ftruncateSync(fd, bytes);
  fs.closeSync(fd);
}

/** A dump of `count` pods, all on one node (the case that made grouping quadratic). */
export function writeBigDump(dir: string, count: number, options: { oneList?: boolean } = {}): string {
  const dump = path.join(dir, 'big-dump');
  fs.mkdirSync(path.join(dump, 'default'), { recursive: true });
  const node = {
    metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.0.0/24' },
    status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }], addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
  };
  fs.writeFileSync(path.join(dump, 'nodes.json'), JSON.stringify({ kind: 'NodeList', items: [node] }));
  const pods: string[] = [];
  for (let i = 0; i < count; i++) {
    pods.push(JSON.stringify({
      metadata: { name: `web-${i}`, namespace: 'default', uid: `uid-${i}` },
      spec: { nodeName: 'node-1', containers: [{ name: 'web' }] },
      status: { phase: 'Running', podIP: `10.244.${(i >> 8) & 255}.${i & 255}`, conditions: [{ type: 'Ready', status: 'True' }],
        containerStatuses: [{ name: 'web', ready: true, restartCount: 0, state: { running: {} } }] },
    }));
  }
  fs.writeFileSync(path.join(dump, 'default', 'pods.json'), `{"kind":"PodList","items":[${pods.join(',')}]}`);
  fs.writeFileSync(path.join(dump, 'default', 'events.json'), '{"kind":"EventList","items":[]}');
  void options;
  return dump;
}
