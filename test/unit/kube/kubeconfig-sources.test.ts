import { resolveKubeconfigSource } from '../../../shared/kube/kubeconfig-sources.js';

const existing = (...files: string[]) => (f: string) => files.includes(f);

describe('resolveKubeconfigSource', () => {
  it('--kubeconfig wins over KUBECONFIG and must exist', () => {
    expect(resolveKubeconfigSource({ flag: '/a', env: { KUBECONFIG: '/b' }, home: '/h', exists: existing('/a', '/b') }))
      .toEqual({ kind: 'files', files: ['/a'] });
    expect(resolveKubeconfigSource({ flag: '/a', env: {}, home: '/h', exists: existing('/h/.kube/config') }))
      .toEqual({ kind: 'none', lookedFor: ['/a'] });
  });

  it('KUBECONFIG lists several files; missing ones are skipped like kubectl does', () => {
    expect(resolveKubeconfigSource({ env: { KUBECONFIG: '/a:/missing:/b' }, home: '/h', exists: existing('/a', '/b') }))
      .toEqual({ kind: 'files', files: ['/a', '/b'] });
  });

  it('KUBECONFIG naming only missing files is an error naming them, not a fallback to ~/.kube/config', () => {
    expect(resolveKubeconfigSource({ env: { KUBECONFIG: '/x:/y' }, home: '/h', exists: existing('/h/.kube/config') }))
      .toEqual({ kind: 'none', lookedFor: ['/x', '/y'] });
  });

  it('falls back to ~/.kube/config, then in-cluster, then nothing (never localhost:8080)', () => {
    expect(resolveKubeconfigSource({ env: {}, home: '/h', exists: existing('/h/.kube/config') }))
      .toEqual({ kind: 'files', files: ['/h/.kube/config'] });
    expect(resolveKubeconfigSource({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, home: '/h', exists: existing('/var/run/secrets/kubernetes.io/serviceaccount/token') }))
      .toEqual({ kind: 'in-cluster' });
    expect(resolveKubeconfigSource({ env: {}, home: '/h', exists: existing() }))
      .toEqual({ kind: 'none', lookedFor: ['/h/.kube/config', 'in-cluster service account'] });
  });
});
