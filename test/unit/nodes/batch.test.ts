import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { batchScript, newBoundary, parseBatchOutput, type BatchResult } from '../../../shared/nodes/batch.js';
import { hostileStrings, splitNulTerminated } from '../../fixtures/ssh/hostile-strings.js';

const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((shell) => fs.existsSync(shell));

/** Runs the batch the way a node does: one `sh -c SCRIPT`, parsed back. */
function runLocally(shell: string, commands: string[][], stopAtFirstFailure = false): { results: BatchResult[]; status: number | null } {
  const boundary = newBoundary();
  const result = spawnSync(shell, ['-c', batchScript(commands, boundary, stopAtFirstFailure)], { maxBuffer: 64 << 20 });
  return { results: parseBatchOutput(result.stdout, result.stderr, commands, boundary), status: result.status };
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
    const { results, status } = runLocally(shell, commands);
    expect(status).toBe(0);
    expect(results.map((r) => [r.code, r.stdout])).toEqual([[3, 'out\n'], [0, 'no newline'], [0, ''], [127, ''], [0, '']]);
    expect(results[0]!.stderr).toBe('err\n');
    expect(results[3]!.stderr).toMatch(/not found/);
    expect(results[0]!.argv).toBe(commands[0]);
  });

  it('keeps binary output (NUL bytes, lines like another batch\'s boundary, trailing newlines) intact', () => {
    const other = newBoundary();
    const commands = [['printf', `\\n${other} 1 0\\n\\000\\001x\\n\\n`], ['sh', '-c', `printf '\\n${other} 1\\n' >&2; printf after`]];
    const { results } = runLocally(shell, commands);
    expect(results[0]!.stdout).toBe(`\n${other} 1 0\n\0\x01x\n\n`);
    expect(results[1]!.stdout).toBe('after');
    expect(results[1]!.stderr).toBe(`\n${other} 1\n`);
  });

  it('stops after the first failure when asked, the failed command last', () => {
    const { results } = runLocally(shell, [['true'], ['sh', '-c', 'echo no >&2; exit 4'], ['echo', 'never']], true);
    expect(results.map((r) => [r.code, r.stderr])).toEqual([[0, ''], [4, 'no\n']]);
  });

  it('1,000 hostile arguments arrive byte for byte, and none runs anything', () => {
    const strings = hostileStrings(1000, canary);
    const commands = Array.from({ length: 10 }, (_, i) => ['printf', '%s\\0', ...strings.slice(i * 100, i * 100 + 100)]);
    const { results } = runLocally(shell, commands);
    expect(results.flatMap((r) => splitNulTerminated(Buffer.from(r.stdout, 'utf8')))).toEqual(strings);
    expect(fs.existsSync(canary)).toBe(false);
  });
});

describe('parseBatchOutput', () => {
  const boundary = newBoundary();
  const out = (...parts: string[]) => Buffer.from(parts.join(''));

  it('returns the commands that finished when the batch was cut short', () => {
    const commands = [['a'], ['b']];
    const stdout = out(`${boundary} start\n`, 'abc', `\n${boundary} 0 0\n`, 'partial');
    const stderr = out(`${boundary} start\n`, `\n${boundary} 0\n`, 'b said');
    expect(parseBatchOutput(stdout, stderr, commands, boundary)).toEqual([{ argv: ['a'], code: 0, stdout: 'abc', stderr: '' }]);
  });

  it('skips what a login shell printed before the batch started, on both streams', () => {
    const commands = [['a']];
    const stdout = out('welcome!\n', `${boundary} start\n`, `\n${boundary} 0 1\n`);
    const stderr = out('bashrc: warning\n', `${boundary} start\n`, 'no', `\n${boundary} 0\n`);
    expect(parseBatchOutput(stdout, stderr, commands, boundary)).toEqual([{ argv: ['a'], code: 1, stdout: '', stderr: 'no' }]);
  });

  it('finds nothing in output that never started the batch (the prelude failed)', () => {
    expect(parseBatchOutput(out('x'), out('no live process\n'), [['a']], boundary)).toEqual([]);
  });
});

describe('batchScript', () => {
  it('refuses a boundary that is not one newBoundary() makes (it is written into the script unquoted)', () => {
    expect(() => batchScript([['true']], 'x; rm -rf /')).toThrow(/not a boundary/);
    expect(newBoundary()).not.toBe(newBoundary());
  });
});
