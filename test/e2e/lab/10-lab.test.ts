import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../../support/built-binaries.js';
import { describeLab } from '../../support/lab.js';

// The lab's own acceptance run (scripts/lab/selftest.sh), for real: up from nothing, nodes with
// their InternalIPs, RBAC of the view-only and no-events contexts, OpenSSH into every node with
// strict host key checking (only that node's processes; cni0 in ready), every scenario reached
// (wall times are reported in its summary, not asserted: only its hang guards fail) and read back as
// kubelet wrote it, the scale mode, then down leaving nothing behind.
describeLab('the lab', () => {
  it('passes its acceptance run: up, every scenario, scale, down with no residue', () => {
    const run = spawnSync('bash', [path.join(repoRoot, 'scripts', 'lab', 'selftest.sh')], { encoding: 'utf8', timeout: 2_400_000 });
    const lines = `${run.stdout}\n${run.stderr}`.split('\n');
    const failures = lines.filter((l) => l.startsWith('FAIL'));
    process.stdout.write(`${lines.filter((l) => /^(PASS|FAIL|TIME|wall times|selftest:)/.test(l)).join('\n')}\n`);
    expect(failures).toEqual([]);
    expect(run.status).toBe(0);
    expect(lines.filter((l) => l.startsWith('PASS')).length).toBeGreaterThan(30);
  }, 2_400_000);
});
