// Ad-hoc code signature for a thin 64-bit Mach-O executable, written with
// node:crypto because neither Debian nor npm has a signer (no codesign, ldid,
// rcodesign). macOS on arm64 kills unsigned executables, and postject drops
// node's own signature when it injects the blob, so the build signs again.
//
// What the kernel checks for an ad-hoc signature (xnu's cs_validate_csblob and
// dyld's load-command rules): an LC_CODE_SIGNATURE load command whose
// dataoff/datasize lie inside __LINKEDIT at the end of the file, 16-byte
// aligned; a SuperBlob holding a CodeDirectory (SHA-256 hash of every 4 KiB
// page of the file up to the signature, flags adhoc, the __TEXT segment as the
// executable segment), an empty requirements set and an empty CMS wrapper.
//
//   node scripts/macho-sign.mjs FILE [IDENTIFIER]     signs FILE in place
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const MH_MAGIC_64 = 0xfeedfacf;
const MH_EXECUTE = 2;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;

export const CSMAGIC = {
  requirements: 0xfade0c01,
  codeDirectory: 0xfade0c02,
  embeddedSignature: 0xfade0cc0,
  blobWrapper: 0xfade0b01,
};
export const CSSLOT = { codeDirectory: 0, requirements: 2, signature: 0x10000 };
export const CS_ADHOC = 0x2;
export const CS_EXECSEG_MAIN_BINARY = 0x1;
const CS_HASHTYPE_SHA256 = 2;
const CD_VERSION_EXECSEG = 0x20400;
const CD_HEADER_SIZE = 88; // through execSegFlags (version 0x20400)
export const PAGE_SHIFT = 12;
const PAGE_SIZE = 1 << PAGE_SHIFT;
const SEGMENT_ALIGN = 0x4000; // arm64 page; a multiple of x86_64's

const align = (n, to) => Math.ceil(n / to) * to;

/** Load commands of a thin little-endian 64-bit Mach-O: offset, cmd, and for segments their fields. */
export function readLoadCommands(buf) {
  if (buf.readUInt32LE(0) !== MH_MAGIC_64) throw new Error('not a thin 64-bit little-endian Mach-O (fat binaries are not supported)');
  const header = { filetype: buf.readUInt32LE(12), ncmds: buf.readUInt32LE(16), sizeofcmds: buf.readUInt32LE(20) };
  const commands = [];
  let offset = 32;
  for (let i = 0; i < header.ncmds; i++) {
    const cmd = buf.readUInt32LE(offset);
    const cmdsize = buf.readUInt32LE(offset + 4);
    const command = { offset, cmd, cmdsize };
    if (cmd === LC_SEGMENT_64) {
      command.segname = buf.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, '');
      command.vmsize = buf.readBigUInt64LE(offset + 32);
      command.fileoff = Number(buf.readBigUInt64LE(offset + 40));
      command.filesize = Number(buf.readBigUInt64LE(offset + 48));
      const nsects = buf.readUInt32LE(offset + 64);
      command.sectionOffsets = [];
      for (let s = 0; s < nsects; s++) command.sectionOffsets.push(buf.readUInt32LE(offset + 72 + s * 80 + 48));
    } else if (cmd === LC_CODE_SIGNATURE) {
      command.dataoff = buf.readUInt32LE(offset + 8);
      command.datasize = buf.readUInt32LE(offset + 12);
    }
    commands.push(command);
    offset += cmdsize;
  }
  return { header, commands };
}

function blob(magic, body) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(magic, 0);
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

function codeDirectory(code, identifier, requirementsHash, execSeg) {
  const ident = Buffer.from(`${identifier}\0`, 'utf8');
  const nSpecialSlots = CSSLOT.requirements; // slots -1 (Info.plist: none) and -2 (requirements)
  const nCodeSlots = Math.ceil(code.length / PAGE_SIZE);
  const hashOffset = CD_HEADER_SIZE + ident.length + nSpecialSlots * 32;
  const cd = Buffer.alloc(hashOffset + nCodeSlots * 32);
  cd.writeUInt32BE(CSMAGIC.codeDirectory, 0);
  cd.writeUInt32BE(cd.length, 4);
  cd.writeUInt32BE(CD_VERSION_EXECSEG, 8);
  cd.writeUInt32BE(CS_ADHOC, 12);
  cd.writeUInt32BE(hashOffset, 16);
  cd.writeUInt32BE(CD_HEADER_SIZE, 20); // identOffset
  cd.writeUInt32BE(nSpecialSlots, 24);
  cd.writeUInt32BE(nCodeSlots, 28);
  cd.writeUInt32BE(code.length, 32); // codeLimit
  cd.writeUInt8(32, 36); // hashSize
  cd.writeUInt8(CS_HASHTYPE_SHA256, 37);
  cd.writeUInt8(0, 38); // platform
  cd.writeUInt8(PAGE_SHIFT, 39);
  // 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3, 56 codeLimit64: all zero
  cd.writeBigUInt64BE(BigInt(execSeg.base), 64);
  cd.writeBigUInt64BE(BigInt(execSeg.limit), 72);
  cd.writeBigUInt64BE(BigInt(execSeg.flags), 80);
  ident.copy(cd, CD_HEADER_SIZE);
  requirementsHash.copy(cd, hashOffset - CSSLOT.requirements * 32);
  for (let page = 0; page < nCodeSlots; page++) {
    const slice = code.subarray(page * PAGE_SIZE, Math.min(code.length, (page + 1) * PAGE_SIZE));
    crypto.createHash('sha256').update(slice).digest().copy(cd, hashOffset + page * 32);
  }
  return cd;
}

