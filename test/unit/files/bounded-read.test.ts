import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { capLineLength, FileTooLargeError, readBoundedFileSync, readBoundedText } from '../../../shared/files/bounded-read.js';

describe('capLineLength', () => {
  it('leaves short lines alone and cuts long ones, saying how much', () => {
    expect(capLineLength('a\nb\n', 4)).toBe('a\nb\n');
    expect(capLineLength(`ok\n${'x'.repeat(10)}\nend`, 4)).toBe('ok\nxxxx [... 6 more characters cut]\nend');
  });

  it('an 80,000-character line in a 5 MB log is cut in linear time', () => {
    const log = `${'E1129 short line\n'.repeat(300_000)}${'A'.repeat(80_000)}\n`;
    const capped = capLineLength(log);
    expect(capped.split('\n').at(-2)).toMatch(/^A{4096} \[\.\.\. 75904 more characters cut\]$/);
    expect(capped.length).toBeLessThan(log.length);
  });
});

describe('bounded reads', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netcheck-bounded-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses devices, FIFOs and folders instead of reading them', async () => {
    await expect(readBoundedText('/dev/zero', 1024)).rejects.toThrow('/dev/zero is not a regular file');
    expect(() => readBoundedFileSync('/dev/zero')).toThrow('/dev/zero is not a regular file');
    await expect(readBoundedText(dir, 1024)).rejects.toThrow('is not a regular file');
  });

  it('refuses a file over the cap by its size, without reading it', async () => {
    const file = path.join(dir, 'big');
    fs.writeFileSync(file, 'x'.repeat(2048));
    await expect(readBoundedText(file, 1024)).rejects.toBeInstanceOf(FileTooLargeError);
    expect(() => readBoundedFileSync(file, 1024)).toThrow(/more than the 0\.00 MiB|more than/);
    expect(await readBoundedText(file, 4096)).toBe('x'.repeat(2048));
  });

  it('a missing file is undefined (async) or ENOENT (sync)', async () => {
    expect(await readBoundedText(path.join(dir, 'nope'), 10)).toBeUndefined();
    expect(() => readBoundedFileSync(path.join(dir, 'nope'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
