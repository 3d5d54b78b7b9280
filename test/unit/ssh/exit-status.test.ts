import { signalExitCode } from '../../../shared/ssh/exit-status.js';

describe('signalExitCode', () => {
  it.each([['SIGINT', 130], ['SIGKILL', 137], ['TERM', 143], [undefined, 255], ['SIGNOPE', 255]])('%s → %d', (signal, code) =>
    expect(signalExitCode(signal)).toBe(code));
});
