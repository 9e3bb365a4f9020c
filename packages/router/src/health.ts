// The router's health endpoints on the HTTP servers it listens on: liveness (/healthz) and readiness (/readyz).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type PathHandler, requestPath } from './http-paths.js';

/**
 * Why the router is not ready to take sessions (shutting down, not linked to the cluster), or undefined when it is.
 *
 * @example
 * ```ts
 * const readiness: Readiness = () => (closing ? 'shutting down' : undefined);
 * ```
 */
export type Readiness = () => string | undefined;

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function answer(request: IncomingMessage, response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, JSON_TYPE);
  response.end(request.method === 'HEAD' ? undefined : `${JSON.stringify(body)}\n`);
}

/**
 * A request handler for `GET /healthz` (200 while the process serves, with its uptime) and `GET /readyz` (200 when
 * ready, else 503 with the reason), both JSON; it returns false for any other request, which it leaves alone.
 *
 * @example
 * ```ts
 * const health = createHealthHandler(() => (fabricLinked ? undefined : 'not linked to NATS'));
 * createServer((request, response) => health(request, response) || serveTheRest(request, response));
 * ```
 */
export function createHealthHandler(readiness: Readiness): PathHandler {
  const started = Date.now();
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = requestPath(request);
    if (path === '/healthz') {
      answer(request, response, 200, { status: 'ok', uptimeSeconds: Math.floor((Date.now() - started) / 1000) });
      return true;
    }
    if (path === '/readyz') {
      const reason = readiness();
      if (reason === undefined) answer(request, response, 200, { status: 'ready' });
      else answer(request, response, 503, { status: 'not ready', reason });
      return true;
    }
    return false;
  };
}
