import fs from 'node:fs';
import { readBoundedFileSync } from '../files/bounded-read.js';
import path from 'node:path';
import type { AnyAuthMethod, ParsedKey } from 'ssh2';
import { ExitCode, PluginError } from '../cli/errors.js';
import type { SshEndpoint } from './ssh-endpoint.js';
import type { SshLog } from './ssh-log.js';

export type ParseKey = (data: Buffer) => ParsedKey | ParsedKey[] | Error;

/** The methods ssh2 tries in turn, and a description of them for an authentication failure. */
export interface AuthPlan {
  methods: AnyAuthMethod[];
  tried: string[];
  skipped: string[];
}

const defaultKeyNames = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

/**
 * OpenSSH's order: the agent's keys first, then key files. Key files are
 * --ssh-key ones and IdentityFile lines; only when there are none, the
 * default ~/.ssh/id_* files that exist. Encrypted keys cannot be unlocked
 * without a prompt, so they are skipped with a note (ssh-add them instead).
 */
export function planAuth(endpoint: SshEndpoint, homeDir: string, parseKey: ParseKey, log: SshLog): AuthPlan {
  const plan: AuthPlan = { methods: [], tried: [], skipped: [] };
  const username = endpoint.user;
  if (endpoint.agentSocket !== undefined) {
    plan.methods.push({ type: 'agent', username, agent: endpoint.agentSocket });
    plan.tried.push(`ssh-agent (${endpoint.agentSocket})`);
  }
  for (const file of endpoint.explicitKeys) {
    if (!fs.existsSync(file)) {
      throw new PluginError(`SSH key ${file} (from --ssh-key) does not exist`, ExitCode.usage, 'pass the path of a private key file');
    }
  }
  const named = [...endpoint.explicitKeys, ...endpoint.configKeys];
  const files = named.length > 0 ? named : defaultKeyNames.map((name) => path.join(homeDir, '.ssh', name));
  for (const file of files) {
    const key = readPrivateKey(file, parseKey);
    if (typeof key === 'string') {
      if (named.includes(file)) plan.skipped.push(`${file}: ${key}`);
      log.debug(`${endpoint.label}: not using key ${file}: ${key}`);
      continue;
    }
    plan.methods.push({ type: 'publickey', username, key });
    plan.tried.push(`key ${file}`);
  }
  return plan;
}

/** A private key file is a few KB; /dev/zero or a huge file is refused, not read. */
const maxKeyFileBytes = 1024 * 1024;

/** A parsed private key, or why it cannot be used. */
function readPrivateKey(file: string, parseKey: ParseKey): ParsedKey | string {
  let data: Buffer;
  try {
    data = readBoundedFileSync(file, maxKeyFileBytes);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
  }
  const parsed = parseKey(data);
  if (parsed instanceof Error) {
    return /encrypted/i.test(parsed.message) ? 'it is encrypted (add it to ssh-agent with ssh-add)' : parsed.message;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || !key.isPrivateKey()) return 'not a private key';
  return key;
}

export function authFailure(endpoint: SshEndpoint, plan: AuthPlan, cause: unknown): PluginError {
  const tried = plan.tried.length > 0 ? plan.tried.join(', ') : 'nothing: no ssh-agent and no usable key file';
  const skipped = plan.skipped.length > 0 ? `; skipped ${plan.skipped.join('; ')}` : '';
  return new PluginError(
    `${endpoint.label} (${endpoint.host}:${endpoint.port}) refused SSH login as "${endpoint.user}" (tried ${tried}${skipped})`,
    ExitCode.couldNotCheck,
    'pick the login user with --ssh-user and the key with --ssh-key (or load it with ssh-add), ' +
      "and check that the key's public half is in the user's ~/.ssh/authorized_keys on the node",
    { cause },
  );
}
