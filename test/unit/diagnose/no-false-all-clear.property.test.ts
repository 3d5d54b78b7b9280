import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import { renderText } from '../../../shared/diagnose/render.js';
import type { Diagnosis } from '../../../shared/diagnose/types.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import type { ClusterSnapshot } from '../../../shared/snapshot/types.js';
import { writeBundle } from '../../../shared/snapshot/write-bundle.js';
import { failingCluster, healthyCluster, healthyClusterWithHistory } from './cluster-arbitraries.js';

/**
 * The invariant of issue 9: netcheck never says "Container network => OK" while the
 * evidence shows a failure, whether or not a rule can name it. Thousands of generated
 * clusters with failures injected through every evidence source (events, node
 * conditions, kubelet and runtime logs in file, journal and runtime form, pod logs,
 * pod states), worded with messages no rule has seen; a sample also goes through
 * writeBundle → readDump in the dump layouts the reader accepts. The control property
 * keeps the test honest: healthy clusters, history included, are OK.
 *
 * NETCHECK_PROPERTY_RUNS=30000 runs more; NETCHECK_PROPERTY_SEED=n another seed.
 */
const runs = Number(process.env['NETCHECK_PROPERTY_RUNS'] ?? 3000);
const seed = Number(process.env['NETCHECK_PROPERTY_SEED'] ?? 20261129);
const dumpRuns = Math.max(40, Math.round(runs / 25));
/** A hang guard, not a speed goal: generous for a loaded 2-core CI machine. */
const hangGuardMs = Math.max(120_000, runs * 40);

const allClear = (d: Diagnosis) => d.containerNetwork.status === 'OK';
const describeDiagnosis = (d: Diagnosis) => renderText(d, { color: false });

