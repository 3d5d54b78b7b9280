import path from 'node:path';

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
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * --kubeconfig wins and must exist; else the existing files of KUBECONFIG
 * (kubectl skips missing ones); else ~/.kube/config; else in-cluster.
 * Never the client library's silent fallback to http://localhost:8080.
 */
export function resolveKubeconfigSource(lookup: KubeconfigLookup): KubeconfigSource {
  const { flag, env, home, exists } = lookup;
  if (flag) return exists(flag) ? { kind: 'files', files: [flag] } : { kind: 'none', lookedFor: [flag] };
  const listed = (env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f !== '');
  if (listed.length > 0) {
    const present = listed.filter(exists);
    return present.length > 0 ? { kind: 'files', files: present } : { kind: 'none', lookedFor: listed };
  }
  const homeConfig = home ? path.join(home, '.kube', 'config') : undefined;
  if (homeConfig && exists(homeConfig)) return { kind: 'files', files: [homeConfig] };
  if (env.KUBERNETES_SERVICE_HOST && exists(serviceAccountToken)) return { kind: 'in-cluster' };
  return { kind: 'none', lookedFor: [...(homeConfig ? [homeConfig] : []), 'in-cluster service account'] };
}
