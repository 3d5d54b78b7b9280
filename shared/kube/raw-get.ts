import https from 'node:https';
import http from 'node:http';

/** An HTTP answer other than 2xx, shaped like the client library's ApiException (code + body). */
export class HttpStatusError extends Error {
  constructor(readonly code: number, readonly body: string) {
    super(`HTTP ${code}`);
    this.name = 'HttpStatusError';
  }
}

export type Query = Record<string, string | number | undefined>;

/**
 * What a request takes from the kubeconfig: the server, then TLS material, credentials and an agent.
 * A @kubernetes/client-node KubeConfig is one; lightRequestConfig (no client library) another.
 */
export interface RequestConfig {
  getCurrentCluster(): { server: string } | null;
  applyToHTTPSOptions(options: https.RequestOptions): Promise<void>;
}

/** The most one response may hold (a page of 500 pods is a few MB; a JavaScript string cannot hold much more than this). */
export const maxBodyBytes = 500 * 1024 * 1024;

export class ResponseTooLargeError extends Error {
  constructor(limit: number) {
    super(`the response is larger than ${Math.round(limit / 1024 / 1024)} MiB`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * GET on the API server with the kubeconfig's TLS and credentials, returning
 * the body as text. Used for lists and logs: plain JSON.parse is several times
 * faster and lighter than the generated client's model conversion, which matters
 * on a 30,000-pod cluster.
 */
export async function getText(config: RequestConfig, apiPath: string, query: Query = {}, signal?: AbortSignal, accept = 'application/json'): Promise<string> {
  return requestText(config, 'GET', apiPath, undefined, query, signal, accept);
}

/** The URL, options and module of one request to the API server: the one place its address, query and credentials are put together. */
async function prepareRequest(config: RequestConfig, method: string, apiPath: string, query: Query, signal: AbortSignal | undefined,
  accept: string, jsonBody: string | undefined): Promise<{ url: URL; options: https.RequestOptions; transport: typeof https | typeof http }> {
  const server = new URL(config.getCurrentCluster()!.server);
  const url = new URL(apiPath.replace(/^\//, ''), server.href.endsWith('/') ? server.href : `${server.href}/`);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  // Content-Length by hand: Node frames a DELETE's body without one, and the server then reads the body as the next
  // request on the connection (400 on a kept-alive one) and never sees it (gracePeriodSeconds ignored).
  const headers: Record<string, string> = {
    Accept: accept, ...(jsonBody !== undefined && { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(jsonBody)) }),
  };
  const options: https.RequestOptions = { method, headers, ...(signal && { signal }) };
  // Sets TLS material, credentials and an agent (a proxy agent when the kubeconfig has proxy-url).
  await config.applyToHTTPSOptions(options);
  return { url, options, transport: url.protocol === 'http:' ? http : https };
}

/** Any verb with an optional JSON body (create, delete...); the answer's body as text, non-2xx as HttpStatusError. */
export async function requestText(config: RequestConfig, method: 'GET' | 'POST' | 'DELETE' | 'PATCH', apiPath: string, body?: unknown,
  query: Query = {}, signal?: AbortSignal, accept = 'application/json'): Promise<string> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const { url, options, transport } = await prepareRequest(config, method, apiPath, query, signal, accept, payload);
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // A body past the cap is not an answer we can use: stop reading rather than fill memory.
        if (size > maxBodyBytes) {
          request.destroy(new ResponseTooLargeError(maxBodyBytes));
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve(text);
        else reject(new HttpStatusError(status, text));
      });
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * GET on the API server handing the body to `onData` chunk by chunk as it arrives
 * (2xx only; another status rejects with HttpStatusError carrying the body, capped).
 * Lists are parsed while they stream, so the whole answer is never held at once;
 * the caller bounds what it keeps. If onData throws, the request is abandoned and
 * the promise rejects with that error.
 */
export async function getStream(config: RequestConfig, apiPath: string, query: Query, onData: (chunk: Buffer) => void, signal?: AbortSignal): Promise<void> {
  const { url, options, transport } = await prepareRequest(config, 'GET', apiPath, query, signal, 'application/json', undefined);
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options, (response) => {
      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const errorChunks: Buffer[] = [];
      let errorBytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (!ok) {
          // An error body is a Status object: keep its start, enough for its message.
          if (errorBytes < 1024 * 1024) errorChunks.push(chunk);
          errorBytes += chunk.length;
          return;
        }
        try {
          onData(chunk);
        } catch (error) {
          request.destroy();
          reject(error);
        }
      });
      response.on('error', reject);
      response.on('end', () => {
        if (ok) resolve();
        else reject(new HttpStatusError(status, Buffer.concat(errorChunks).toString('utf8')));
      });
    });
    request.on('error', reject);
    request.end();
  });
}
