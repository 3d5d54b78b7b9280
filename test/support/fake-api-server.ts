import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';

/** How a fake API server misbehaves for one request: an answer, or a way of not answering. */
export type FakeAnswer =
  | { status?: number; json: unknown }
  | { status?: number; text: string; contentType?: string }
  | { hang: true }
  | { destroy: true }
  | { headersThenHang: true }
  | { trickle: true };

export type FakeRoute = (url: URL, request: http.IncomingMessage) => FakeAnswer;

/**
 * A small HTTP server on 127.0.0.1 that plays an API server which hangs, lies, pages forever or
 * answers with the wrong shape. Only loopback; close() ends every socket it holds.
 */
export class FakeApiServer {
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  requests: string[] = [];

  constructor(private readonly route: FakeRoute) {
    this.server = http.createServer((request, response) => this.answer(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A kubeconfig pointing at this server (no TLS, a token), written into dir. */
  kubeconfig(dir: string, server: string, extraCluster: Record<string, unknown> = {}): string {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, JSON.stringify({
      apiVersion: 'v1', kind: 'Config', 'current-context': 'fake',
      clusters: [{ name: 'fake', cluster: { server, 'insecure-skip-tls-verify': true, ...extraCluster } }],
      users: [{ name: 'fake', user: { token: 'not-a-real-token' } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: 'default' } }],
    }));
    return file;
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    this.requests.push(`${url.pathname}${url.search}`);
    const answer = this.route(url, request);
    if ('hang' in answer) return;
    if ('destroy' in answer) {
      request.socket.destroy();
      return;
    }
    if ('headersThenHang' in answer) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"kind":"PodList","items":[');
      return;
    }
    if ('trickle' in answer) {
      response.writeHead(200, { 'content-type': 'application/json' });
      const timer = setInterval(() => response.write(' '), 200);
      this.timers.add(timer);
      return;
    }
    const status = answer.status ?? 200;
    if ('json' in answer) {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.json));
    } else {
      response.writeHead(status, { 'content-type': answer.contentType ?? 'text/plain' });
      response.end(answer.text);
    }
  }
}

/** A minimal healthy-looking cluster, to vary one answer at a time. */
export const sane = {
  nodes: { kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: [] as unknown[] },
  emptyList: (kind: string) => ({ kind, apiVersion: 'v1', metadata: {}, items: [] as unknown[] }),
};
