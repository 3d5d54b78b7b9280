import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PluginError } from '../../../shared/cli/errors.js';
import { isSudoPasswordFailure, quoteArg, quoteArgv, quoteArgvForDisplay, sudoPasswordError, withSudo } from '../../../shared/ssh/quote.js';
import { hostileStrings, splitNulTerminated } from '../../fixtures/ssh/hostile-strings.js';

/** What a POSIX shell makes of our command line: the argv printf receives. */
function argvSeenBy(shell: string, argv: readonly string[]): string[] {
  const result = spawnSync(shell, ['-c', `printf '%s\\0' ${quoteArgv(argv)}`], { maxBuffer: 64 * 1024 * 1024 });
  expect(result.stderr.toString()).toBe('');
  return splitNulTerminated(result.stdout);
}

const shells = ['/bin/sh', '/bin/bash', '/bin/dash'].filter((shell) => fs.existsSync(shell));

describe('quoteArgv', () => {
  it.each([
    [['ls', '-la'], 'ls -la'],
    [['echo', ''], "echo ''"],
    [['echo', "it's"], "echo 'it'\\''s'"],
    [['ip', 'route', 'get', '10.0.0.1'], 'ip route get 10.0.0.1'],
    [['env', 'A=B'], "env 'A=B'"],
    [['ls', '~'], "ls '~'"],
  ])('%j is written %s', (argv, expected) => expect(quoteArgv(argv)).toBe(expected));

  it('refuses an empty command and NUL bytes', () => {
    expect(() => quoteArgv([])).toThrow(/at least one argument/);
    expect(() => quoteArg('a\0b')).toThrow(PluginError);
  });

  describe.each(shells)('round trip through %s', (shell) => {
    const canary = path.join(os.tmpdir(), `netcheck-quote-canary-${process.pid}`);
    afterAll(() => fs.rmSync(canary, { force: true }));

    it('1,000 hostile strings arrive byte for byte, and none runs anything', () => {
      const strings = hostileStrings(1000, canary);
      for (let start = 0; start < strings.length; start += 100) {
        const batch = strings.slice(start, start + 100);
        expect(argvSeenBy(shell, batch)).toEqual(batch);
      }
      expect(fs.existsSync(canary)).toBe(false);
    });

    it('keeps a leading-dash string as one argument', () => {
      expect(argvSeenBy(shell, ['-n', '--', '-e x'])).toEqual(['-n', '--', '-e x']);
    });
  });
});

describe('sudo', () => {
  it('wraps commands for a non-root user only', () => {
    expect(withSudo(['ip', 'link'], 'ubuntu')).toEqual(['sudo', '-n', '--', 'ip', 'link']);
    expect(withSudo(['ip', 'link'], 'root')).toEqual(['ip', 'link']);
  });

  it('recognises sudo -n asking for a password', () => {
    expect(isSudoPasswordFailure(1, 'sudo: a password is required\n')).toBe(true);
    expect(isSudoPasswordFailure(1, 'sudo: a terminal is required to read the password; either use the -S option ...')).toBe(true);
    expect(isSudoPasswordFailure(1, 'ip: command failed')).toBe(false);
    expect(isSudoPasswordFailure(0, 'sudo: a password is required')).toBe(false);
  });

  it('explains the fix', () => {
    const error = sudoPasswordError('worker-1', 'ubuntu');
    expect(error.message).toContain('worker-1');
    expect(error.hint).toMatch(/NOPASSWD/);
    expect(error.hint).toMatch(/--ssh-user root/);
  });
});

describe('quoteArgvForDisplay (--dry-run lines)', () => {
  it.each([
    ['a node name with a newline and a command', ['ip', 'link', 'del', 'x\ntouch /tmp/pwned']],
    ['an escape sequence', ['echo', '\u001b[2J\u001b]0;title\u0007']],
    ['quotes and backslashes next to control characters', ["it's\\\n\t'"]],
  ])('%s stays on one line and bash reads back the same argv', (_name, argv) => {
    const line = quoteArgvForDisplay(argv);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f]/);
    const readBack = execFileSync('bash', ['-c', `printf '%s\\0' ${line}`]);
    expect(readBack.toString('utf8').split('\0').slice(0, -1)).toEqual(argv);
  });
});
