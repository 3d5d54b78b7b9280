import fs from 'node:fs';
import path from 'node:path';
import {
  fingerprintSha256, keyTypeOfBlob, knownKeyTypes, parseKnownHosts, verifyHostKey, type KnownHostEntry,
} from '../../../shared/ssh/known-hosts.js';

// Fixtures made by the real ssh-keygen: see test/fixtures/ssh/make-fixtures.sh.
const fixtures = path.resolve('test/fixtures/ssh');
const read = (name: string): string => fs.readFileSync(path.join(fixtures, name), 'utf8');

function publicKey(name: string): { type: string; blob: Buffer } {
  const [type, base64] = read(`${name}.pub`).trim().split(/\s+/);
  return { type: type!, blob: Buffer.from(base64!, 'base64') };
}

/** ssh-keygen -l -E sha256 output recorded next to the keys: comment → SHA256:... */
const recordedFingerprints = new Map(read('fingerprints.txt').trim().split('\n').map((line) => {
  const [, fingerprint, comment] = line.split(' ');
  return [comment!, fingerprint!];
}));

describe('fingerprintSha256', () => {
  it.each(['node1-ed25519', 'node2-ecdsa', 'wild-rsa', 'changed-ed25519', 'revoked-ed25519', 'ca-ed25519'])(
    'matches ssh-keygen -lf for %s', (name) => {
      const fingerprint = recordedFingerprints.get(name);
      expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
      expect(fingerprintSha256(publicKey(name).blob)).toBe(fingerprint);
    });

  it('reads the key type out of the blob', () => {
    expect(keyTypeOfBlob(publicKey('node2-ecdsa').blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOfBlob(Buffer.alloc(2))).toBe('unknown');
  });
});

describe.each([['known_hosts'], ['known_hosts.hashed']])('verifyHostKey with %s', (file) => {
  const entries: KnownHostEntry[] = parseKnownHosts(read(file), file);
  const node1 = publicKey('node1-ed25519');
  const node2 = publicKey('node2-ecdsa');
  const wild = publicKey('wild-rsa');
  const changed = publicKey('changed-ed25519');
  const revoked = publicKey('revoked-ed25519');

  it('parses every line (markers included), skipping comments', () => {
    expect(entries.filter((entry) => entry.marker === undefined).length).toBe(file.endsWith('hashed') ? 4 : 3);
    expect(entries.map((entry) => entry.marker).filter(Boolean)).toEqual(['revoked', 'cert-authority']);
  });

  it('matches the listed key for each listed name, case-insensitively', () => {
    expect(verifyHostKey(entries, 'node1.example.com', 22, node1.type, node1.blob)).toBe('match');
    expect(verifyHostKey(entries, 'NODE1.example.com', 22, node1.type, node1.blob)).toBe('match');
    expect(verifyHostKey(entries, '10.0.0.1', 22, node1.type, node1.blob)).toBe('match');
  });

  it('uses [host]:port for ports other than 22, and only for them', () => {
    expect(verifyHostKey(entries, 'node2.example.com', 2222, node2.type, node2.blob)).toBe('match');
    expect(verifyHostKey(entries, 'node2.example.com', 22, node2.type, node2.blob)).toBe('unknown');
    expect(verifyHostKey(entries, 'node1.example.com', 2222, node1.type, node1.blob)).toBe('unknown');
  });

  it('reports a different key of the same type as changed', () => {
    expect(verifyHostKey(entries, 'node1.example.com', 22, changed.type, changed.blob)).toBe('changed');
  });

  it('treats another key type for a known host as unknown, and says which types are known', () => {
    expect(verifyHostKey(entries, 'node1.example.com', 22, node2.type, node2.blob)).toBe('unknown');
    expect(knownKeyTypes(entries, 'node1.example.com', 22)).toEqual(['ssh-ed25519']);
  });

  it('honours wildcards and negation in plain entries', () => {
    expect(verifyHostKey(entries, 'a.wild.example.com', 22, wild.type, wild.blob)).toBe('match');
    expect(verifyHostKey(entries, 'bad.wild.example.com', 22, wild.type, wild.blob)).toBe('unknown');
  });

  it('refuses a revoked key everywhere, even where it would otherwise be unknown', () => {
    expect(verifyHostKey(entries, 'anything.example.org', 22, revoked.type, revoked.blob)).toBe('revoked');
  });

  it('does not take @cert-authority keys as host keys', () => {
    const ca = publicKey('ca-ed25519');
    expect(verifyHostKey(entries, 'x.example.com', 22, ca.type, ca.blob)).toBe('unknown');
  });
});

describe('parseKnownHosts', () => {
  it('keeps where each entry came from and ignores junk', () => {
    const entries = parseKnownHosts('# c\n\nbroken-line\n|2|x|y ssh-ed25519 AAAA\nh ssh-ed25519 AAAAC3Nz\n', 'kh');
    expect(entries.map((entry) => entry.where)).toEqual(['kh:5']);
  });
});
