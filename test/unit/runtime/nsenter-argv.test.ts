import { spawnSync } from 'node:child_process';
import { UsageError } from '../../../shared/cli/errors.js';
import { nsenterArgv } from '../../../shared/runtime/pid-lookup.js';

describe('nsenterArgv', () => {
  it('builds nsenter -t PID with one flag per namespace, then -- and the command', () => {
    expect(nsenterArgv(2092, ['net'], ['ip', '-j', 'addr'])).toEqual(['nsenter', '-t', '2092', '-n', '--', 'ip', '-j', 'addr']);
  });

  it('orders flags the same way whatever the request order, and drops duplicates', () => {
    expect(nsenterArgv(13479, ['ipc', 'net', 'mnt', 'net', 'uts', 'pid'], ['sh']))
      .toEqual(['nsenter', '-t', '13479', '-n', '-m', '-p', '-u', '-i', '--', 'sh']);
  });

  it('keeps a command that starts with "-" after --, as an argument', () => {
    expect(nsenterArgv(100, ['net'], ['-h'])).toEqual(['nsenter', '-t', '100', '-n', '--', '-h']);
  });

  it.each([
    [['network'], /unknown namespace "network"/],
    [['net', 'user', 'cgroup'], /unknown namespace "user", "cgroup"/],
    [[], /no namespace/],
  ])('refuses namespaces %j', (namespaces, message) => {
    expect(() => nsenterArgv(100, namespaces, ['true'])).toThrow(message);
    expect(() => nsenterArgv(100, namespaces, ['true'])).toThrow(UsageError);
  });

  it('refuses PIDs that are not a container process', () => {
    for (const pid of [0, 1, -5, 1.5, Number.NaN]) expect(() => nsenterArgv(pid, ['net'], ['true'])).toThrow(/not a container process/);
  });

  it('refuses an empty command', () => {
    expect(() => nsenterArgv(100, ['net'], [])).toThrow(/no command/);
    expect(() => nsenterArgv(100, ['net'], [''])).toThrow(/no command/);
  });

});

// Entering a namespace needs nsenter and CAP_SYS_ADMIN: where either is missing the test is skipped, visibly.
const nsenterRuns = (() => {
  const probe = spawnSync('nsenter', ['-t', String(process.pid), '-n', '--', 'true'], { encoding: 'utf8' });
  return probe.error === undefined && probe.status === 0;
})();
const itWithNsenter = nsenterRuns ? it : it.skip;

describe(`nsenterArgv on the real util-linux nsenter${nsenterRuns ? '' : ' (skipped: no nsenter here, or not root)'}`, () => {
  itWithNsenter('is accepted, entering our own net namespace', () => {
    const argv = nsenterArgv(process.pid, ['net'], ['echo', 'inside']);
    const result = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
    expect(result.stdout).toBe('inside\n');
  });
});
