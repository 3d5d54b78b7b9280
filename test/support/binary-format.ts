import crypto from 'node:crypto';

// Reads executables the way their loaders do, independently of the build's
// writer (scripts/macho-sign.mjs), so the release test checks the format, not
// the writer against itself.

export interface BinaryFormat {
  format: 'elf' | 'macho' | 'pe' | 'unknown';
  arch: 'amd64' | 'arm64' | 'unknown';
}

export function binaryFormat(buf: Buffer): BinaryFormat {
  if (buf.readUInt32BE(0) === 0x7f454c46) {
    const machine = buf.readUInt16LE(0x12);
    return { format: 'elf', arch: machine === 0x3e ? 'amd64' : machine === 0xb7 ? 'arm64' : 'unknown' };
  }
  if (buf.readUInt32LE(0) === 0xfeedfacf) {
    const cputype = buf.readUInt32LE(4);
    return { format: 'macho', arch: cputype === 0x01000007 ? 'amd64' : cputype === 0x0100000c ? 'arm64' : 'unknown' };
  }
  if (buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(0x3c);
    if (buf.toString('latin1', pe, pe + 4) === 'PE\0\0') {
      const machine = buf.readUInt16LE(pe + 4);
      return { format: 'pe', arch: machine === 0x8664 ? 'amd64' : machine === 0xaa64 ? 'arm64' : 'unknown' };
    }
  }
  return { format: 'unknown', arch: 'unknown' };
}

/** The PE certificate table (data directory 4): zero when no Authenticode signature is left. */
export function peCertificateTable(buf: Buffer): { offset: number; size: number } {
  const pe = buf.readUInt32LE(0x3c);
  const optional = pe + 24;
  const magic = buf.readUInt16LE(optional);
  const dataDirectories = optional + (magic === 0x20b ? 112 : 96);
  return { offset: buf.readUInt32LE(dataDirectories + 4 * 8), size: buf.readUInt32LE(dataDirectories + 4 * 8 + 4) };
}

interface Segment {
  name: string;
  fileoff: number;
  filesize: number;
}

/**
 * Every rule an ad-hoc Mach-O signature must meet for the loader (xnu, dyld),
 * as a list of broken rules (empty when the signature is good).
 */
