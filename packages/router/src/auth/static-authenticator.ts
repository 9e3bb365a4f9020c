import {
  createHash,
  createHmac,
  createPublicKey,
  type KeyObject,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
  verify,
} from 'node:crypto';
import { type Dict, ErrorUri } from '@wamp/protocol';
import type { AuthDenied, Authenticator, AuthGranted, AuthRequest, AuthStep } from '../core/auth.js';
import type { CraUser, CryptosignUser, RealmAuth, TicketUser } from './options.js';

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

function granted(authid: string, authrole: string, authmethod: string, authprovider = 'static'): AuthGranted {
  return { kind: 'welcome', authid, authrole, authmethod, authprovider };
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
/** Calls a procedure in a realm as the router: how a dynamic authenticator is reached. */
export type RealmCaller = (realm: string, procedure: string, args: unknown[], timeoutMs: number) => Promise<unknown[]>;

export class StaticAuthenticator implements Authenticator {
  constructor(
    private readonly realms: Readonly<Record<string, RealmAuth>>,
    private readonly callRealm?: RealmCaller,
  ) {}

  start(request: AuthRequest): AuthStep {
    const config = this.realms[request.realm];
    if (config === undefined) return granted(anonymousId(request), 'anonymous', 'anonymous');
    const offered = request.authmethods.length > 0 ? request.authmethods : ['anonymous'];
    for (const method of offered) {
      if (method === 'anonymous' && config.anonymous !== undefined) {
        return granted(anonymousId(request), config.anonymous.role, 'anonymous');
      }
      if (method === 'ticket' && config.ticketAuthenticator !== undefined && request.authid !== undefined) {
        return this.dynamicTicket(config.ticketAuthenticator, request);
      }
      if (method === 'ticket' && config.ticket !== undefined && request.authid !== undefined) {
        return this.ticket(config.ticket, request.authid);
      }
      if (method === 'wampcra' && config.wampcra !== undefined && request.authid !== undefined) {
        return this.wampcra(config.wampcra, request);
      }
      if (method === 'cryptosign' && config.cryptosign !== undefined) {
        return this.cryptosign(config.cryptosign, request);
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

  /** Ticket checked by a procedure in the realm (a dynamic authenticator). */
  private dynamicTicket(authenticator: { procedure: string; timeoutMs?: number }, request: AuthRequest): AuthStep {
    const authid = request.authid!;
    return {
      kind: 'challenge',
      method: 'ticket',
      extra: {},
      verify: async (ticket) => {
        if (this.callRealm === undefined) return FAILED;
        let answer: unknown[];
        try {
          answer = await this.callRealm(
            request.realm,
            authenticator.procedure,
            [request.realm, authid, { ticket }],
            authenticator.timeoutMs ?? 5_000,
          );
        } catch {
          return FAILED; // refused, failed or timed out: the client learns nothing more
        }
        const decision = answer[0];
        if (typeof decision === 'string') return granted(authid, decision, 'ticket', 'dynamic');
        if (
          typeof decision === 'object' &&
          decision !== null &&
          typeof (decision as { role?: unknown }).role === 'string'
        ) {
          const {
            role,
            authid: assigned,
            authextra,
          } = decision as { role: string; authid?: unknown; authextra?: unknown };
          const result = granted(typeof assigned === 'string' ? assigned : authid, role, 'ticket', 'dynamic');
          if (typeof authextra === 'object' && authextra !== null) result.authextra = authextra as Dict;
          return result;
        }
        return FAILED;
      },
    };
  }

  /**
   * WAMP-Cryptosign: the client names its public key in `authextra.pubkey`; it must belong to a configured user
   * (and to `authid`, when given). The answer is the Ed25519 signature of the 32-byte challenge, followed by the
   * challenge itself. Channel binding is not supported yet.
   */
  private cryptosign(users: Record<string, CryptosignUser>, request: AuthRequest): AuthStep {
    const pubkey =
      typeof request.details.authextra?.pubkey === 'string' ? request.details.authextra.pubkey.toLowerCase() : '';
    const entry = Object.entries(users).find(
      ([authid, user]) =>
        user.pubkey.toLowerCase() === pubkey && (request.authid === undefined || request.authid === authid),
    );
    const key = entry === undefined ? undefined : ed25519Key(entry[1].pubkey);
    const challenge = randomBytes(32);
    return {
      kind: 'challenge',
      method: 'cryptosign',
      extra: { challenge: challenge.toString('hex'), channel_binding: null },
      verify: (signature) => {
        if (entry === undefined || key === undefined || !/^[0-9a-fA-F]{192}$/.test(signature)) return FAILED;
        const bytes = Buffer.from(signature, 'hex');
        const signed = bytes.subarray(64);
        if (!timingSafeEqual(signed, challenge) || !verify(null, challenge, key, bytes.subarray(0, 64))) return FAILED;
        return granted(entry[0], entry[1].role, 'cryptosign');
      },
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

/** An Ed25519 public key from its 32 raw bytes in hex; undefined when it is not one. */
function ed25519Key(hex: string): KeyObject | undefined {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return undefined;
  try {
    return createPublicKey({
      key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(hex, 'hex').toString('base64url') },
      format: 'jwk',
    });
  } catch {
    return undefined;
  }
}

function anonymousId(request: AuthRequest): string {
  return request.session.toString(36);
}
