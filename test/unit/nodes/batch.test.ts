import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { batchScript, parseBatchOutput } from '../../../shared/nodes/batch.js';
import { hostileStrings, splitNulTerminated } from '../../fixtures/ssh/hostile-strings.js';

const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((shell) => fs.existsSync(shell));

/** Runs the batch the way a node does: one `sh -c SCRIPT`. */
function runLocally(shell: string, commands: string[][]): { stdout: Buffer; status: number | null } {
  const result = spawnSync(shell, ['-c', batchScript(commands)], { maxBuffer: 64 << 20 });
  return { stdout: result.stdout, status: result.status };
}

describe.each(shells)('a batch through %s', (shell) => {
  const canary = path.join(os.tmpdir(), `netcheck-batch-canary-${process.pid}`);
  afterAll(() => fs.rmSync(canary, { force: true }));

  it('gives each command its own exit status, stdout and stderr, in order', () => {
    const commands = [
      ['sh', '-c', 'echo out; echo err >&2; exit 3'],
      ['printf', 'no newline'],
      ['sh', '-c', 'exit 0'],
      ['definitely-not-a-command-xyz'],
      ['cat'], // stdin is /dev/null: it must not wait
    ];
    const { stdout, status } = runLocally(shell, commands);
    expect(status).toBe(0);
    const results = parseBatchOutput(stdout, commands);
    expect(results.map((r) => [r.code, r.stdout])).toEqual([[3, 'out\n'], [0, 'no newline'], [0, ''], [127, ''], [0, '']]);
    expect(results[0]!.stderr).toBe('err\n');
    expect(results[3]!.stderr).toMatch(/not found/);
    expect(results[0]!.argv).toBe(commands[0]);
  });

  it('keeps binary output (NUL bytes, record-like lines) intact', () => {
    const commands = [['printf', 'NCBATCH 9 9 9 9\\n\\000\\001x'], ['printf', 'after']];
    const results = parseBatchOutput(runLocally(shell, commands).stdout, commands);
    expect(results[0]!.stdout).toBe('NCBATCH 9 9 9 9\n\0\x01x');
    expect(results[1]!.stdout).toBe('after');
  });

  it('1,000 hostile arguments arrive byte for byte, and none runs anything', () => {
    const strings = hostileStrings(1000, canary);
    const commands = Array.from({ length: 10 }, (_, i) => ['printf', '%s\\0', ...strings.slice(i * 100, i * 100 + 100)]);
    const results = parseBatchOutput(runLocally(shell, commands).stdout, commands);
    expect(results.flatMap((r) => splitNulTerminated(Buffer.from(r.stdout, 'utf8')))).toEqual(strings);
    expect(fs.existsSync(canary)).toBe(false);
  });
});

describe('parseBatchOutput', () => {
  it('returns the records that arrived when the batch was cut short', () => {
    const commands = [['a'], ['b']];
    const cut = Buffer.from('NCBATCH 0 0 3 0\nabcNCBATCH 1 0 10 0\nabc');
    expect(parseBatchOutput(cut, commands).map((r) => r.stdout)).toEqual(['abc']);
  });

  it('skips what a login shell printed before the first record', () => {
    const commands = [['a']];
    expect(parseBatchOutput(Buffer.from('welcome!\nNCBATCH 0 1 0 2\nno'), commands)).toEqual([{ argv: ['a'], code: 1, stdout: '', stderr: 'no' }]);
  });
});
