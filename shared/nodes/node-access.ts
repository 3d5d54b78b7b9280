import type { Argv } from 'yargs';
import { UsageError } from '../cli/errors.js';
import { parseDuration } from '../kube/kube-options.js';

export const transports = ['ssh', 'pod'] as const;
export type Transport = (typeof transports)[number];

/**
 * A small public image whose busybox has the nsenter applet (and sh, sleep,
 * date, kill). Pinned, so every node runs the same thing; the lab passes its
 * own local image instead (it never pulls).
 */
export const defaultHelperImage = 'docker.io/library/busybox:1.36.1';
export const defaultHelperTimeoutMs = 60_000;

/** The "Node access" flags as yargs hands them over. */
export interface NodeAccessArgs {
  via?: string;
  image?: string;
  imagePullSecret?: string | string[];
  helperNamespace?: string;
  helperTimeout?: string;
}

/** The same, checked: how the run reaches its nodes. */
export interface NodeAccess {
  via: Transport;
  image: string;
  imagePullSecrets: string[];
  /** Where helper pods go; undefined: the run's namespace (-n, else the context's). */
  helperNamespace?: string;
  /** How long a helper pod may take to start running. */
  helperTimeoutMs: number;
}

/** Adds the flags that pick and tune the way to the nodes, shared by netcheck, nsenter and tap. */
export function addNodeAccessOptions<T>(parser: Argv<T>): Argv<T & NodeAccessArgs> {
  return parser
    .group(['via', 'image', 'image-pull-secret', 'helper-namespace', 'helper-timeout'], 'Node access:')
    .option('via', { type: 'string', choices: [...transports], describe: 'How to reach the nodes: ssh, or pod (a short-lived privileged helper pod per node, over pods/exec; no SSH needed) (default: $NETCHECK_VIA, else ssh)' })
    .option('image', { type: 'string', describe: `With --via pod: helper image with nsenter, sh and sleep (default: ${defaultHelperImage})` })
    .option('image-pull-secret', { type: 'string', describe: 'With --via pod: image pull secret for the helper image; repeat for more' })
    .option('helper-namespace', { type: 'string', describe: 'With --via pod: namespace of the helper pods (default: the current namespace)' })
    .option('helper-timeout', { type: 'string', describe: 'With --via pod: time a helper pod may take to start, like 60s (default: 60s)' }) as unknown as Argv<T & NodeAccessArgs>;
}

export function nodeAccessFromArgs(args: NodeAccessArgs, env: NodeJS.ProcessEnv = process.env): NodeAccess {
  const via = args.via ?? (env.NETCHECK_VIA || 'ssh');
  if (!(transports as readonly string[]).includes(via)) {
    throw new UsageError(`--via must be ssh or pod, got "${via}"${args.via === undefined ? ' (from NETCHECK_VIA)' : ''}`);
  }
  const timeoutMs = args.helperTimeout === undefined ? defaultHelperTimeoutMs : parseDuration(args.helperTimeout);
  if (timeoutMs === undefined || timeoutMs === 0) {
    throw new UsageError(`--helper-timeout must be a duration like 60s or 2m, got "${args.helperTimeout}"`);
  }
  if (args.image === '') throw new UsageError('--image must not be empty');
  if (args.helperNamespace === '') throw new UsageError('--helper-namespace must not be empty');
  const secrets = args.imagePullSecret === undefined ? [] : Array.isArray(args.imagePullSecret) ? args.imagePullSecret : [args.imagePullSecret];
  if (secrets.some((s) => s === '')) throw new UsageError('--image-pull-secret must not be empty');
  return {
    via: via as Transport,
    image: args.image ?? (env.NETCHECK_HELPER_IMAGE || defaultHelperImage),
    imagePullSecrets: secrets,
    ...(args.helperNamespace !== undefined && { helperNamespace: args.helperNamespace }),
    helperTimeoutMs: timeoutMs,
  };
}
