import fs from 'node:fs';
import os from 'node:os';
import { isLiteralHostPattern, matchesHostPatterns, parseJumpList, parsePort, type HostSpec } from './host-spec.js';
import { splitConfigLine } from './ssh-config-line.js';
import { expandHome, windowsOpenSshAgentPipe } from '../cli/platform.js';

/**
 * Our own reader of OpenSSH client config. It never runs anything: `Match`
 * blocks (whose `exec` would run commands) are skipped with a note, and
 * ProxyCommand is ignored. Parsing is pure; Include files come from the
 * `readInclude` callback (ssh-config-file.ts reads them from disk).
 */
export interface SshConfig {
  blocks: ConfigBlock[];
  /** Things the reader skipped, for -v output. */
  notes: string[];
}

export interface ConfigBlock {
  /** Every list must match: the block's own Host line plus those of enclosing blocks (Include inside Host). */
  hostPatterns: string[][];
  /** A Match block, or a block included from one: it never applies. */
  never: boolean;
  directives: ConfigDirective[];
}

export interface ConfigDirective {
  /** Lower-cased, as OpenSSH keywords are case-insensitive. */
  keyword: string;
  args: string[];
  /** file:line, for messages. */
  where: string;
}

export interface IncludedFile {
  path: string;
  text: string;
}

export interface ParseOptions {
  /** Expands one Include argument to the files it names (already sorted, as glob(3) would). */
  readInclude?: (pattern: string) => IncludedFile[];
}

const maxIncludeDepth = 16;

export function parseSshConfig(text: string, source: string, options: ParseOptions = {}): SshConfig {
  const config: SshConfig = { blocks: [], notes: [] };
  parseInto(config, text, source, { hostPatterns: [], never: false }, options, 0);
  return config;
}

interface Scope {
  hostPatterns: string[][];
  never: boolean;
}

function parseInto(config: SshConfig, text: string, source: string, outer: Scope, options: ParseOptions, depth: number): void {
  let block = startBlock(config, outer);
  text.split(/\r?\n/).forEach((line, index) => {
    const where = `${source}:${index + 1}`;
    const words = splitConfigLine(line);
    if (words === undefined) {
      config.notes.push(`${where}: skipped a line with an unbalanced quote`);
      return;
    }
    const [keywordText, ...args] = words;
    if (keywordText === undefined) return;
    const keyword = keywordText.toLowerCase();
    if (keyword === 'host') {
      block = startBlock(config, { ...outer, hostPatterns: [...outer.hostPatterns, args] });
    } else if (keyword === 'match') {
      config.notes.push(`${where}: skipped "Match ${args.join(' ')}" (netcheck never evaluates Match blocks)`);
      block = startBlock(config, { ...outer, never: true });
    } else if (keyword === 'include') {
      const scope = { hostPatterns: block.hostPatterns, never: block.never };
      for (const pattern of args) includeFiles(config, pattern, where, scope, options, depth);
      block = startBlock(config, scope); // directives after the Include still belong to this block
    } else {
      block.directives.push({ keyword, args, where });
    }
  });
}

function includeFiles(config: SshConfig, pattern: string, where: string, scope: Scope, options: ParseOptions, depth: number): void {
  if (depth >= maxIncludeDepth) {
    config.notes.push(`${where}: Include nested deeper than ${maxIncludeDepth} levels, skipped "${pattern}"`);
    return;
  }
  const files = options.readInclude?.(pattern) ?? [];
  if (files.length === 0) config.notes.push(`${where}: Include "${pattern}" matched no readable file`);
  for (const file of files) parseInto(config, file.text, file.path, scope, options, depth + 1);
}

function startBlock(config: SshConfig, scope: Scope): ConfigBlock {
  const block: ConfigBlock = { hostPatterns: scope.hostPatterns, never: scope.never, directives: [] };
  config.blocks.push(block);
  return block;
}

/** The directives that apply to `alias`, in file order (the first obtained value wins). */
export function directivesFor(config: SshConfig, alias: string): ConfigDirective[] {
  return config.blocks
    .filter((block) => !block.never && block.hostPatterns.every((patterns) => matchesHostPatterns(alias, patterns)))
    .flatMap((block) => block.directives);
}

/**
 * True when the config names this host itself: a Host line lists it
 * literally, or a matching block gives it a HostName. A catch-all `Host *`
 * with only User or IdentityFile does not count.
 */
export function configNamesHost(config: SshConfig, alias: string): boolean {
  const literal = config.blocks.some((block) =>
    !block.never && block.hostPatterns.some((patterns) =>
      patterns.some((pattern) => isLiteralHostPattern(pattern) && pattern.toLowerCase() === alias.toLowerCase())));
  return literal || directivesFor(config, alias).some((directive) => directive.keyword === 'hostname');
}

