// Who may load the dashboard over HTTP: a browser from an allowed origin, carrying the admin token when there is one.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { createOriginCheck } from '@wamp/transport/node';
import { sameSecret } from '../auth/secrets.js';

/** Why a request is refused: its status (403 for the origin, 401 for the token) and a line that says what to do. */
export interface Refusal {
  status: 401 | 403;
  message: string;
}

/** The token a request carries: `Authorization: Bearer …`, else the `token` query parameter. */
function offeredToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim();
  const query = (request.url ?? '').indexOf('?');
  if (query === -1) return undefined;
  return new URLSearchParams((request.url ?? '').slice(query + 1)).get('token') ?? undefined;
}

/**
 * The dashboard's HTTP guard. A request with an `Origin` header must come from `allowedOrigins` (exact, or
 * `*.example.com`), or, without a list, from the origin it is sent to; a navigation (no `Origin`) passes. Then,
 * when a token is set and the resource asks for it, the request must carry it; it is compared in constant time.
 *
 * @example
 * ```ts
 * const guard = new DashboardGuard('s3cret-token-of-24-chars', undefined);
 * guard.refusal(request, true); // undefined, or { status: 401, message: '…' }
 * ```
 */
export class DashboardGuard {
  private readonly originAllowed: ((origin: string | undefined) => boolean) | null;

  constructor(
    private readonly token: string | null,
    allowedOrigins: readonly string[] | undefined,
  ) {
    this.originAllowed = allowedOrigins === undefined ? null : createOriginCheck(allowedOrigins);
  }

  /** Why `request` may not have the resource (`needsToken`: the page and its data, not its public assets). */
  refusal(request: IncomingMessage, needsToken: boolean): Refusal | undefined {
    const origin = request.headers.origin;
    if (origin !== undefined && !this.allowsOrigin(request, origin)) {
      return { status: 403, message: `origin ${origin} may not use the dashboard: add it to dashboard.allowedOrigins` };
    }
    if (!needsToken || this.token === null) return undefined;
    const offered = offeredToken(request);
    if (offered === undefined) {
      return { status: 401, message: 'the dashboard needs its token: open /dashboard/?token=… as printed at startup' };
    }
    if (!sameSecret(offered, this.token)) return { status: 401, message: 'wrong dashboard token' };
    return undefined;
  }

  private allowsOrigin(request: IncomingMessage, origin: string): boolean {
    if (this.originAllowed !== null) return this.originAllowed(origin);
    const scheme = (request.socket as TLSSocket).encrypted === true ? 'https' : 'http';
    return origin.toLowerCase() === `${scheme}://${request.headers.host ?? ''}`.toLowerCase();
  }
}
