// The router's own HTTP paths (health, metrics) as handlers that answer some paths and leave the others.
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A request handler that answers the paths it serves and returns false, without touching the response, for the
 * others.
 *
 * @example
 * ```ts
 * const hello: PathHandler = (request, response) => requestPath(request) === '/hello' && !!response.end('hi\n');
 * ```
 */
export type PathHandler = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * The path of a request, without its query.
 *
 * @example
 * ```ts
 * requestPath(request); // '/metrics' for GET /metrics?x=1
 * ```
 */
export function requestPath(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
