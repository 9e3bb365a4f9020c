// The dashboard over HTTP: its page (built from packages/router/dashboard/), its settings and the metrics it charts,
// under /dashboard on the ports the router listens on, behind the dashboard's guard.
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PathHandler, requestPath } from '../http-paths.js';
import { createStaticHandler } from '../static-files.js';
import { DashboardGuard } from './guard.js';
import type { ResolvedDashboard } from './options.js';

/** Where the page's build lands (`@wamp/dashboard`'s vite build), beside `src/` and `dist/` alike. */
export const PAGE_DIR = fileURLToPath(new URL('../../dashboard/dist/', import.meta.url));

/** What the dashboard serves besides its page. */
export interface DashboardServing {
  settings: ResolvedDashboard;
  /** The router's `/metrics` handler, served again under the guard as `/dashboard/metrics`. */
  metrics: PathHandler | null;
  /** The realm the page joins first (it lists the others with `router.realm.list`). */
  firstRealm: () => string | undefined;
  /** The built page; default {@link PAGE_DIR}. */
  pageDir?: string;
}

/** The page's own headers: no caching, no framing, no referrer (the URL may carry the token), nothing foreign. */
const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function answerText(response: ServerResponse, status: number, text: string, headers: object = {}): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  response.end(`${text}\n`);
}

/**
 * The dashboard's HTTP paths, per WebSocket path the page is to connect to: `GET /dashboard/` (the page; the token
 * in `?token=` or `Authorization: Bearer`), `/dashboard/config.json` (where to connect, which realm to join),
 * `/dashboard/metrics` (the router's metrics) and `/dashboard/assets/…` (the page's scripts and styles, public like
 * the package that ships them: only the origin is checked). A wrong origin is answered 403, a missing or wrong token
 * 401.
 *
 * @example
 * ```ts
 * const dashboard = createDashboardHandler({ settings, metrics, firstRealm: () => core.realmNames()[0] });
 * const handlers = [health, dashboard('/ws')];
 * ```
 */
export function createDashboardHandler(serving: DashboardServing): (webSocketPath: string) => PathHandler {
  const pageDir = serving.pageDir ?? PAGE_DIR;
  const guard = new DashboardGuard(serving.settings.token, serving.settings.allowedOrigins);
  const built = existsSync(join(pageDir, 'index.html'));
  const assets = built ? createStaticHandler(pageDir, '/dashboard') : null;
  let page: Buffer | null = null;

  return (webSocketPath) => {
    const config = (): string =>
      JSON.stringify({
        webSocketPath,
        metricsPath: serving.metrics === null ? null : '/dashboard/metrics',
        realm: serving.firstRealm() ?? null,
        token: serving.settings.token !== null,
        adminRoles: serving.settings.adminRoles.length > (serving.settings.token === null ? 0 : 1),
      });
    return (request: IncomingMessage, response: ServerResponse): boolean => {
      const path = requestPath(request);
      if (path !== '/dashboard' && !path.startsWith('/dashboard/')) return false;
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        answerText(response, 405, 'the dashboard answers GET only', { allow: 'GET, HEAD' });
        return true;
      }
      const isAsset = path.startsWith('/dashboard/assets/');
      const refusal = guard.refusal(request, !isAsset);
      if (refusal !== undefined) {
        const challenge = refusal.status === 401 ? { 'www-authenticate': 'Bearer realm="wamp-router dashboard"' } : {};
        answerText(response, refusal.status, refusal.message, challenge);
        return true;
      }
      if (!built) {
        answerText(response, 503, 'the dashboard page is not built: run `pnpm --filter @wamp/dashboard build`');
        return true;
      }
      if (path === '/dashboard') {
        const query = (request.url ?? '').indexOf('?');
        response.writeHead(308, { location: `/dashboard/${query === -1 ? '' : request.url!.slice(query)}` }).end();
      } else if (path === '/dashboard/' || path === '/dashboard/index.html') {
        page ??= readFileSync(join(pageDir, 'index.html'));
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS });
        response.end(request.method === 'HEAD' ? undefined : page);
      } else if (path === '/dashboard/config.json') {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : `${config()}\n`);
      } else if (path === '/dashboard/metrics' && serving.metrics !== null) {
        // The same handler as /metrics, mounted here: the page reads the router's figures through its guard.
        request.url = '/metrics';
        if (!serving.metrics(request, response)) answerText(response, 404, 'not found');
      } else if (!isAsset || !assets!(request, response)) {
        answerText(response, 404, 'not found');
      }
      return true;
    };
  };
}
