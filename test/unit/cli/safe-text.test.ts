import { escapeControl, escapeDeep } from '../../../shared/cli/safe-text.js';
import { checkDuration } from '../../../shared/cli/validate.js';

describe('escapeControl', () => {
  it.each([
    ['node-1\ntouch /tmp/x', 'node-1\\ntouch /tmp/x'],
    ['\u001b[2Jclear', '\\x1b[2Jclear'],
    ['a\rb', 'a\\rb'],
    ['bidi\u202eexe', 'bidi\\u202eexe'],
    ['tabs\tstay', 'tabs\tstay'],
    ['ünïcödé', 'ünïcödé'],
  ])('%j', (input, shown) => {
    expect(escapeControl(input)).toBe(shown);
  });

  it('escapeDeep escapes every string and key of plain data, leaving other values', () => {
    expect(escapeDeep({ 'k\n': ['a\u0007', 1, null, { b: 'c\r' }] })).toEqual({ 'k\\n': ['a\\x07', 1, null, { b: 'c\\r' }] });
  });
});

describe('checkDuration', () => {
  it.each([['30s', 30_000], ['1h2m', 3_720_000], ['0', 0], ['500ms', 500]])('%s', (text, ms) => {
    expect(checkDuration('--x', text, { allowZero: true })).toBe(ms);
  });
  it.each([['soon', /must be a duration/], ['0', /longer than 0/], ['999999h', /at most 24 days/], ['1e9s', /must be a duration/]])('refuses %s', (text, says) => {
    expect(() => checkDuration('--x', text)).toThrow(says);
  });
});
