import path from 'node:path';
import { pathListSeparator } from '../cli/platform.js';

/** Where the kubeconfig comes from, decided the way kubectl decides it. */
export type KubeconfigSource =
  | { kind: 'files'; files: string[] }
  | { kind: 'in-cluster' }
  | { kind: 'none'; lookedFor: string[] };

export interface KubeconfigLookup {
  flag?: string;
  env: NodeJS.ProcessEnv;
  home?: string;
  exists: (file: string) => boolean;
  /** How KUBECONFIG's list is separated; this machine's by default. */
  platform?: NodeJS.Platform;
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * --kubeconfig wins and must exist; else the existing files of KUBECONFIG
 * (kubectl skips missing ones); else ~/.kube/config; else in-cluster.
 * Never the client library's silent fallback to http://localhost:8080.
 */
export function resolveKubeconfigSource(lookup: KubeconfigLookup): KubeconfigSource {
  const { flag, env, home, exists, platform = process.platform } = lookup;
  const join = platform === 'win32' ? path.win32.join : path.posix.join;
  if (flag) return exists(flag) ? { kind: 'files', files: [flag] } : { kind: 'none', lookedFor: [flag] };
  const listed = (env.KUBECONFIG ?? '').split(pathListSeparator(platform)).filter((f) => f !== '');
  if (listed.length > 0) {
    const present = listed.filter(exists);
    return present.length > 0 ? { kind: 'files', files: present } : { kind: 'none', lookedFor: listed };
  }
  const homeConfig = home ? join(home, '.kube', 'config') : undefined;
  if (homeConfig && exists(homeConfig)) return { kind: 'files', files: [homeConfig] };
  if (env.KUBERNETES_SERVICE_HOST && exists(serviceAccountToken)) return { kind: 'in-cluster' };
  return { kind: 'none', lookedFor: [...(homeConfig ? [homeConfig] : []), 'in-cluster service account'] };
}
