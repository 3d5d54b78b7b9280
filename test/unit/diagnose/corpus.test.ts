import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { diagnose } from '../../../shared/diagnose/diagnose.js';
import type { CauseCode } from '../../../shared/diagnose/types.js';
import { readDump } from '../../../shared/snapshot/read-dump.js';
import { writeBundle } from '../../../shared/snapshot/write-bundle.js';
import { corpusCaseToSnapshot, type CorpusCaseInput } from './corpus-case-to-snapshot.js';

/**
 * Real failure cases from public issue threads (test/fixtures/corpus/README.md):
 * each becomes a cluster-info dump folder, is read back and diagnosed, and the top
 * finding is compared with the cause the thread established.
 */
interface CorpusCase extends CorpusCaseInput {
  source: string;
  root_cause: string;
  fix: string;
}

/** "other" is right when the tool does not blame the container network. */
const notNetwork: (CauseCode | 'NONE')[] = ['NOT_A_NETWORK_FAULT', 'CNI_PLUGIN_ERROR', 'CNI_CREDENTIALS_REJECTED', 'PROBE_TARGET_NOT_LISTENING', 'UNKNOWN', 'NONE'];
const expectedCodes: Record<string, (CauseCode | 'NONE')[]> = {
  'cni-not-installed': ['CNI_NOT_INSTALLED'],
  'cni-binary-missing': ['CNI_PLUGIN_BINARY_MISSING'],
  'cni-config-invalid': ['CNI_CONFIG_INVALID'],
  'cni-daemon-not-running': ['CNI_DAEMON_NOT_READY'],
  'subnet-env-missing': ['FLANNEL_SUBNET_ENV_MISSING'],
  'bridge-ip-conflict': ['BRIDGE_ADDRESS_CONFLICT'],
  'ipam-exhausted': ['IPAM_EXHAUSTED'],
  'podcidr-not-assigned': ['POD_CIDR_NOT_ASSIGNED'],
  'probe-network-unreachable': ['POD_NETWORK_UNREACHABLE'],
  'kube-proxy/iptables': ['SERVICE_PROXY_BROKEN'],
  'br_netfilter/sysctl': ['HOST_NETFILTER_SETTINGS'],
  'mtu': ['MTU_MISMATCH'],
  'dns-loop': ['DNS_FORWARDING_LOOP'],
  'other': notNetwork,
};

// NETCHECK_CORPUS=path/to/other.jsonl runs the same check on another set of cases.
const corpusFile = process.env['NETCHECK_CORPUS'] ?? new URL('../../fixtures/corpus/dev.jsonl', import.meta.url);
const cases: CorpusCase[] = readFileSync(corpusFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as CorpusCase);

describe('corpus of real cases (dev set)', () => {
  let workDir: string;
  beforeAll(async () => { workDir = await mkdtemp(path.join(tmpdir(), 'netcheck-corpus-')); });
  afterAll(async () => { await rm(workDir, { recursive: true, force: true }); });

  it('names the established cause first in at least 90% of the cases', async () => {
    const misses: string[] = [];
    for (const corpusCase of cases) {
      // The converter gets the evidence only: never the answer.
      const { root_cause: rootCause, fix: _fix, source: _source, ...input } = corpusCase;
      const dumpDir = path.join(workDir, corpusCase.id);
      await writeBundle(corpusCaseToSnapshot(input), dumpDir);
      const diagnosis = diagnose(await readDump(dumpDir));
      const top = diagnosis.findings[0]?.code ?? 'NONE';
      const expected = expectedCodes[rootCause];
      if (!expected) throw new Error(`${corpusCase.id}: unknown root_cause ${rootCause}`);
      if (!expected.includes(top)) {
        misses.push(`${corpusCase.id}: expected ${rootCause} (${expected.join('|')}), got ${top}` +
          ` [${diagnosis.findings.map((f) => `${f.code} ${f.confidence.toFixed(2)}`).join(', ')}]`);
      }
    }
    const share = (cases.length - misses.length) / cases.length;
    console.log(`corpus: ${cases.length - misses.length}/${cases.length} = ${(share * 100).toFixed(1)}%\n${misses.map((m) => `  miss ${m}`).join('\n')}`);
    expect(cases.length).toBeGreaterThan(0);
    expect(share).toBeGreaterThanOrEqual(0.9);
  });
});
