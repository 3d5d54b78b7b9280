import { execFileSync, spawnSync } from 'node:child_process';
import { describeLab, lab } from '../../support/lab.js';

// Last of the e2e files: the machine is left as it was found.
describeLab('lab down at the end of the run', () => {
  it('leaves no lab namespace, process or mount', () => {
    lab('down');
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toMatch(/nclab-/);
    expect(spawnSync('pgrep', ['-x', 'kubelet']).status).toBe(1);
    expect(execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' })).not.toMatch(/netcheck-lab|nclab/);
  }, 300_000);
});
