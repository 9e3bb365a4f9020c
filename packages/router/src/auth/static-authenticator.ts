import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { type Dict, ErrorUri } from '@wamp/protocol';
import type { AuthDenied, Authenticator, AuthGranted, AuthRequest, AuthStep } from '../core/auth.js';
import type { CraUser, RealmAuth, TicketUser } from './options.js';

const FAILED: AuthDenied = {
  kind: 'deny',
  reason: ErrorUri.AUTHENTICATION_FAILED,
  message: 'authentication failed',
};

/** Compares two strings in time independent of where they differ (by hashing both to equal-length digests). */
function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

function ticketMatches(user: TicketUser | undefined, offered: string): boolean {
  // An unknown user is checked against a random value, so the answer takes as long and says nothing.
  const stored = user?.ticket ?? randomBytes(16).toString('hex');
  if (stored.startsWith('sha256:')) {
    return sameSecret(stored.slice(7), createHash('sha256').update(offered).digest('hex'));
  }
  return sameSecret(stored, offered);
}

/**
 * The WAMP-CRA signing key of a user: the secret itself, or for salted secrets the PBKDF2-SHA256 derived key in
 * base64 (the form Autobahn's `derive_key` produces and signs with).
 *
 * @example
 * ```ts
 * craKey({ role: 'user', secret: 'pw', salt: 'salt123', iterations: 1000, keylen: 32 });
 * ```
 */
export function craKey(user: CraUser): string {
  if (user.salt === undefined) return user.secret;
  return pbkdf2Sync(user.secret, user.salt, user.iterations ?? 1000, user.keylen ?? 32, 'sha256').toString('base64');
}

function granted(authid: string, authrole: string, authmethod: string): AuthGranted {
  return { kind: 'welcome', authid, authrole, authmethod, authprovider: 'static' };
}

/**
 * Authentication from the router's configuration: per realm, anonymous access with a role, ticket users and
 * WAMP-CRA users. Comparisons are timing-safe, unknown users get the same challenge and the same refusal as
 * wrong secrets, and no secret is ever logged.
 *
 * @example
 * ```ts
 * const authenticator = new StaticAuthenticator({ realm1: { ticket: { alice: { role: 'user', ticket: 'secret' } } } });
 * ```
 */
export class StaticAuthenticator implements Authenticator {
  constructor(private readonly realms: Readonly<Record<string, RealmAuth>>) {}

  start(request: AuthRequest): AuthStep {
    const config = this.realms[request.realm];
    if (config === undefined) return granted(anonymousId(request), 'anonymous', 'anonymous');
    const offered = request.authmethods.length > 0 ? request.authmethods : ['anonymous'];
    for (const method of offered) {
      if (method === 'anonymous' && config.anonymous !== undefined) {
        return granted(anonymousId(request), config.anonymous.role, 'anonymous');
      }
      if (method === 'ticket' && config.ticket !== undefined && request.authid !== undefined) {
        return this.ticket(config.ticket, request.authid);
      }
      if (method === 'wampcra' && config.wampcra !== undefined && request.authid !== undefined) {
        return this.wampcra(config.wampcra, request);
      }
    }
    return {
      kind: 'deny',
      reason: 'wamp.error.no_matching_auth_method',
      message: `none of the offered authentication methods (${offered.join(', ')}) is accepted on this realm`,
    };
  }

  private ticket(users: Record<string, TicketUser>, authid: string): AuthStep {
    const user = Object.hasOwn(users, authid) ? users[authid] : undefined;
    return {
      kind: 'challenge',
      method: 'ticket',
      extra: {},
      verify: (signature) =>
        ticketMatches(user, signature) && user !== undefined ? granted(authid, user.role, 'ticket') : FAILED,
    };
  }

  private wampcra(users: Record<string, CraUser>, request: AuthRequest): AuthStep {
    const authid = request.authid!;
    const user = Object.hasOwn(users, authid) ? users[authid] : undefined;
    // An unknown user still gets a well-formed challenge (with a made-up salt when salting is in use elsewhere).
    const role = user?.role ?? 'unknown';
    const challenge = JSON.stringify({
      authid,
      authrole: role,
      authmethod: 'wampcra',
      authprovider: 'static',
      nonce: randomBytes(16).toString('base64'),
      timestamp: new Date().toISOString(),
      session: request.session,
    });
    const extra: Dict = { challenge };
    if (user?.salt !== undefined) {
      extra.salt = user.salt;
      extra.iterations = user.iterations ?? 1000;
      extra.keylen = user.keylen ?? 32;
    }
    const key = user === undefined ? randomBytes(32).toString('base64') : craKey(user);
    const expected = createHmac('sha256', key).update(challenge).digest('base64');
    return {
      kind: 'challenge',
      method: 'wampcra',
      extra,
      verify: (signature) =>
        sameSecret(expected, signature) && user !== undefined ? granted(authid, user.role, 'wampcra') : FAILED,
    };
  }
}

function anonymousId(request: AuthRequest): string {
  return request.session.toString(36);
}
