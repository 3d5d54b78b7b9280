import fs from 'node:fs';
import { ExitCode, PluginError } from '../cli/errors.js';
import { knownHostsName } from './host-spec.js';
import {
  conflictingEntries, fingerprintSha256, keyTypeOfBlob, parseKnownHosts, verifyHostKey, type KnownHostEntry,
} from './known-hosts.js';
import type { SshEndpoint } from './ssh-endpoint.js';
import type { SshLog } from './ssh-log.js';

/** Reads known_hosts files; missing or unreadable ones contribute nothing, as with OpenSSH. */
export function readKnownHosts(files: readonly string[]): KnownHostEntry[] {
  return files.flatMap((file) => {
    try {
      return parseKnownHosts(fs.readFileSync(file, 'utf8'), file);
    } catch {
      return [];
    }
  });
}

/** Decides on the key a server presents; when it refuses, `refusal` explains why for the user. */
export interface HostKeyCheck {
  accept(keyBlob: Buffer): boolean;
  refusal?: PluginError;
}

export function checkHostKey(endpoint: SshEndpoint, knownHosts: readonly KnownHostEntry[], insecure: boolean, log: SshLog): HostKeyCheck {
  const check: HostKeyCheck = {
    accept(keyBlob) {
      const keyType = keyTypeOfBlob(keyBlob);
      const presented = `${keyType} key ${fingerprintSha256(keyBlob)}`;
      const where = `${endpoint.label} (${endpoint.host}:${endpoint.port})`;
      if (insecure) {
        log.warn(`not checking the host key of ${where}, because of --insecure-skip-host-key-check; it presented ${presented}`);
        return true;
      }
      const verdict = verifyHostKey(knownHosts, endpoint.hostKeyName, endpoint.hostKeyPort, keyType, keyBlob);
      if (verdict === 'match') return true;
      if (verdict === 'unknown' && endpoint.strictHostKeyChecking !== 'yes' && endpoint.strictHostKeyChecking !== 'ask') {
        log.warn(`${where} presented ${presented}, which is not in known_hosts; accepted because the ssh config says ` +
          `StrictHostKeyChecking ${endpoint.strictHostKeyChecking} (netcheck does not write known_hosts)`);
        return true;
      }
      check.refusal = refusalFor(verdict, endpoint, knownHosts, keyType, presented, where);
      return false;
    },
  };
  return check;
}

function refusalFor(
  verdict: 'unknown' | 'changed' | 'revoked', endpoint: SshEndpoint, knownHosts: readonly KnownHostEntry[],
  keyType: string, presented: string, where: string,
): PluginError {
  const name = knownHostsName(endpoint.hostKeyName, endpoint.hostKeyPort);
  const knownHostsFile = endpoint.knownHostsFiles[0] ?? '~/.ssh/known_hosts';
  const skip = 'or, only if you accept the risk of talking to an impostor, pass --insecure-skip-host-key-check';
  if (verdict === 'revoked') {
    return new PluginError(`refused to connect to ${where}: its host key is revoked in known_hosts (${presented})`,
      ExitCode.couldNotCheck, `ask the node's administrator why it still uses a revoked key; ${skip}`);
  }
  if (verdict === 'changed') {
    const old = conflictingEntries(knownHosts, endpoint.hostKeyName, endpoint.hostKeyPort, keyType)[0];
    const oldFile = old?.where.replace(/:\d+$/, '') ?? knownHostsFile;
    return new PluginError(
      `refused to connect to ${where}: its HOST KEY CHANGED; it presented ${presented}, ` +
        `but ${old?.where ?? 'known_hosts'} lists another ${keyType} key for ${name} (someone may be intercepting the connection)`,
      ExitCode.couldNotCheck,
      `if the node was reinstalled, verify the new fingerprint, then remove the old key with ` +
        `ssh-keygen -R '${name}' -f ${oldFile} and add the new one with ${keyscan(endpoint, keyType, knownHostsFile)}; ${skip}`,
    );
  }
  return new PluginError(
    `refused to connect to ${where}: its host key is not in known_hosts (it presented ${presented}, searched ${endpoint.knownHostsFiles.join(', ')})`,
    ExitCode.couldNotCheck,
    `compare that fingerprint with the node's own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then add it: ` +
      `${keyscan(endpoint, keyType, knownHostsFile)}; ${skip}`,
  );
}

function keyscan(endpoint: SshEndpoint, keyType: string, knownHostsFile: string): string {
  const type = keyType.replace(/^ssh-/, '').replace(/^ecdsa-sha2-.*/, 'ecdsa');
  return `ssh-keyscan -p ${endpoint.port} -t ${type} ${endpoint.host} >> ${knownHostsFile}`;
}