function superBlob(entries) {
  const headerSize = 12 + entries.length * 8;
  const head = Buffer.alloc(headerSize);
  head.writeUInt32BE(CSMAGIC.embeddedSignature, 0);
  head.writeUInt32BE(headerSize + entries.reduce((n, e) => n + e.data.length, 0), 4);
  head.writeUInt32BE(entries.length, 8);
  let offset = headerSize;
  entries.forEach((entry, i) => {
    head.writeUInt32BE(entry.slot, 12 + i * 8);
    head.writeUInt32BE(offset, 16 + i * 8);
    offset += entry.data.length;
  });
  return Buffer.concat([head, ...entries.map((e) => e.data)]);
}

/**
 * The Mach-O with an ad-hoc signature at its end: an existing signature is
 * replaced (the file is cut where it starts), else an LC_CODE_SIGNATURE is
 * added in the header's spare space; __LINKEDIT grows to cover the signature.
 */
export function adhocSign(input, identifier) {
  const { header, commands } = readLoadCommands(input);
  const segments = commands.filter((c) => c.cmd === LC_SEGMENT_64);
  const text = segments.find((s) => s.segname === '__TEXT');
  const linkedit = segments.find((s) => s.segname === '__LINKEDIT');
  if (!text || !linkedit) throw new Error('Mach-O without __TEXT or __LINKEDIT');
  const lastInFile = segments.reduce((a, b) => (b.fileoff + b.filesize > a.fileoff + a.filesize ? b : a));
  if (lastInFile !== linkedit) throw new Error(`__LINKEDIT is not the last segment in the file (${lastInFile.segname} is)`);
  const existing = commands.find((c) => c.cmd === LC_CODE_SIGNATURE);
  const codeEnd = existing ? existing.dataoff : input.length;
  if (codeEnd < linkedit.fileoff) throw new Error('the code signature would start before __LINKEDIT');
  let signatureCommandOffset = existing?.offset;
  if (signatureCommandOffset === undefined) {
    const firstSection = Math.min(...text.sectionOffsets.filter((o) => o > 0));
    const end = 32 + header.sizeofcmds;
    if (end + 16 > firstSection) throw new Error('no room in the Mach-O header for LC_CODE_SIGNATURE');
    signatureCommandOffset = end;
  }
  const dataoff = align(codeEnd, 16);
  const code = Buffer.alloc(dataoff);
  input.copy(code, 0, 0, codeEnd);
  // Sizes first (the signature's own size depends only on the page count), then hash the final header.
  const requirements = blob(CSMAGIC.requirements, Buffer.alloc(4)); // count 0
  const cms = blob(CSMAGIC.blobWrapper, Buffer.alloc(0));
  const nCodeSlots = Math.ceil(dataoff / PAGE_SIZE);
  const cdSize = CD_HEADER_SIZE + Buffer.byteLength(`${identifier}\0`) + (CSSLOT.requirements + nCodeSlots) * 32;
  const signatureSize = 12 + 3 * 8 + cdSize + requirements.length + cms.length;
  const datasize = align(signatureSize, 16);
  if (!existing) {
    code.writeUInt32LE(header.ncmds + 1, 16);
    code.writeUInt32LE(header.sizeofcmds + 16, 20);
    code.writeUInt32LE(LC_CODE_SIGNATURE, signatureCommandOffset);
    code.writeUInt32LE(16, signatureCommandOffset + 4);
  }
  code.writeUInt32LE(dataoff, signatureCommandOffset + 8);
  code.writeUInt32LE(datasize, signatureCommandOffset + 12);
  const linkeditSize = dataoff + datasize - linkedit.fileoff;
  const vmsize = BigInt(align(linkeditSize, SEGMENT_ALIGN));
  code.writeBigUInt64LE(vmsize > linkedit.vmsize ? vmsize : linkedit.vmsize, linkedit.offset + 32);
  code.writeBigUInt64LE(BigInt(linkeditSize), linkedit.offset + 48);
  const execSeg = { base: text.fileoff, limit: text.filesize, flags: header.filetype === MH_EXECUTE ? CS_EXECSEG_MAIN_BINARY : 0 };
  const requirementsHash = crypto.createHash('sha256').update(requirements).digest();
  const signature = superBlob([
    { slot: CSSLOT.codeDirectory, data: codeDirectory(code, identifier, requirementsHash, execSeg) },
    { slot: CSSLOT.requirements, data: requirements },
    { slot: CSSLOT.signature, data: cms },
  ]);
  if (signature.length !== signatureSize) throw new Error('internal: signature size changed');
  return Buffer.concat([code, signature, Buffer.alloc(datasize - signature.length)]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, identifier] = process.argv.slice(2);
  if (!file) throw new Error('usage: node scripts/macho-sign.mjs FILE [IDENTIFIER]');
  fs.writeFileSync(file, adhocSign(fs.readFileSync(file), identifier ?? 'kubectl-netcheck'));
}
