// WAMP-SCRAM (the spec's "Salted Challenge Response Authentication"), PBKDF2-HMAC-SHA256 variant. Argon2id, the
// spec's other KDF, is not in Node 20's crypto: users configured with it are refused by config validation.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { ErrorUri, isDict, saslprep } from '@wamp/protocol';
import type { AuthChallenge, AuthDenied, AuthGranted, AuthRequest } from '../core/auth.js';

/** The iteration count for users that name none, and for the challenges of unknown users in realms without users. */
export const SCRAM_DEFAULT_ITERATIONS = 100_000;
/** The least iteration count accepted in the config: RFC 7677's minimum, below which clients may refuse. */
export const SCRAM_MIN_ITERATIONS = 4096;
/** The least salt length accepted in the config, in bytes (RFC 2898 recommends at least 64 bits). */
export const SCRAM_MIN_SALT_BYTES = 8;
/** How long the client has to answer the CHALLENGE: the spec's "received in due time". */
const ANSWER_WITHIN_MS = 60_000;
/** The longest client nonce accepted in HELLO, in characters. */
const MAX_NONCE_LENGTH = 256;

const FAILED: AuthDenied = { kind: 'deny', reason: ErrorUri.AUTHENTICATION_FAILED, message: 'authentication failed' };
/** `Base64("n,,")`: the channel binding input without binding, the `c=` attribute of the AuthMessage. */
const NO_BINDING = Buffer.from('n,,').toString('base64');

/**
 * A WAMP-SCRAM user as the router stores it: the spec's "data stored on the server". The password cannot be
 * recovered from it; {@link scramCredentials} computes it from a password.
 */
export interface ScramCredentials {
  /** The key derivation function; only `pbkdf2` (PBKDF2-HMAC-SHA256). */
  kdf: 'pbkdf2';
  /** The user's random salt, base64. */
  salt: string;
  /** The PBKDF2 iteration count, at least 4096. */
  iterations: number;
  /** `SHA256(HMAC(SaltedPassword, "Client Key"))`, base64. */
  storedKey: string;
  /** `HMAC(SaltedPassword, "Server Key")`, base64. */
  serverKey: string;
}

/**
 * The bytes of a canonical base64 string (RFC 4648 alphabet, padded, no whitespace), or undefined when `text` is
 * not one.
 *
 * @example
 * ```ts
 * canonicalBase64('aBc+fx0NAVA='); // <Buffer 68 17 3e 7e 1d 0d 01 50>
 * canonicalBase64('aBc+fx0NAVA'); // undefined
 * ```
 */
