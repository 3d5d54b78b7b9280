import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { knownHostsName, matchesHostPatterns } from './host-spec.js';

/** One known_hosts line. Hashed lines (`|1|salt|hmac`) name one host; plain lines a pattern list. */
export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  hosts: { kind: 'hashed'; salt: Buffer; hash: Buffer } | { kind: 'patterns'; patterns: string[] };
  keyType: string;
  keyBlob: Buffer;
  /** file:line, for messages and for ssh-keygen -R hints. */
  where: string;
}

export type HostKeyVerdict = 'match' | 'unknown' | 'changed' | 'revoked';

export function parseKnownHosts(text: string, source: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === '' || fields[0].startsWith('#')) return;
    const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
    const [hostField, keyType, keyBase64] = fields;
    if (hostField === undefined || keyType === undefined || keyBase64 === undefined) return;
    if (marker !== undefined && marker !== '@revoked' && marker !== '@cert-authority') return;
    const hosts = parseHostField(hostField);
    if (hosts === undefined) return;
    entries.push({
      ...(marker !== undefined && { marker: marker.slice(1) as 'revoked' | 'cert-authority' }),
      hosts,
      keyType,
      keyBlob: Buffer.from(keyBase64, 'base64'),
      where: `${source}:${index + 1}`,
    });
  });
  return entries;
}

function parseHostField(field: string): KnownHostEntry['hosts'] | undefined {
  if (!field.startsWith('|')) return { kind: 'patterns', patterns: field.split(',') };
  const [, version, salt, hash] = field.split('|');
  if (version !== '1' || salt === undefined || hash === undefined) return undefined; // a hash format we cannot check
  return { kind: 'hashed', salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** Does this entry speak about host:port? Hashed names are HMAC-SHA1(key = salt, data = name). */
export function entryNamesHost(entry: KnownHostEntry, host: string, port: number): boolean {
  const name = knownHostsName(host.toLowerCase(), port); // ssh-keygen -H hashes the lower-cased name
  if (entry.hosts.kind === 'patterns') return matchesHostPatterns(name, entry.hosts.patterns);
  const digest = createHmac('sha1', entry.hosts.salt).update(name).digest();
  return digest.length === entry.hosts.hash.length && timingSafeEqual(digest, entry.hosts.hash);
}

/**
 * OpenSSH's decision: a revoked key is refused wherever it appears; a key
 * listed for the host matches; another key of the same type listed for the
 * host means the key changed; otherwise the host (or this key type) is unknown.
 * @cert-authority lines are not used: we do not accept host certificates.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string, keyBlob: Buffer): HostKeyVerdict {
  const sameKey = (entry: KnownHostEntry): boolean => entry.keyType === keyType && entry.keyBlob.equals(keyBlob);
  if (entries.some((entry) => entry.marker === 'revoked' && sameKey(entry))) return 'revoked';
  const forHost = entries.filter((entry) => entry.marker === undefined && entryNamesHost(entry, host, port));
  if (forHost.some(sameKey)) return 'match';
  return forHost.some((entry) => entry.keyType === keyType) ? 'changed' : 'unknown';
}

/** The known_hosts lines that list another key of this type for the host (to name them in a refusal). */
export function conflictingEntries(entries: readonly KnownHostEntry[], host: string, port: number, keyType: string): KnownHostEntry[] {
  return entries.filter((entry) => entry.marker === undefined && entry.keyType === keyType && entryNamesHost(entry, host, port));
}

/** Key types known_hosts lists for the host, so the client can ask the server for one of those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const types = entries.filter((entry) => entry.marker === undefined && entryNamesHost(entry, host, port)).map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** `SHA256:` + unpadded base64 of the SHA-256 of the key blob, as ssh-keygen -l prints it. */
export function fingerprintSha256(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string of the SSH wire-format key blob (RFC 4253 §6.6). */
export function keyTypeOfBlob(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && 4 + length <= keyBlob.length ? keyBlob.subarray(4, 4 + length).toString('latin1') : 'unknown';
}
