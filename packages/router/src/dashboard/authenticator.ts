// The dashboard's way into a realm: a ticket login with the admin token, ahead of the realm's own authentication.
import { ErrorUri } from '@wamp/protocol';
import { createOriginCheck } from '@wamp/transport/node';
import { sameSecret } from '../auth/secrets.js';
import { DASHBOARD_ROLE } from '../core/admin.js';
import type { AuthDenied, Authenticator, AuthRequest, AuthStep } from '../core/auth.js';

const FAILED: AuthDenied = { kind: 'deny', reason: ErrorUri.AUTHENTICATION_FAILED, message: 'authentication failed' };

/**
 * Lets the dashboard page's session into any realm: a HELLO with `authmethods: ['ticket']` and authid
 * `router.dashboard` is challenged for the admin token (compared in constant time) and welcomed with authid and
 * authrole `router.dashboard`, authprovider `dashboard`. From a browser whose `Origin` is not among
 * `allowedOrigins` (when the dashboard has a list) it fails like a wrong token. Every other HELLO goes to `inner`.
 *
 * @example
 * ```ts
 * const authenticator = new DashboardAuthenticator(new RealmAuthenticator(auth), token, undefined);
 * ```
 */
export class DashboardAuthenticator implements Authenticator {
  private readonly originAllowed: ((origin: string | undefined) => boolean) | null;

  constructor(
    private readonly inner: Authenticator,
    private readonly token: string,
    allowedOrigins: readonly string[] | undefined,
  ) {
    this.originAllowed = allowedOrigins === undefined ? null : createOriginCheck(allowedOrigins);
  }

  start(request: AuthRequest): AuthStep | Promise<AuthStep> {
    if (request.authid !== DASHBOARD_ROLE || !request.authmethods.includes('ticket')) return this.inner.start(request);
    const fromAllowedOrigin = this.originAllowed === null || this.originAllowed(request.peer.origin);
    return {
      kind: 'challenge',
      method: 'ticket',
      extra: {},
      verify: (signature) =>
        sameSecret(signature, this.token) && fromAllowedOrigin
          ? {
              kind: 'welcome',
              authid: DASHBOARD_ROLE,
              authrole: DASHBOARD_ROLE,
              authmethod: 'ticket',
              authprovider: 'dashboard',
            }
          : FAILED,
    };
  }
}
