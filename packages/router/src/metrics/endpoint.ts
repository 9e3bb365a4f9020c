// Serving the metrics: the `GET /metrics` handler (prom-client loaded on the first scrape) and, for metrics on an
// address of their own, the server that answers it with the health endpoints.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { type PathHandler, requestPath } from '../http-paths.js';

/**
 * Answers `GET /metrics` with `registry()`'s metrics in the Prometheus text format; the registry is made on the
 * first scrape, so a router that is never scraped never loads prom-client.
 *
 * @example
 * ```ts
 * const metrics = createMetricsHandler(async () => (await import('./prometheus.js')).routerMetrics(core, null));
 * ```
 */
export function createMetricsHandler(
  registry: () => Promise<Registry>,
  onError: (error: unknown) => void,
): PathHandler {
  let made: Promise<Registry> | null = null;
  return (request, response) => {
    if (request.method !== 'GET' || requestPath(request) !== '/metrics') return false;
    made ??= registry();
    made
      .then(async (ready) => {
        const text = await ready.metrics();
        response.writeHead(200, { 'content-type': ready.contentType, 'cache-control': 'no-store' }).end(text);
      })
      .catch((error: unknown) => {
        onError(error);
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('metrics failed\n');
      });
    return true;
  };
}

/**
 * A plain HTTP server of its own for the metrics (and health) endpoints on `host:port`; 404 for anything else.
 * Resolves with its URL once listening, and a `close`.
 *
 * @example
 * ```ts
 * const { url, close } = await listenForMetrics('127.0.0.1', 9464, [health, metrics]); // 'http://127.0.0.1:9464/metrics'
 * ```
 */
export async function listenForMetrics(
  host: string,
  port: number,
  handlers: readonly PathHandler[],
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    for (const handle of handlers) if (handle(request, response)) return;
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
