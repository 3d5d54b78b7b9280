import { Readable } from 'node:stream';
import { announcingPid, PidLineStripper } from '../../../shared/ssh/remote-process.js';
import { hostKeyAlgorithmsPreferring } from '../../../shared/ssh/ssh-connect.js';

async function strip(chunks: string[]): Promise<{ pid: number | undefined; rest: string }> {
  const stripper = Readable.from(chunks.map((chunk) => Buffer.from(chunk))).pipe(new PidLineStripper());
  let rest = '';
  for await (const chunk of stripper) rest += String(chunk);
  return { pid: await stripper.pid, rest };
}

describe('PidLineStripper', () => {
  it('takes the PID line off the front of stderr, even split across chunks', async () => {
    expect(await strip(['netcheck-remote-pid=4', '2\nwarning: x\n', 'more'])).toEqual({ pid: 42, rest: 'warning: x\nmore' });
  });

  it('finds the PID line after whatever the login shell printed first', async () => {
    expect(await strip(['bash: .bashrc: line 3: oops\n', 'netcheck-remote-pid=7\nx'])).toEqual({ pid: 7, rest: 'bash: .bashrc: line 3: oops\nx' });
  });

  it('passes stderr through untouched when there is no PID line', async () => {
    const noise = 'y'.repeat(5000);
    expect(await strip([noise, '\nnetcheck-remote-pid=7\n'])).toEqual({ pid: undefined, rest: `${noise}\nnetcheck-remote-pid=7\n` });
    expect(await strip(['short'])).toEqual({ pid: undefined, rest: 'short' });
    expect(await strip([])).toEqual({ pid: undefined, rest: '' });
  });

  it('announces the PID of the shell that then becomes the command', () => {
    expect(announcingPid("printf '%s'")).toBe("echo netcheck-remote-pid=$$ >&2; exec printf '%s'");
  });
});

describe('hostKeyAlgorithmsPreferring', () => {
  it('asks for the key types known_hosts has first, RSA with its SHA-2 signatures', () => {
    expect(hostKeyAlgorithmsPreferring(['ssh-rsa']).slice(0, 4)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
    expect(hostKeyAlgorithmsPreferring(['ecdsa-sha2-nistp256'])[0]).toBe('ecdsa-sha2-nistp256');
    expect(new Set(hostKeyAlgorithmsPreferring(['ssh-ed25519'])).size).toBe(7);
  });
});