export function machoSignatureProblems(buf: Buffer): string[] {
  const problems: string[] = [];
  const ncmds = buf.readUInt32LE(16);
  const segments: Segment[] = [];
  let signature: { dataoff: number; datasize: number } | undefined;
  let offset = 32;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(offset);
    if (cmd === 0x19) {
      segments.push({
        name: buf.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, ''),
        fileoff: Number(buf.readBigUInt64LE(offset + 40)),
        filesize: Number(buf.readBigUInt64LE(offset + 48)),
      });
    } else if (cmd === 0x1d) {
      if (signature) problems.push('more than one LC_CODE_SIGNATURE');
      signature = { dataoff: buf.readUInt32LE(offset + 8), datasize: buf.readUInt32LE(offset + 12) };
    }
    offset += buf.readUInt32LE(offset + 4);
  }
  if (!signature) return ['no LC_CODE_SIGNATURE load command'];
  const linkedit = segments.find((s) => s.name === '__LINKEDIT');
  const text = segments.find((s) => s.name === '__TEXT');
  if (!linkedit || !text) return ['no __LINKEDIT or __TEXT segment'];
  const { dataoff, datasize } = signature;
  if (dataoff % 16 !== 0) problems.push(`signature offset ${dataoff} is not 16-byte aligned`);
  if (dataoff < linkedit.fileoff || dataoff + datasize > linkedit.fileoff + linkedit.filesize) {
    problems.push('signature is not inside __LINKEDIT');
  }
  if (linkedit.fileoff + linkedit.filesize !== buf.length) problems.push('__LINKEDIT does not end at the end of the file');
  if (dataoff + datasize !== buf.length) problems.push('signature does not end at the end of the file');
  for (const s of segments) {
    if (s !== linkedit && s.filesize > 0 && s.fileoff + s.filesize > linkedit.fileoff) problems.push(`segment ${s.name} lies after __LINKEDIT`);
  }
  const sig = buf.subarray(dataoff, dataoff + datasize);
  if (sig.readUInt32BE(0) !== 0xfade0cc0) return [...problems, 'no embedded-signature SuperBlob'];
  const count = sig.readUInt32BE(8);
  const slots = new Map<number, Buffer>();
  for (let i = 0; i < count; i++) {
    const type = sig.readUInt32BE(12 + i * 8);
    const at = sig.readUInt32BE(16 + i * 8);
    slots.set(type, sig.subarray(at, at + sig.readUInt32BE(at + 4)));
  }
  const cd = slots.get(0);
  if (!cd || cd.readUInt32BE(0) !== 0xfade0c02) return [...problems, 'no CodeDirectory in slot 0'];
  const version = cd.readUInt32BE(8);
  const flags = cd.readUInt32BE(12);
  const hashOffset = cd.readUInt32BE(16);
  const identOffset = cd.readUInt32BE(20);
  const nSpecialSlots = cd.readUInt32BE(24);
  const nCodeSlots = cd.readUInt32BE(28);
  const codeLimit = cd.readUInt32BE(32);
  const hashSize = cd.readUInt8(36);
  const hashType = cd.readUInt8(37);
  const pageShift = cd.readUInt8(39);
  if (version < 0x20400) problems.push(`CodeDirectory version ${version.toString(16)} has no executable-segment fields`);
  if ((flags & 0x2) === 0) problems.push('CodeDirectory is not flagged ad-hoc');
  if (hashType !== 2 || hashSize !== 32) problems.push('CodeDirectory hashes are not SHA-256');
  if (pageShift !== 12) problems.push(`page size 2^${pageShift}, not 4 KiB`);
  if (codeLimit !== dataoff) problems.push(`code limit ${codeLimit} is not the signature offset ${dataoff}`);
  if (nCodeSlots !== Math.ceil(codeLimit / 4096)) problems.push('number of page hashes does not cover the code limit');
  const identifier = cd.toString('utf8', identOffset, cd.indexOf(0, identOffset));
  if (identifier === '') problems.push('empty identifier');
  let badPages = 0;
  for (let page = 0; page < nCodeSlots; page++) {
    const digest = crypto.createHash('sha256').update(buf.subarray(page * 4096, Math.min(codeLimit, (page + 1) * 4096))).digest();
    if (!digest.equals(cd.subarray(hashOffset + page * 32, hashOffset + page * 32 + 32))) badPages++;
  }
  if (badPages > 0) problems.push(`${badPages} of ${nCodeSlots} page hashes do not verify`);
  const requirements = slots.get(2);
  if (!requirements || requirements.readUInt32BE(0) !== 0xfade0c01) problems.push('no requirements blob in slot 2');
  else if (nSpecialSlots < 2) problems.push('CodeDirectory has no requirements slot');
  else {
    const expected = crypto.createHash('sha256').update(requirements).digest();
    if (!expected.equals(cd.subarray(hashOffset - 2 * 32, hashOffset - 32))) problems.push('requirements hash does not verify');
  }
  const cms = slots.get(0x10000);
  if (!cms || cms.readUInt32BE(0) !== 0xfade0b01) problems.push('no CMS wrapper blob in slot 0x10000');
  const execSegBase = Number(cd.readBigUInt64BE(64));
  const execSegLimit = Number(cd.readBigUInt64BE(72));
  if (execSegBase !== text.fileoff || execSegLimit !== text.filesize) problems.push('executable segment is not __TEXT');
  if ((Number(cd.readBigUInt64BE(80)) & 1) === 0) problems.push('executable segment not flagged as main binary');
  return problems;
}