describe('no false all-clear (property)', () => {
  it(`${runs} generated failing clusters: none is "Container network => OK"`, () => {
    fc.assert(fc.property(failingCluster, ({ snapshot }) => {
      const diagnosis = diagnose(snapshot);
      if (allClear(diagnosis)) throw new Error(`false all-clear:\n${describeDiagnosis(diagnosis)}`);
    }), { numRuns: runs, seed });
  }, hangGuardMs);

  it(`${runs} generated failing clusters: NG always names something, quoting evidence, with a next command`, () => {
    fc.assert(fc.property(failingCluster, ({ snapshot }) => {
      const diagnosis = diagnose(snapshot);
      const [top] = diagnosis.findings;
      if (!top || top.evidence.length === 0 || top.nextCommands.length === 0 || top.evidence.some((e) => e.text === '')) {
        throw new Error(`NG without a finding that quotes evidence and says what to run:\n${describeDiagnosis(diagnosis)}`);
      }
    }), { numRuns: runs, seed: seed + 2 });
  }, hangGuardMs);

  it('every failure kind is generated and every one alone is NG', () => {
    const seen = new Map<string, number>();
    fc.assert(fc.property(failingCluster, ({ snapshot, kinds }) => {
      for (const kind of kinds) seen.set(kind, (seen.get(kind) ?? 0) + 1);
      expect(diagnose(snapshot).containerNetwork.status).toBe('NG');
    }), { numRuns: 500, seed: seed + 1 });
    expect([...seen.keys()].sort()).toEqual(['cni-daemon', 'coredns', 'node-log', 'node-state', 'sandbox-event']);
  }, hangGuardMs);

  it(`${runs} generated healthy clusters (control): all OK with no findings`, () => {
    fc.assert(fc.property(healthyCluster, ({ snapshot }) => {
      const diagnosis = diagnose(snapshot);
      if (!allClear(diagnosis) || diagnosis.findings.length > 0 || diagnosis.hostNetwork.status !== 'OK') {
        throw new Error(`healthy cluster not OK:\n${describeDiagnosis(diagnosis)}`);
      }
    }), { numRuns: runs, seed });
  }, hangGuardMs);

  it('healthy clusters with only history (old log lines, sandbox failures of pods Ready now or gone): OK, the old lines listed as history', () => {
    fc.assert(fc.property(healthyClusterWithHistory, (snapshot) => {
      const diagnosis = diagnose(snapshot);
      if (!allClear(diagnosis)) throw new Error(`history made it NG:\n${describeDiagnosis(diagnosis)}`);
      const oldLines = snapshot.nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.lastTransitionTime)).length;
      expect(diagnosis.history.length).toBeGreaterThanOrEqual(oldLines);
    }), { numRuns: Math.round(runs / 3), seed });
  }, hangGuardMs);

  describe('through a cluster-info dump folder', () => {
    let workDir: string;
    let counter = 0;
    beforeAll(async () => { workDir = await mkdtemp(path.join(tmpdir(), 'netcheck-property-')); });
    afterAll(async () => { await rm(workDir, { recursive: true, force: true }); });

    const viaDump = async (snapshot: ClusterSnapshot, layout: number): Promise<Diagnosis> => {
      const dir = path.join(workDir, String((counter += 1)));
      await writeBundle(snapshot, dir);
      await rewriteLayout(dir, layout);
      return diagnose(await readDump(dir));
    };

    it(`${dumpRuns} failing clusters written as dumps in every layout and read back: none OK, same verdict as in memory`, async () => {
      await fc.assert(fc.asyncProperty(failingCluster, fc.nat(), async ({ snapshot }, layout) => {
        const inMemory = diagnose(snapshot);
        const fromDump = await viaDump(snapshot, layout);
        if (allClear(fromDump)) throw new Error(`false all-clear through the dump (layout ${layout % layouts}):\n${describeDiagnosis(fromDump)}`);
        expect(fromDump.containerNetwork).toEqual(inMemory.containerNetwork);
      }), { numRuns: dumpRuns, seed });
    }, hangGuardMs);

    it(`${dumpRuns} healthy clusters written as dumps and read back: OK`, async () => {
      await fc.assert(fc.asyncProperty(healthyCluster, fc.nat(), async ({ snapshot }, layout) => {
        const fromDump = await viaDump(snapshot, layout);
        if (!allClear(fromDump)) throw new Error(`healthy dump not OK (layout ${layout % layouts}):\n${describeDiagnosis(fromDump)}`);
      }), { numRuns: dumpRuns, seed });
    }, hangGuardMs);
  });
});

const layouts = 4;

/**
 * The variations of a dump folder readDump accepts, beyond what writeBundle writes:
 * 0 as written; 1 JSON without indentation and without kind/apiVersion (older kubectl,
 * hand-made); 2 logs.txt of single-container pods without kubectl's START/END markers;
 * 3 optional lists (daemonsets, configmaps, an empty events.json) left out.
 */
async function rewriteLayout(dir: string, layout: number): Promise<void> {
  const variant = layout % layouts;
  if (variant === 0) return;
  for (const file of await walk(dir)) {
    const base = path.basename(file);
    if (variant === 1 && base.endsWith('.json') && base !== 'unreadable.json') {
      const { items } = JSON.parse(await readFile(file, 'utf8')) as { items: unknown[] };
      await writeFile(file, JSON.stringify({ items }));
    } else if (variant === 2 && base === 'logs.txt') {
      const text = await readFile(file, 'utf8');
      const containers = text.match(/^==== START logs for container /gm) ?? [];
      if (containers.length === 1) await writeFile(file, text.split('\n').filter((l) => !/^==== (START|END) logs for container /.test(l)).join('\n'));
    } else if (variant === 3 && (base === 'daemonsets.json' || base === 'configmaps.json')) {
      await rm(file);
    } else if (variant === 3 && base === 'events.json' && (await stat(path.join(path.dirname(file), 'pods.json')).catch(() => undefined))) {
      const { items } = JSON.parse(await readFile(file, 'utf8')) as { items: unknown[] };
      if (items.length === 0) await rm(file);
    }
  }
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : Promise.resolve([path.join(dir, e.name)]))));
  return nested.flat();
}