export function canonicalBase64(text: unknown): Buffer | undefined {
  if (typeof text !== 'string' || text.length === 0 || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

/**
 * Computes the stored form of a WAMP-SCRAM user from its password, to put in the `scram` section of a realm's
 * `auth` config instead of the password: `SaltedPassword = PBKDF2-HMAC-SHA256(SASLprep(password), salt,
 * iterations, 32)`, then `StoredKey` and `ServerKey` as RFC 5802 defines them. Without `salt`, 16 random bytes;
 * `iterations` defaults to 100,000. Throws a `TypeError` for a salt under 8 bytes or fewer than 4096 iterations,
 * which the config would refuse.
 *
 * @example
 * ```ts
 * import { scramCredentials } from '@wamp/router';
 * const stored = scramCredentials('correct horse battery staple', { iterations: 100_000 });
 * // { kdf: 'pbkdf2', salt: '…', iterations: 100000, storedKey: '…', serverKey: '…' }
 * createRouter({ auth: { app: { scram: { alice: { role: 'user', ...stored } } } } });
 * ```
 */
export function scramCredentials(
  password: string,
  options: { salt?: string; iterations?: number } = {},
): ScramCredentials {
  const salt = options.salt ?? randomBytes(16).toString('base64');
  const saltBytes = canonicalBase64(salt);
  if (saltBytes === undefined || saltBytes.length < SCRAM_MIN_SALT_BYTES) {
    throw new TypeError(`scramCredentials: salt must be at least ${SCRAM_MIN_SALT_BYTES} bytes in canonical base64`);
  }
  const iterations = options.iterations ?? SCRAM_DEFAULT_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS) {
    throw new TypeError(`scramCredentials: iterations must be an integer of at least ${SCRAM_MIN_ITERATIONS}`);
  }
  const saltedPassword = pbkdf2Sync(saslprep(password), saltBytes, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  return {
    kdf: 'pbkdf2',
    salt,
    iterations,
    storedKey: createHash('sha256').update(clientKey).digest('base64'),
    serverKey: createHmac('sha256', saltedPassword).update('Server Key').digest('base64'),
  };
}

/** The attributes of one exchange that the AuthMessage is built from. */
export interface ScramExchange {
  /** `HELLO.Details.authid`, as sent. */
  authid: string;
  /** `HELLO.Details.authextra.nonce`. */
  clientNonce: string;
  /** `CHALLENGE.Details.nonce` (the client's nonce followed by the router's). */
  serverNonce: string;
  /** `CHALLENGE.Details.salt`. */
  salt: string;
  /** `CHALLENGE.Details.iterations`. */
  iterations: number;
  /** `AUTHENTICATE.Extra.nonce`. */
  finalNonce: string;
}

/**
 * The spec's AuthMessage, in RFC 5802's exact syntax (so RFC 7677's test vector applies), without channel binding:
 * `n=<Escape(authid)>,r=<client nonce>,r=<nonce>,s=<salt>,i=<iterations>,c=biws,r=<nonce>`.
 *
 * @example
 * ```ts
 * scramAuthMessage({ authid: 'user', clientNonce: 'abc=', serverNonce: 'abc=xyz=', salt: 's0=', iterations: 4096, finalNonce: 'abc=xyz=' });
 * // 'n=user,r=abc=,r=abc=xyz=,s=s0=,i=4096,c=biws,r=abc=xyz='
 * ```
 */
export function scramAuthMessage(exchange: ScramExchange): string {
  const name = exchange.authid.replace(/[=,]/g, (char) => (char === '=' ? '=3D' : '=2C'));
  const clientFirstBare = `n=${name},r=${exchange.clientNonce}`;
  const serverFirst = `r=${exchange.serverNonce},s=${exchange.salt},i=${exchange.iterations}`;
  const clientFinalNoProof = `c=${NO_BINDING},r=${exchange.finalNonce}`;
  return `${clientFirstBare},${serverFirst},${clientFinalNoProof}`;
}

/**
 * Whether `proof` (the decoded `ClientProof`) is right for `storedKey`: `SHA256(HMAC(StoredKey, AuthMessage) XOR
 * ClientProof)` must be `StoredKey`, compared in constant time.
 *
 * @example
 * ```ts
 * scramProofHolds(storedKey, authMessage, Buffer.from(signature, 'base64')); // true or false
 * ```
 */
export function scramProofHolds(storedKey: Buffer, authMessage: string, proof: Buffer): boolean {
  const clientSignature = createHmac('sha256', storedKey).update(authMessage).digest();
  const clientKey = Buffer.alloc(clientSignature.length);
  const usable = proof.length === clientSignature.length;
  for (let i = 0; i < clientKey.length; i++) clientKey[i] = clientSignature[i]! ^ (usable ? proof[i]! : 0);
  const recovered = createHash('sha256').update(clientKey).digest();
  return timingSafeEqual(recovered, storedKey) && usable;
}

/**
 * `ServerSignature = HMAC(ServerKey, AuthMessage)`, base64: what WELCOME carries for the client to check.
 *
 * @example
 * ```ts
 * scramServerSignature(serverKey, authMessage); // '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=' for RFC 7677's
 * ```
 */
export function scramServerSignature(serverKey: Buffer, authMessage: string): string {
  return createHmac('sha256', serverKey).update(authMessage).digest('base64');
}

/** A user with its keys ready: derived at startup from a password, or decoded from the stored form. */
export interface ScramPrincipal {
  /** The authid as configured: what WELCOME names. */
  authid: string;
  role: string;
  salt: string;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

/** The config form of a user: a password (with optional salt and iterations), or the stored credentials. */
interface ScramUserConfig {
  role: string;
  password?: string;
  salt?: string;
  iterations?: number;
  storedKey?: string;
  serverKey?: string;
}

/**
 * The WAMP-SCRAM users of one realm, with their keys. Passwords are derived once, here (a user without a salt
 * gets a random one, stable for the process). Users are found by the SASLprep form of their authid. Unknown users
 * get a made-up salt that is the same for the same authid, also across restarts with the same users, and the
 * iteration count most users have.
 *
 * @example
 * ```ts
 * const users = new ScramUsers({ alice: { role: 'user', password: 'pw', iterations: 4096 } });
 * users.find('alice')?.role; // 'user'
 * ```
 */
export class ScramUsers {
  private readonly byName = new Map<string, ScramPrincipal>();
  private readonly decoyKey: Buffer;
  /** The iteration count an unknown user's challenge names. */
  readonly decoyIterations: number;

  constructor(users: Readonly<Record<string, ScramUserConfig>>) {
    const counts = new Map<number, number>();
    let decoyIterations = SCRAM_DEFAULT_ITERATIONS;
    let best = 0;
    // The decoy salts are keyed by the users' keys: unpredictable, yet the same after a restart.
    const decoyKey = createHash('sha256').update('wamp-scram decoy salt');
    for (const [authid, user] of Object.entries(users)) {
      const credentials =
        user.password !== undefined
          ? scramCredentials(user.password, {
              ...(user.salt !== undefined && { salt: user.salt }),
              ...(user.iterations !== undefined && { iterations: user.iterations }),
            })
          : (user as ScramUserConfig & ScramCredentials);
      const principal: ScramPrincipal = {
        authid,
        role: user.role,
        salt: credentials.salt,
        iterations: credentials.iterations,
        storedKey: Buffer.from(credentials.storedKey, 'base64'),
        serverKey: Buffer.from(credentials.serverKey, 'base64'),
      };
      this.byName.set(saslprep(authid), principal);
      decoyKey.update(principal.storedKey).update(principal.serverKey);
      const count = (counts.get(principal.iterations) ?? 0) + 1;
      counts.set(principal.iterations, count);
      if (count > best) [decoyIterations, best] = [principal.iterations, count];
    }
    this.decoyKey = decoyKey.digest();
    this.decoyIterations = decoyIterations;
  }

  /** The user an authid names, compared in SASLprep form; undefined for an unknown one. */
  find(authid: string): ScramPrincipal | undefined {
    try {
      return this.byName.get(saslprep(authid));
    } catch {
      return undefined;
    }
  }

  /** A salt for an unknown user: 16 bytes in base64, like the ones {@link scramCredentials} makes. */
  decoySalt(authid: string): string {
    return createHmac('sha256', this.decoyKey).update(authid).digest().subarray(0, 16).toString('base64');
  }
}

/**
 * Answers a HELLO offering `wamp-scram`: the spec's CHALLENGE (`nonce` = the client's nonce followed by 16 random
 * bytes in base64, `salt`, `kdf: 'pbkdf2'`, `iterations`, `memory: null`), with the same shape for unknown users.
 * The AUTHENTICATE must come within a minute, repeat the nonce, ask for no channel binding and carry a right
 * ClientProof; WELCOME then carries the ServerSignature (base64) as `authextra.scram_server_signature` and, as the
 * spec text names it, `authextra.verifier`. A HELLO asking for channel binding is refused, as the spec requires
 * of a router that does not support the binding type (`wamp.error.no_matching_auth_method`); one without a base64
 * `authextra.nonce` with `wamp.error.protocol_violation`.
 *
 * @example
 * ```ts
 * const step = scramChallenge(request, users, (user) => ({ kind: 'welcome', authid: user.authid, authrole: user.role, authmethod: 'wamp-scram', authprovider: 'static' }));
 * ```
 */
export function scramChallenge(
  request: AuthRequest,
  users: ScramUsers,
  granted: (user: ScramPrincipal) => AuthGranted,
): AuthChallenge | AuthDenied {
  const authid = request.authid!;
  const authextra = isDict(request.details.authextra) ? request.details.authextra : {};
  const binding = authextra.channel_binding;
  if (binding !== undefined && binding !== null) {
    return {
      kind: 'deny',
      reason: 'wamp.error.no_matching_auth_method',
      message: `WAMP-SCRAM channel binding ${JSON.stringify(binding).slice(0, 64)} is not supported by this router (only channel_binding: null)`,
    };
  }
  const clientNonce = authextra.nonce;
  if (
    typeof clientNonce !== 'string' ||
    clientNonce.length > MAX_NONCE_LENGTH ||
    canonicalBase64(clientNonce) === undefined
  ) {
    return {
      kind: 'deny',
      reason: ErrorUri.PROTOCOL_VIOLATION,
      message: 'WAMP-SCRAM needs HELLO.Details.authextra.nonce: random octets in canonical base64',
    };
  }
  const user = users.find(authid);
  const salt = user?.salt ?? users.decoySalt(authid);
  const iterations = user?.iterations ?? users.decoyIterations;
  const serverNonce = clientNonce + randomBytes(16).toString('base64');
  // An unknown user is checked against random keys, so the answer takes as long and says nothing.
  const storedKey = user?.storedKey ?? randomBytes(32);
  const serverKey = user?.serverKey ?? randomBytes(32);
  const deadline = Date.now() + ANSWER_WITHIN_MS;
  return {
    kind: 'challenge',
    method: 'wamp-scram',
    extra: { nonce: serverNonce, salt, kdf: 'pbkdf2', iterations, memory: null },
    verify: (signature, extra) => {
      const finalNonce = extra.nonce;
      const wellFormed =
        Date.now() <= deadline &&
        typeof finalNonce === 'string' &&
        finalNonce.startsWith(clientNonce) &&
        finalNonce === serverNonce &&
        (extra.channel_binding ?? null) === null &&
        (extra.cbind_data ?? null) === null;
      const proof = canonicalBase64(signature) ?? Buffer.alloc(0);
      const authMessage = scramAuthMessage({
        authid,
        clientNonce,
        serverNonce,
        salt,
        iterations,
        finalNonce: serverNonce,
      });
      const holds = scramProofHolds(storedKey, authMessage, proof);
      if (!wellFormed || !holds || user === undefined) return FAILED;
      const serverSignature = scramServerSignature(serverKey, authMessage);
      return { ...granted(user), authextra: { scram_server_signature: serverSignature, verifier: serverSignature } };
    },
  };
}