export type StrictHostKeyChecking = 'yes' | 'no' | 'accept-new' | 'ask';

/** What the config says about one host; fields the config leaves unset are undefined. */
export interface HostSettings {
  alias: string;
  /** HostName with %h expanded, else the alias itself. */
  hostName: string;
  user?: string;
  port?: number;
  /** Every IdentityFile, in order, with ~ and %d %u %r %h %n %p %% expanded. */
  identityFiles: string[];
  /** ProxyJump hops; [] for `ProxyJump none`. */
  proxyJump?: HostSpec[];
  userKnownHostsFiles?: string[];
  globalKnownHostsFiles?: string[];
  strictHostKeyChecking?: StrictHostKeyChecking;
  hostKeyAlias?: string;
  connectTimeoutSeconds?: number;
  /** IdentityAgent: a socket path, "SSH_AUTH_SOCK", or "none". */
  identityAgent?: string;
}

export interface LocalContext {
  homeDir: string;
  localUser: string;
  /** The workstation's OS (this machine's when absent): ~\ paths and the default agent differ on Windows. */
  platform?: NodeJS.Platform;
  /** Windows: OpenSSH's agent pipe is there (its service runs). */
  openSshAgentPipe?: boolean;
}

/** OpenSSH semantics: for each keyword the first value obtained wins; IdentityFile accumulates. */
export function resolveHost(config: SshConfig, alias: string, local: LocalContext = defaultLocalContext()): HostSettings {
  const first = new Map<string, ConfigDirective>();
  const identityLines: ConfigDirective[] = [];
  for (const directive of directivesFor(config, alias)) {
    if (directive.keyword === 'identityfile') identityLines.push(directive);
    else if (!first.has(directive.keyword)) first.set(directive.keyword, directive);
  }
  const value = (keyword: string): string | undefined => first.get(keyword)?.args[0];
  const what = (keyword: string): string => `${first.get(keyword)?.where ?? 'ssh config'}: ${keyword}`;

  const hostName = expandTokens(value('hostname') ?? alias, { h: alias, n: alias });
  const user = value('user');
  const portText = value('port');
  const port = portText === undefined ? undefined : parsePort(portText, what('port'));
  const tokens = { h: hostName, n: alias, d: local.homeDir, u: local.localUser, r: user ?? local.localUser, p: String(port ?? 22) };
  const path = (text: string): string => expandTilde(expandTokens(text, tokens), local.homeDir, local.platform);
  const jumpText = first.get('proxyjump')?.args.join(' ');
  const timeoutText = value('connecttimeout');
  const checking = value('stricthostkeychecking')?.toLowerCase();

  return {
    alias,
    hostName,
    ...(user !== undefined && { user }),
    ...(port !== undefined && { port }),
    identityFiles: identityLines.flatMap((line) => line.args).filter((file) => file.toLowerCase() !== 'none').map(path),
    ...(jumpText !== undefined && { proxyJump: parseJumpList(jumpText, what('proxyjump')) }),
    ...(first.has('userknownhostsfile') && { userKnownHostsFiles: first.get('userknownhostsfile')!.args.map(path) }),
    ...(first.has('globalknownhostsfile') && { globalKnownHostsFiles: first.get('globalknownhostsfile')!.args.map(path) }),
    ...(checking !== undefined && { strictHostKeyChecking: normalizeStrictness(checking) }),
    ...(value('hostkeyalias') !== undefined && { hostKeyAlias: value('hostkeyalias') }),
    ...(timeoutText !== undefined && /^\d+$/.test(timeoutText) && { connectTimeoutSeconds: Number(timeoutText) }),
    ...(value('identityagent') !== undefined && { identityAgent: path(value('identityagent')!) }),
  };
}

function normalizeStrictness(text: string): StrictHostKeyChecking {
  if (text === 'no' || text === 'off' || text === 'false') return 'no';
  if (text === 'accept-new' || text === 'ask') return text;
  return 'yes';
}

function expandTokens(text: string, tokens: Record<string, string>): string {
  return text.replace(/%(.)/g, (whole, letter: string) => (letter === '%' ? '%' : tokens[letter] ?? whole));
}

export function expandTilde(path: string, homeDir: string, platform: NodeJS.Platform = process.platform): string {
  return expandHome(path, homeDir, platform);
}

export function defaultLocalContext(): LocalContext {
  // os.homedir() is %USERPROFILE% on Windows, so ~/.ssh is where Windows' OpenSSH keeps it.
  const platform = process.platform;
  return {
    homeDir: os.homedir(), localUser: os.userInfo().username, platform,
    ...(platform === 'win32' && { openSshAgentPipe: fs.existsSync(windowsOpenSshAgentPipe) }),
  };
}
