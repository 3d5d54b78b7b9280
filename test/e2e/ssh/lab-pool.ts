import fs from 'node:fs';
import path from 'node:path';
import { NodeShellPool } from '../../../shared/ssh/node-shell-pool.js';
import type { NodeLike } from '../../../shared/ssh/node-address.js';
import type { SshLog } from '../../../shared/ssh/ssh-log.js';
import { sshOptionsFromArgs, type SshArgs } from '../../../shared/ssh/ssh-options.js';
import type { SshdLab } from './sshd-lab.js';

/** A log that keeps what it was told, for assertions on warnings. */
export function recordingLog(): SshLog & { warnings: string[]; lines: string[] } {
  const warnings: string[] = [];
  const lines: string[] = [];
  return { warnings, lines, warn: (text) => warnings.push(text), debug: (text) => lines.push(text) };
}

export function labNode(name: string, address: string): NodeLike {
  return { metadata: { name }, status: { addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: name }] } };
}

export interface LabPoolSetup {
  /** known_hosts file the ssh config points at. */
  knownHosts: string;
  /** More ssh_config text, before the catch-all. */
  extraConfig?: string;
  flags?: SshArgs;
  env?: NodeJS.ProcessEnv;
  log?: SshLog;
}

let configCount = 0;

/**
 * A NodeShellPool set up the way the plugins do it (flags → SshOptions),
 * with an ssh config pointing at the lab's known_hosts and a home
 * directory without keys, so only what the test gives is used.
 */
export function labPool(lab: SshdLab, setup: LabPoolSetup): NodeShellPool {
  const home = path.join(lab.dir, 'home');
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  const configFile = path.join(lab.dir, `ssh_config_${++configCount}`);
  fs.writeFileSync(configFile, `${setup.extraConfig ?? ''}\nHost *\n  UserKnownHostsFile ${setup.knownHosts}\n  GlobalKnownHostsFile none\n`);
  const options = sshOptionsFromArgs({ sshConfig: configFile, sshUser: 'root', sshConnectTimeout: '5s', ...setup.flags }, {}, home);
  return new NodeShellPool(options, { env: setup.env ?? {}, log: setup.log ?? recordingLog(), local: { homeDir: home, localUser: 'root' } });
}
