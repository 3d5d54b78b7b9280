import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binaryFormat, machoSignatureProblems } from '../../support/binary-format.js';
import { repoRoot } from '../../support/built-binaries.js';

// The build's ad-hoc signer (scripts/macho-sign.mjs, run as the build runs it)
// on a small Mach-O laid out like a linked executable: __TEXT with a section
// after spare header space, __LINKEDIT last in the file. The release test runs
// the same checks on the real darwin binaries.

const arm64 = 0x0100000c;

function segment(name: string, fileoff: number, filesize: number, sections: number[]): Buffer {
  const cmd = Buffer.alloc(72 + sections.length * 80);
  cmd.writeUInt32LE(0x19, 0);
  cmd.writeUInt32LE(cmd.length, 4);
  cmd.write(name, 8, 'latin1');
  cmd.writeBigUInt64LE(BigInt(0x100000000 + fileoff), 24);
  cmd.writeBigUInt64LE(BigInt(Math.ceil(filesize / 0x4000) * 0x4000), 32);
  cmd.writeBigUInt64LE(BigInt(fileoff), 40);
  cmd.writeBigUInt64LE(BigInt(filesize), 48);
  cmd.writeUInt32LE(sections.length, 64);
  sections.forEach((offset, i) => {
    cmd.write('__text', 72 + i * 80, 'latin1');
    cmd.write(name, 72 + i * 80 + 16, 'latin1');
    cmd.writeUInt32LE(offset, 72 + i * 80 + 48);
  });
  return cmd;
}

/** An unsigned MH_EXECUTE: 3 pages of __TEXT (code from 0x1000), a __LINKEDIT of 5000 bytes. */
function unsignedMachO(): Buffer {
  const text = segment('__TEXT', 0, 0x3000, [0x1000]);
  const linkedit = segment('__LINKEDIT', 0x3000, 5000, []);
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(arm64, 4);
  header.writeUInt32LE(2, 12);
  header.writeUInt32LE(2, 16);
  header.writeUInt32LE(text.length + linkedit.length, 20);
  const file = Buffer.alloc(0x3000 + 5000);
  Buffer.concat([header, text, linkedit]).copy(file);
  for (let i = 0x1000; i < file.length; i++) file[i] = (i * 7) & 0xff;
  return file;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'macho-sign-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sign(buf: Buffer): Buffer {
  const file = path.join(dir, 'bin');
  fs.writeFileSync(file, buf);
  execFileSync('node', [path.join(repoRoot, 'scripts', 'macho-sign.mjs'), file, 'test-ident']);
  return fs.readFileSync(file);
}

describe('ad-hoc Mach-O signature', () => {
  it('an unsigned Mach-O fails the loader rules', () => {
    expect(machoSignatureProblems(unsignedMachO())).toEqual(['no LC_CODE_SIGNATURE load command']);
  });

  it('meets every loader rule once signed: page hashes, code limit, __LINKEDIT, alignment', () => {
    const signed = sign(unsignedMachO());
    expect(binaryFormat(signed)).toEqual({ format: 'macho', arch: 'arm64' });
    expect(machoSignatureProblems(signed)).toEqual([]);
    expect(signed.subarray(0x1000, 0x3000 + 5000)).toEqual(unsignedMachO().subarray(0x1000));
  });

  it('replaces its own signature rather than stacking a second one', () => {
    const once = sign(unsignedMachO());
    expect(sign(once)).toEqual(once);
  });

  it('a changed byte after signing breaks its page hash', () => {
    const signed = sign(unsignedMachO());
    signed[0x2345] = (signed[0x2345]! + 1) & 0xff;
    expect(machoSignatureProblems(signed)).toEqual([expect.stringMatching(/^1 of \d+ page hashes do not verify$/)]);
  });

  it('refuses a Mach-O whose header has no room for the load command', () => {
    const tight = unsignedMachO();
    // Move the first section up against the load commands.
    tight.writeUInt32LE(32 + tight.readUInt32LE(20) + 8, 32 + 72 + 48);
    const file = path.join(dir, 'tight');
    fs.writeFileSync(file, tight);
    expect(() => execFileSync('node', [path.join(repoRoot, 'scripts', 'macho-sign.mjs'), file], { stdio: 'pipe' })).toThrow(/no room in the Mach-O header/);
  });
});
