// The router's Authenticator: each realm's configured methods, users and dynamic authenticators, applied to a HELLO.
import { createHash, randomBytes } from 'node:crypto';
import { type Dict, ErrorUri } from '@wamp/protocol';
import type { AuthDenied, Authenticator, AuthGranted, AuthRequest, AuthStep } from '../core/auth.js';
import { announcedPubkey, cryptosignChallenge } from './cryptosign.js';
import { askAuthenticator, type DynamicAuthenticator, type DynamicPrincipal, type RealmCaller } from './dynamic.js';
import type { CraUser, CryptosignUser, RealmAuth, TicketUser } from './options.js';
import { ScramUsers, scramChallenge } from './scram.js';
import { sameSecret } from './secrets.js';
import { craChallenge } from './wampcra.js';

const FAILED: AuthDenied = { kind: 'deny', reason: ErrorUri.AUTHENTICATION_FAILED, message: 'authentication failed' };
/** The role a WAMP-CRA challenge names for an unknown user of a dynamic authenticator (its users' roles are unknown). */
const DYNAMIC_DECOY_ROLE = 'user';

function ticketMatches(user: TicketUser | undefined, offered: string): boolean {
  // An unknown user is checked against a random value, so the answer takes as long and says nothing.
  const stored = user?.ticket ?? randomBytes(16).toString('hex');
  if (stored.startsWith('sha256:')) {
    return sameSecret(stored.slice(7), createHash('sha256').update(offered).digest('hex'));
  }
  return sameSecret(stored, offered);
}

function granted(authid: string, authrole: string, authmethod: string, authprovider = 'static'): AuthGranted {
  return { kind: 'welcome', authid, authrole, authmethod, authprovider };
}

/** WELCOME for a dynamic authenticator's principal; `authid` unless it assigned another. */
function grantedDynamic(principal: DynamicPrincipal, authid: string, authmethod: string): AuthGranted {
  const result = granted(principal.authid ?? authid, principal.role, authmethod, 'dynamic');
  if (principal.authextra !== undefined) result.authextra = principal.authextra as Dict;
  return result;
}

/** The role most of the realm's WAMP-CRA users have: what a challenge for an unknown user names. */
function commonRole(users: Record<string, CraUser>): string {
  const counts = new Map<string, number>();
  let best = DYNAMIC_DECOY_ROLE;
  let bestCount = 0;
  for (const { role } of Object.values(users)) {
    const count = (counts.get(role) ?? 0) + 1;
    counts.set(role, count);
    if (count > bestCount) [best, bestCount] = [role, count];
  }
  return best;
}

/**
 * Authentication from the router's configuration, per realm: anonymous access with a role; ticket, WAMP-CRA,
 * WAMP-Cryptosign and WAMP-SCRAM users listed in the config; and for ticket, WAMP-CRA and WAMP-Cryptosign,
 * optionally, a dynamic authenticator (a procedure registered in the realm by a trusted backend) that takes the
 * method over. WAMP-SCRAM users' keys are derived from their passwords once, here. Comparisons are timing-safe,
 * unknown users get the same challenge and the same refusal as wrong secrets, and no secret is ever logged.
 *
 * @example
 * ```ts
 * const authenticator = new RealmAuthenticator({ realm1: { ticket: { alice: { role: 'user', ticket: 'secret' } } } });
 * ```
 */
export class RealmAuthenticator implements Authenticator {
  /** Per realm with a `scram` section, its users with their keys ready. */
  private readonly scramUsers = new Map<string, ScramUsers>();

  constructor(
    private readonly realms: Readonly<Record<string, RealmAuth>>,
    private readonly callRealm?: RealmCaller,
  ) {
    for (const [realm, config] of Object.entries(realms)) {
      if (config.scram !== undefined) this.scramUsers.set(realm, new ScramUsers(config.scram));
    }
  }

