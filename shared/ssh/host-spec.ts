import { UsageError } from '../cli/errors.js';

/**
 * OpenSSH host pattern matching, shared by ssh_config `Host` lines and
 * known_hosts host fields: `*` is any run of characters, `?` exactly one,
 * `!pattern` vetoes. Host names are compared case-insensitively, as OpenSSH
 * lower-cases them before matching.
 */
export function matchesHostPatterns(host: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!globToRegExp(negated ? pattern.slice(1) : pattern).test(host.toLowerCase())) continue;
    if (negated) return false; // a negated match wins over every positive one
    matched = true;
  }
  return matched;
}

/** True when a pattern names exactly one host: no wildcard, no negation. */
export function isLiteralHostPattern(pattern: string): boolean {
  return !/[*?!]/.test(pattern);
}

function globToRegExp(pattern: string): RegExp {
  const body = [...pattern.toLowerCase()]
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.+()[\]{}|/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

/** One `[user@]host[:port]` hop, as in `ssh -J` and ProxyJump. */
export interface HostSpec {
  user?: string;
  host: string;
  port?: number;
}

/**
 * Parses `[user@]host[:port]`, `[user@][v6addr]:port` and
 * `ssh://[user@]host[:port]`. Throws UsageError naming `what` (the flag or
 * config line) when the text is not a host.
 */
export function parseHostSpec(text: string, what: string): HostSpec {
  const withoutScheme = text.trim().replace(/^ssh:\/\//, '');
  const at = withoutScheme.lastIndexOf('@');
  const user = at >= 0 ? withoutScheme.slice(0, at) : undefined;
  const hostPort = at >= 0 ? withoutScheme.slice(at + 1) : withoutScheme;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  const plain = /^([^:[\]\s]+)(?::(\d+))?$/.exec(hostPort);
  const match = bracketed ?? plain;
  if (!match || user === '') {
    throw new UsageError(`${what}: "${text}" is not a host (expected [user@]host[:port])`);
  }
  const port = match[2] === undefined ? undefined : parsePort(match[2], what);
  return { ...(user !== undefined && { user }), host: match[1]!, ...(port !== undefined && { port }) };
}

/** A comma-separated jump list; `none` (as in ssh_config) means no jump host. */
export function parseJumpList(text: string, what: string): HostSpec[] {
  if (text.trim().toLowerCase() === 'none') return [];
  return text.split(',').map((hop) => parseHostSpec(hop, what));
}

export function parsePort(text: string, what: string): number {
  const port = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`${what}: "${text}" is not a TCP port (1-65535)`);
  }
  return port;
}

/** How OpenSSH writes a host in known_hosts and in messages: bare for port 22, else [host]:port. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}
