import { ExitCode, PluginError } from '../cli/errors.js';

/** What a call was trying to do, so a refusal can name the verb and resource. */
export interface ApiAction {
  verb: 'get' | 'list' | 'watch' | 'create' | 'delete' | 'patch';
  resource: string;
  namespace?: string;
  name?: string;
}

interface ErrorLike {
  code?: unknown;
  body?: unknown;
  message?: unknown;
  cause?: unknown;
  name?: unknown;
}

const tlsCodes = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

function describeAction(a: ApiAction): string {
  const target = a.name ? `${a.resource}/${a.name}` : a.resource;
  return a.namespace ? `${a.verb} ${target} in namespace ${a.namespace}` : `${a.verb} ${target}`;
}

/** Walks error.cause chains to the first Node system error code (ECONNREFUSED, TLS codes...). */
function systemCode(error: unknown): string | undefined {
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorLike, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return undefined;
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body === 'string') {
    try {
      return statusMessage(JSON.parse(body));
    } catch {
      return body.trim() || undefined;
    }
  }
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return undefined;
}

/** Whether a failure means "RBAC said no" (the caller may carry on without that data). */
export function isForbidden(error: unknown): boolean {
  return error instanceof KubeApiError && error.status === 403;
}

export class KubeApiError extends PluginError {
  constructor(message: string, readonly status: number | undefined, hint?: string, options?: ErrorOptions) {
    super(message, ExitCode.couldNotCheck, hint, options);
    this.name = 'KubeApiError';
  }
}

/** Turns what @kubernetes/client-node or fetch threw into a message a human can act on. */
export function humanizeApiError(error: unknown, action: ApiAction, server: string, user?: string): KubeApiError {
  const e = (error ?? {}) as ErrorLike;
  const what = describeAction(action);
  // DOMException has a numeric legacy code too: only an HTTP answer has a body.
  const status = typeof e.code === 'number' && 'body' in e ? e.code : undefined;
  const detail = statusMessage(e.body);
  const opts = { cause: error };
  switch (status) {
    case 401:
      return new KubeApiError(`unauthorized: the API server at ${server} rejected the credentials${user ? ` of user ${user}` : ''} (${what})`, 401,
        'refresh the credentials in your kubeconfig (expired token or certificate?) and check with: kubectl auth whoami', opts);
    case 403:
      return new KubeApiError(`forbidden: ${user ? `user ${user}` : 'you'} cannot ${what}${detail ? `: ${detail}` : ''}`, 403,
        `ask for RBAC that allows it; check with: kubectl auth can-i ${action.verb} ${action.resource}${action.namespace ? ` -n ${action.namespace}` : ' -A'}`, opts);
    case 404:
      return new KubeApiError(`not found: ${what}${detail ? `: ${detail}` : ''}`, 404,
        action.namespace ? `check the name and the namespace (-n ${action.namespace})` : 'check the name', opts);
  }
  if (status !== undefined) {
    return new KubeApiError(`the API server at ${server} answered HTTP ${status} to ${what}${detail ? `: ${detail}` : ''}`, status, undefined, opts);
  }
  const code = systemCode(error);
  if (code && tlsCodes.has(code)) {
    return new KubeApiError(`TLS problem talking to ${server}: ${code}`, undefined,
      'check certificate-authority-data and the server name in your kubeconfig', opts);
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ENOTFOUND' || code === 'ECONNRESET') {
    return new KubeApiError(`cannot reach the API server at ${server} (${code}) to ${what}`, undefined,
      'is the control plane up? check the server address in your kubeconfig and: kubectl cluster-info', opts);
  }
  if (code === 'ETIMEDOUT' || e.name === 'TimeoutError' || e.name === 'AbortError') {
    return new KubeApiError(`timed out talking to the API server at ${server} (${what})`, undefined,
      'raise --request-timeout or check that the API server is reachable', opts);
  }
  const message = typeof e.message === 'string' ? e.message : String(error);
  return new KubeApiError(`${what} failed against ${server}: ${message}`, undefined, undefined, opts);
}