  start(request: AuthRequest): AuthStep | Promise<AuthStep> {
    const config = this.realms[request.realm];
    if (config === undefined) return granted(anonymousId(request), 'anonymous', 'anonymous');
    const offered = request.authmethods.length > 0 ? request.authmethods : ['anonymous'];
    const hasAuthid = request.authid !== undefined;
    for (const method of offered) {
      if (method === 'anonymous' && config.anonymous !== undefined) {
        return granted(anonymousId(request), config.anonymous.role, 'anonymous');
      }
      if (method === 'ticket' && hasAuthid && config.ticketAuthenticator !== undefined) {
        return this.dynamicTicket(config.ticketAuthenticator, request);
      }
      if (method === 'ticket' && hasAuthid && config.ticket !== undefined) {
        return this.ticket(config.ticket, request.authid!);
      }
      if (method === 'wampcra' && hasAuthid && config.wampcraAuthenticator !== undefined) {
        return this.dynamicWampcra(config.wampcraAuthenticator, request);
      }
      if (method === 'wampcra' && hasAuthid && config.wampcra !== undefined) {
        return this.wampcra(config.wampcra, request);
      }
      if (method === 'cryptosign' && config.cryptosignAuthenticator !== undefined) {
        return this.dynamicCryptosign(config.cryptosignAuthenticator, request);
      }
      if (method === 'cryptosign' && config.cryptosign !== undefined) {
        return this.cryptosign(config.cryptosign, request);
      }
      const scram = this.scramUsers.get(request.realm);
      if (method === 'wamp-scram' && hasAuthid && scram !== undefined) {
        return scramChallenge(request, scram, (user) => granted(user.authid, user.role, 'wamp-scram'));
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

  /** The ticket goes to the authenticator, as `details.ticket`; it answers with the principal or refuses. */
  private dynamicTicket(authenticator: DynamicAuthenticator, request: AuthRequest): AuthStep {
    return {
      kind: 'challenge',
      method: 'ticket',
      extra: {},
      verify: async (ticket) => {
        const principal = await askAuthenticator(this.callRealm, authenticator, request, 'ticket', { ticket });
        return principal === undefined ? FAILED : grantedDynamic(principal, request.authid!, 'ticket');
      },
    };
  }

  private wampcra(users: Record<string, CraUser>, request: AuthRequest): AuthStep {
    const authid = request.authid!;
    const user = Object.hasOwn(users, authid) ? users[authid] : undefined;
    const authrole = user?.role ?? commonRole(users);
    return craChallenge({
      authid,
      authrole,
      authprovider: 'static',
      session: request.session,
      user,
      saltedDecoy: Object.values(users).some((known) => known.salt !== undefined),
      granted: granted(authid, authrole, 'wampcra'),
    });
  }

  /**
   * The authenticator is asked for the user's secret (and salt) before the challenge, which names the role it
   * gave; a refusal still gets a challenge, which no answer passes.
   */
  private async dynamicWampcra(authenticator: DynamicAuthenticator, request: AuthRequest): Promise<AuthStep> {
    const authid = request.authid!;
    const principal = await askAuthenticator(this.callRealm, authenticator, request, 'wampcra');
    const known = principal?.secret === undefined ? undefined : principal;
    return craChallenge({
      authid,
      authrole: known?.role ?? DYNAMIC_DECOY_ROLE,
      authprovider: 'dynamic',
      session: request.session,
      user: known === undefined ? undefined : { ...known, secret: known.secret! },
      saltedDecoy: false,
      granted: grantedDynamic(known ?? { role: DYNAMIC_DECOY_ROLE }, authid, 'wampcra'),
    });
  }

  /** The announced key must belong to a configured user (and to `authid`, when the client gave one). */
  private cryptosign(users: Record<string, CryptosignUser>, request: AuthRequest): AuthStep {
    const pubkey = announcedPubkey(request);
    const entry = Object.entries(users).find(
      ([authid, user]) =>
        user.pubkey.toLowerCase() === pubkey && (request.authid === undefined || request.authid === authid),
    );
    return cryptosignChallenge(request, entry === undefined ? '' : pubkey, () =>
      entry === undefined ? FAILED : granted(entry[0], entry[1].role, 'cryptosign'),
    );
  }

  /**
   * The signature is checked against the announced key first; only then is the authenticator asked who holds the
   * key (`details.pubkey`). Without an authid from either, the session's authid is the key in hex.
   */
  private dynamicCryptosign(authenticator: DynamicAuthenticator, request: AuthRequest): AuthStep {
    const pubkey = announcedPubkey(request);
    return cryptosignChallenge(request, pubkey, async () => {
      const principal = await askAuthenticator(this.callRealm, authenticator, request, 'cryptosign', { pubkey });
      return principal === undefined ? FAILED : grantedDynamic(principal, request.authid ?? pubkey, 'cryptosign');
    });
  }
}

function anonymousId(request: AuthRequest): string {
  return request.session.toString(36);
}
