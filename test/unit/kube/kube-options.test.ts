import { parseDuration } from '../../../shared/kube/kube-options.js';

describe('parseDuration (kubectl --request-timeout)', () => {
  it.each([
    ['0', 0],
    ['30', 30_000],
    ['30s', 30_000],
    ['1m', 60_000],
    ['1h2m3s', 3_723_000],
    ['500ms', 500],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '10x', '1m junk'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
});
