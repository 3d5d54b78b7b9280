import { humanizeApiError } from '../../../shared/kube/api-errors.js';

const server = 'https://10.0.0.1:6443';

function systemError(code: string): Error {
  return new Error('fetch failed', { cause: Object.assign(new Error(code), { code }) });
}

describe('humanizeApiError', () => {
  it('403 names the user, the verb and the resource, and how to check', () => {
    const body = JSON.stringify({ kind: 'Status', message: 'events is forbidden: User "viewer" cannot list resource "events" in API group "" at the cluster scope' });
    const error = humanizeApiError({ code: 403, body }, { verb: 'list', resource: 'events' }, server, 'viewer');
    expect(error.message).toBe(`forbidden: user viewer cannot list events: events is forbidden: User "viewer" cannot list resource "events" in API group "" at the cluster scope`);
    expect(error.hint).toContain('kubectl auth can-i list events -A');
    expect(error.status).toBe(403);
    expect(error.exitCode).toBe(3);
  });

  it('401 says the credentials were rejected', () => {
    expect(humanizeApiError({ code: 401, body: '' }, { verb: 'list', resource: 'nodes' }, server, 'admin').message)
      .toBe('unauthorized: the API server at https://10.0.0.1:6443 rejected the credentials of user admin (list nodes)');
  });

  it('404 names the object and namespace', () => {
    const error = humanizeApiError({ code: 404, body: { message: 'pods "web-0" not found' } }, { verb: 'get', resource: 'pods', name: 'web-0', namespace: 'shop' }, server);
    expect(error.message).toBe('not found: get pods/web-0 in namespace shop: pods "web-0" not found');
  });

  it.each([
    ['ECONNREFUSED', 'cannot reach the API server at https://10.0.0.1:6443 (ECONNREFUSED) to list nodes'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS problem talking to https://10.0.0.1:6443: DEPTH_ZERO_SELF_SIGNED_CERT'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS problem talking to https://10.0.0.1:6443: ERR_TLS_CERT_ALTNAME_INVALID'],
    ['ETIMEDOUT', 'timed out talking to the API server at https://10.0.0.1:6443 (list nodes)'],
  ])('%s from deep in the cause chain', (code, message) => {
    expect(humanizeApiError(systemError(code), { verb: 'list', resource: 'nodes' }, server).message).toBe(message);
  });

  it('our own request timeout', () => {
    const error = humanizeApiError(new DOMException('request timeout', 'TimeoutError'), { verb: 'list', resource: 'pods' }, server);
    expect(error.message).toBe('timed out talking to the API server at https://10.0.0.1:6443 (list pods)');
    expect(error.hint).toContain('--request-timeout');
  });
});
