// The types of the `auth` section: per realm, its users for each authentication method, its dynamic authenticators
// and its roles.
import type { RoleAuthorization } from '../core/permissions.js';
import type { DynamicAuthenticator } from './dynamic.js';
import type { ScramCredentials } from './scram.js';
import type { CraSecret } from './wampcra.js';

/** A user of the ticket method: the role it gets and its ticket (plain, or `sha256:<hex>` of the ticket). */
export interface TicketUser {
  role: string;
  ticket: string;
}

/**
 * A user of WAMP-CRA: the role it gets and its secret. With `salt` (and optionally `iterations`, default 1000, and
 * `keylen`, default 32), `secret` is the password and the key is derived with PBKDF2-SHA256 as the spec describes.
 */
export interface CraUser extends CraSecret {
  role: string;
}

/** A user of WAMP-Cryptosign: the role it gets and its Ed25519 public key (32 bytes, hex). */
export interface CryptosignUser {
  role: string;
  pubkey: string;
}

/**
 * A WAMP-SCRAM user kept in the config by its password: the router derives the stored keys once at startup
 * (PBKDF2-HMAC-SHA256 of the SASLprep'd password). Without `salt` (base64, at least 8 bytes) a random one is made
 * at each start, so it changes on restart; `iterations` is at least 4096, default 100,000. Prefer
 * {@link ScramStoredUser}, which keeps the password out of the config.
 */
export interface ScramPasswordUser {
  role: string;
  password: string;
  kdf?: 'pbkdf2';
  salt?: string;
  iterations?: number;
}

/**
 * A WAMP-SCRAM user in the stored form the spec describes (`kdf`, `salt`, `iterations`, `storedKey`, `serverKey`,
 * base64), e.g. from `scramCredentials(password)`: the password is neither in the config nor recoverable from it.
 */
export interface ScramStoredUser extends ScramCredentials {
  role: string;
}

/** A user of WAMP-SCRAM (PBKDF2 only: Argon2id is not available in Node's crypto). */
export type ScramUser = ScramPasswordUser | ScramStoredUser;

/**
 * Who may join one realm, and how. A realm without an entry lets everyone in anonymously; a realm with one
 * accepts only the methods it lists.
 *
 * @example
 * ```ts
 * const auth: RealmAuth = {
 *   anonymous: { role: 'guest' },
 *   ticket: { alice: { role: 'user', ticket: 'sha256:…' } },
 *   wampcra: { bob: { role: 'admin', secret: 'hunter2', salt: 'pepper' } },
 *   scram: { dana: { role: 'user', ...scramCredentials('dana-password') } },
 * };
 * ```
 */
export interface RealmAuth {
  /** Let clients that offer no method (or `anonymous`) in, with this role. Absent: anonymous is refused. */
  anonymous?: { role: string };
  ticket?: Record<string, TicketUser>;
  wampcra?: Record<string, CraUser>;
  cryptosign?: Record<string, CryptosignUser>;
  /** WAMP-SCRAM (`wamp-scram`, PBKDF2-HMAC-SHA256) users, by authid. */
  scram?: Record<string, ScramUser>;
  /**
   * Dynamic ticket authentication: a procedure registered in this realm by a trusted backend decides. It is
   * called with `[realm, authid, details]` (`details.ticket` is the ticket) and answers with the role (a string) or
   * `{ role, authid?, authextra? }`; an error, or no answer within `timeoutMs` (default 5,000), refuses the session.
   * Takes the method over from `ticket` users.
   */
  ticketAuthenticator?: DynamicAuthenticator;
  /**
   * Dynamic WAMP-CRA: the procedure is called with `[realm, authid, details]` before the challenge and answers
   * `{ role, secret, salt?, iterations?, keylen?, authid?, authextra? }`; the router then challenges and checks.
   */
  wampcraAuthenticator?: DynamicAuthenticator;
  /**
   * Dynamic WAMP-Cryptosign: once the signature holds for the announced key, the procedure is called with
   * `[realm, authid | null, details]` (`details.pubkey` is the key in hex) and answers as for tickets.
   */
  cryptosignAuthenticator?: DynamicAuthenticator;
  /**
   * Authorization: what each role may do, as a list of permissions or as a dynamic authorizer (a procedure of this
   * realm that decides each action, with a bounded cache). When present, everything not allowed is denied
   * (including the meta API's `wamp.*` procedures); when absent, every session may do everything.
   */
  roles?: Record<string, RoleAuthorization>;
}
