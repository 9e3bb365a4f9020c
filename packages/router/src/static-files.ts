// Static files of a directory served over HTTP, beside the WebSocket endpoint.
import { createReadStream, type Stats, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { RouterError, RouterErrorCode } from './errors.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function fileAt(path: string): Stats | undefined {
  try {
    const stats = statSync(path);
    return stats.isFile() ? stats : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An HTTP handler serving the files under `root` (GET and HEAD), with `index.html` for directories. Paths
 * that leave `root` are refused. Files under `assets/` (content-hashed by bundlers) are cached for a year;
 * everything else is revalidated on each load. With `prefix` (e.g. `/dashboard`), `root` is served under that
 * path only.
 *
 * @example
 * ```ts
 * const serve = createStaticHandler('./public');
 * http.createServer((req, res) => serve(req, res) || notFound(res));
 * ```
 */
export function createStaticHandler(
  root: string,
  prefix = '',
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const base = resolve(root);
  const stats = (() => {
    try {
      return statSync(base);
    } catch {
      return undefined;
    }
  })();
  if (stats === undefined || !stats.isDirectory()) {
    throw new RouterError(RouterErrorCode.INVALID_OPTION, `static directory "${root}" does not exist: check --static`);
  }
  return (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    } catch {
      return false;
    }
    if (prefix !== '') {
      if (!pathname.startsWith(`${prefix}/`)) return false;
      pathname = pathname.slice(prefix.length);
    }
    const candidate = normalize(join(base, pathname));
    if (candidate !== base && !candidate.startsWith(base + sep)) return false;
    let path = candidate;
    let file = fileAt(path);
    if (file === undefined) {
      path = join(candidate, 'index.html');
      file = fileAt(path);
    }
    if (file === undefined) return false;
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(path)] ?? 'application/octet-stream',
      'content-length': file.size,
      'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(path).pipe(response);
    return true;
  };
}
