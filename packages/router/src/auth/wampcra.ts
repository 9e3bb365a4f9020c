// WAMP-CRA on the router: a user's signing key (plain or salted secret), and the challenge and check of the signature.
import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { type Dict, ErrorUri } from '@wamp/protocol';
import type { AuthChallenge, AuthDenied, AuthGranted } from '../core/auth.js';
import { sameSecret } from './secrets.js';

/** A WAMP-CRA secret: the key itself, or with `salt` a password the key is derived from (PBKDF2-SHA256). */
export interface CraSecret {
  secret: string;
  salt?: string;
  iterations?: number;
  keylen?: number;
}

const FAILED: AuthDenied = { kind: 'deny', reason: ErrorUri.AUTHENTICATION_FAILED, message: 'authentication failed' };

/** Per process: decoy salts for unknown users look like real ones and stay the same for the same authid. */
const DECOY_SALT_KEY = randomBytes(32);

/**
 * The WAMP-CRA signing key of a user: the secret itself, or for salted secrets the PBKDF2-SHA256 derived key in
 * base64 (the form Autobahn's `derive_key` produces and signs with).
 *
 * @example
 * ```ts
 * craKey({ secret: 'pw', salt: 'salt123', iterations: 1000, keylen: 32 });
 * ```
 */
export function craKey(user: CraSecret): string {
  if (user.salt === undefined) return user.secret;
  return pbkdf2Sync(user.secret, user.salt, user.iterations ?? 1000, user.keylen ?? 32, 'sha256').toString('base64');
}

/** What a WAMP-CRA challenge is built from. */
export interface CraChallengeInput {
  authid: string;
  /** The role the challenge names: the user's, or for an unknown user the decoy role. */
  authrole: string;
  authprovider: string;
  session: number;
  /** The user's secret; undefined for an unknown user, who gets a challenge nobody can answer. */
  user: CraSecret | undefined;
  /** Give an unknown user a salt, as the realm's known users have one. */
  saltedDecoy: boolean;
  /** The WELCOME for a right signature. */
  granted: AuthGranted;
}

/**
 * A WAMP-CRA challenge: the spec's JSON (authid, authrole, authmethod, authprovider, nonce, timestamp, session),
 * with `salt`, `iterations` and `keylen` for salted secrets. An unknown user gets the same shape (a decoy role and,
 * where the realm salts, a stable decoy salt), and the same refusal as a wrong signature.
 */
export function craChallenge(input: CraChallengeInput): AuthChallenge {
  const { user } = input;
  const challenge = JSON.stringify({
    authid: input.authid,
    authrole: input.authrole,
    authmethod: 'wampcra',
    authprovider: input.authprovider,
    nonce: randomBytes(16).toString('base64'),
    timestamp: new Date().toISOString(),
    session: input.session,
  });
  const extra: Dict = { challenge };
  const salt =
    user === undefined
      ? input.saltedDecoy
        ? createHmac('sha256', DECOY_SALT_KEY).update(input.authid).digest('base64url').slice(0, 16)
        : undefined
      : user.salt;
  if (salt !== undefined) {
    extra.salt = salt;
    extra.iterations = user?.iterations ?? 1000;
    extra.keylen = user?.keylen ?? 32;
  }
  const key = user === undefined ? randomBytes(32).toString('base64') : craKey(user);
  const expected = createHmac('sha256', key).update(challenge).digest('base64');
  return {
    kind: 'challenge',
    method: 'wampcra',
    extra,
    verify: (signature) => (sameSecret(expected, signature) && user !== undefined ? input.granted : FAILED),
  };
}
