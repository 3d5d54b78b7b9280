import https from 'node:https';
import http from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';

/** An HTTP answer other than 2xx, shaped like the client library's ApiException (code + body). */
export class HttpStatusError extends Error {
  constructor(readonly code: number, readonly body: string) {
    super(`HTTP ${code}`);
    this.name = 'HttpStatusError';
  }
}

export type Query = Record<string, string | number | undefined>;

/**
 * GET on the API server with the kubeconfig's TLS and credentials, handing the
 * body to `onData` chunk by chunk as it arrives (2xx only; another status rejects
 * with HttpStatusError carrying the body). Lists are parsed while they stream, so
 * the whole answer is never held at once. If onData throws, the request is
 * abandoned and the promise rejects with that error.
 */
export async function getStream(config: KubeConfig, apiPath: string, query: Query, onData: (chunk: Buffer) => void): Promise<void> {
  const server = new URL(config.getCurrentCluster()!.server);
  const url = new URL(apiPath.replace(/^\//, ''), server.href.endsWith('/') ? server.href : `${server.href}/`);
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  // Sets TLS material, credentials and an agent (a proxy agent when the kubeconfig has proxy-url).
  await config.applyToHTTPSOptions(options);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise((resolve, reject) => {
    const request = transport.request(url, options, (response) => {
      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      const errorChunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        if (!ok) {
          errorChunks.push(chunk);
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

/** GET returning the whole body as text: for single objects and logs. */
export async function getText(config: KubeConfig, apiPath: string, query: Query = {}): Promise<string> {
  const chunks: Buffer[] = [];
  await getStream(config, apiPath, query, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
