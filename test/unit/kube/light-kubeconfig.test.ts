import { contextNames, planLightAccess, type KubeconfigDoc } from '../../../shared/kube/light-kubeconfig.js';

const lab: KubeconfigDoc = {
  dir: '/home/op/.kube',
  doc: {
    'current-context': 'admin',
    clusters: [{ name: 'lab', cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0E=' } }],
    users: [{ name: 'admin', user: { 'client-certificate': 'admin.crt', 'client-key-data': 'S0VZ' } }, { name: 'ci', user: { token: 't0k' } }],
    contexts: [{ name: 'admin', context: { cluster: 'lab', user: 'admin' } }, { name: 'ci', context: { cluster: 'lab', user: 'ci', namespace: 'shop' } }],
  },
};

describe('kubeconfig read without the client library (completion)', () => {
  it('takes certificates inline or from files relative to the kubeconfig', () => {
    expect(planLightAccess([lab], {})).toEqual({
      context: 'admin', user: 'admin', server: 'https://10.0.0.1:6443', namespace: 'default', insecure: false,
      ca: { data: 'Q0E=' }, cert: { file: '/home/op/.kube/admin.crt' }, key: { data: 'S0VZ' },
    });
  });

  it('follows --context and -n, and a context\'s namespace', () => {
    expect(planLightAccess([lab], { context: 'ci' })).toMatchObject({ namespace: 'shop', token: { value: 't0k' } });
    expect(planLightAccess([lab], { context: 'ci', namespace: 'x' })).toMatchObject({ namespace: 'x' });
    expect(planLightAccess([lab], { context: 'missing' })).toBeUndefined();
  });

  it('merges files the kubectl way: the first definition of a name and the first current-context win', () => {
    const second: KubeconfigDoc = { dir: '/etc', doc: { 'current-context': 'ci', clusters: [{ name: 'lab', cluster: { server: 'https://other:6443' } }], contexts: [{ name: 'extra', context: { cluster: 'lab' } }] } };
    expect(planLightAccess([lab, second], {})).toMatchObject({ server: 'https://10.0.0.1:6443', cert: { file: '/home/op/.kube/admin.crt' } });
    expect(contextNames([lab, second])).toEqual(['admin', 'ci', 'extra']);
  });

  it('leaves exec plugins, auth providers, proxies and plain http to the client library', () => {
    const withUser = (user: Record<string, unknown>): KubeconfigDoc => ({ dir: '/', doc: { ...lab.doc, users: [{ name: 'admin', user }] } });
    expect(planLightAccess([withUser({ exec: { command: 'aws' } })], {})).toBeUndefined();
    expect(planLightAccess([withUser({ 'auth-provider': { name: 'gcp' } })], {})).toBeUndefined();
    expect(planLightAccess([withUser({ username: 'u', password: 'p' })], {})).toBeUndefined();
    const proxied: KubeconfigDoc = { dir: '/', doc: { ...lab.doc, clusters: [{ name: 'lab', cluster: { server: 'https://10.0.0.1:6443', 'proxy-url': 'http://p:3128' } }] } };
    expect(planLightAccess([proxied], {})).toBeUndefined();
    const plain: KubeconfigDoc = { dir: '/', doc: { ...lab.doc, clusters: [{ name: 'lab', cluster: { server: 'http://10.0.0.1:8080' } }] } };
    expect(planLightAccess([plain], {})).toBeUndefined();
  });
});
