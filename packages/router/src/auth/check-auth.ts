// Each part of an `auth` section as a table of its keys: a key not in its table is refused, so that a typo
// (`mtch`, `iteration`) is an error and never a silently different setting. Secrets are never shown in errors.
import { isDict, isValidPattern, isValidUri, saslprep } from '@wamp/protocol';
import {
  invalid,
  is,
  isNonEmptyString,
  isPositiveInteger,
  listOf,
  mapOf,
  type OptionCheck,
  optional,
  shape,
} from '../option-checks.js';
import { ed25519Key } from './cryptosign.js';
import type { RealmAuth } from './options.js';
import { canonicalBase64, SCRAM_MIN_ITERATIONS, SCRAM_MIN_SALT_BYTES } from './scram.js';

const MATCHES = ['exact', 'prefix', 'wildcard'];
const ACTIONS = ['call', 'register', 'publish', 'subscribe'];

const ROLE = is('a role name', isNonEmptyString);
const POSITIVE = optional(is('a positive integer', isPositiveInteger));
const PROCEDURE = is('a procedure URI', (value) => typeof value === 'string' && isValidUri(value));

/** A plain ticket, or `sha256:` and the digest in the lower-case hex the router compares with. */
const TICKET = is(
  'a non-empty string, or "sha256:" and 64 lower-case hex digits (the SHA-256 of the ticket)',
  (value) => isNonEmptyString(value) && (!value.startsWith('sha256:') || /^sha256:[0-9a-f]{64}$/.test(value)),
  true,
);

const TICKET_USER = shape('{ role, ticket }', { role: ROLE, ticket: TICKET });

const CRA_USER = shape(
  '{ role, secret, salt?, iterations?, keylen? }',
  {
    role: ROLE,
    secret: is('a non-empty string', isNonEmptyString, true),
    salt: optional(is('a non-empty string', isNonEmptyString, true)),
    iterations: POSITIVE,
    keylen: POSITIVE,
  },
  (path, user) => {
    // Without a salt the secret is the key itself: iterations and keylen would be ignored.
    for (const key of ['iterations', 'keylen']) {
      if (user.salt === undefined && user[key] !== undefined) {
        throw invalid(`${path}.${key}`, `a salt beside it (${key} only applies to a salted secret)`, user[key]);
      }
    }
  },
);

/** The key as the cryptosign authenticator reads it: 32 bytes in hex that make an Ed25519 public key. */
const CRYPTOSIGN_USER = shape('{ role, pubkey }', {
  role: ROLE,
  pubkey: is(
    'an Ed25519 public key as 64 hex digits',
    (value) => typeof value === 'string' && ed25519Key(value) !== undefined,
  ),
});

const AUTHENTICATOR = optional(shape('{ procedure, timeoutMs? }', { procedure: PROCEDURE, timeoutMs: POSITIVE }));

const PERMISSION = shape(
  '{ uri, match?, allow, disclose? }',
  {
    uri: is('a URI or URI pattern', (value) => typeof value === 'string'),
    match: optional(is(`one of ${MATCHES.join(', ')}`, (value) => MATCHES.includes(value as string))),
    allow: is(
      `a list of ${ACTIONS.join(', ')}`,
      (value) => Array.isArray(value) && value.every((action) => ACTIONS.includes(action)),
    ),
    disclose: optional(is('true or false', (value) => typeof value === 'boolean')),
  },
  (path, permission) => {
    const match = (permission.match ?? 'exact') as 'exact';
    const uri = permission.uri as string;
    if (uri !== '' && !isValidPattern(uri, match)) throw invalid(`${path}.uri`, `a ${match} URI pattern`, uri);
  },
);

const DYNAMIC_AUTHORIZATION = shape('a list of permissions, or { authorizer: <procedure URI> }', {
  authorizer: PROCEDURE,
  timeoutMs: POSITIVE,
  cache: optional(
    shape('{ maxEntries?, ttlMs? }', {
      maxEntries: optional(
        is('0 (no cache) or a positive integer', (value) => value === 0 || isPositiveInteger(value)),
      ),
      ttlMs: POSITIVE,
    }),
  ),
});

const PERMISSIONS = listOf('a list of permissions', PERMISSION);
const ROLE_AUTHORIZATION: OptionCheck = (path, role) =>
  Array.isArray(role) ? PERMISSIONS(path, role) : DYNAMIC_AUTHORIZATION(path, role);

const SCRAM_USER_SHAPE = shape(
  '{ role, password } or { role, kdf, salt, iterations, storedKey, serverKey }',
  {
    role: ROLE,
    password: optional(
      is(
        'a non-empty string SASLprep accepts',
        (value) => {
          try {
            return isNonEmptyString(value) && saslprep(value) !== undefined;
          } catch {
            return false;
          }
        },
        true,
      ),
    ),
    kdf: optional(is('"pbkdf2"', (value) => value === 'pbkdf2')),
    salt: optional(
      is(
        `at least ${SCRAM_MIN_SALT_BYTES} random bytes in canonical base64`,
        (value) => (canonicalBase64(value)?.length ?? 0) >= SCRAM_MIN_SALT_BYTES,
      ),
    ),
    iterations: optional(
      is(
        `an integer of at least ${SCRAM_MIN_ITERATIONS}`,
        (value) => isPositiveInteger(value) && value >= SCRAM_MIN_ITERATIONS,
      ),
    ),
    storedKey: optional(is('32 bytes in canonical base64', (value) => canonicalBase64(value)?.length === 32, true)),
    serverKey: optional(is('32 bytes in canonical base64', (value) => canonicalBase64(value)?.length === 32, true)),
  },
  (path, user) => {
    const stored = user.password === undefined;
    const keys = user.storedKey !== undefined || user.serverKey !== undefined;
    if (stored !== keys || (stored && (user.storedKey === undefined || user.serverKey === undefined))) {
      const got = stored ? '(neither)' : '(both)';
      throw invalid(path, 'either password, or kdf, salt, iterations, storedKey and serverKey', got);
    }
    if (!stored) return;
    if (user.kdf === undefined) throw invalid(`${path}.kdf`, '"pbkdf2"', user.kdf);
    if (user.salt === undefined) throw invalid(`${path}.salt`, 'the salt the keys were derived with', user.salt);
    if (user.iterations === undefined) {
      throw invalid(`${path}.iterations`, 'the iteration count the keys were derived with', user.iterations);
    }
  },
);

/** A WAMP-SCRAM user; the KDF first, so that an Argon2id user (with its `memory`) gets the reason, not an unknown key. */
const SCRAM_USER: OptionCheck = (path, user) => {
  const kdf = isDict(user) ? user.kdf : undefined;
  if (typeof kdf === 'string' && kdf.startsWith('argon2')) {
    throw invalid(
      `${path}.kdf`,
      '"pbkdf2" (Argon2id is not available in Node\'s crypto, so this router cannot check argon2id13 users; store the user with scramCredentials(), which uses pbkdf2)',
      kdf,
    );
  }
  SCRAM_USER_SHAPE(path, user);
};

/** WAMP-SCRAM users: each valid, and no two authids the same once SASLprep-normalized (as the client sends them). */
const SCRAM_USERS: OptionCheck = (path, users) => {
  mapOf('a map of authids to users', SCRAM_USER)(path, users);
  const names = new Map<string, string>();
  for (const authid of Object.keys(users as object)) {
    let name: string;
    try {
      name = saslprep(authid);
    } catch (error) {
      throw invalid(`${path}.${authid}`, `an authid SASLprep accepts (${(error as Error).message})`, authid);
    }
    const other = names.get(name);
    if (other !== undefined) {
      throw invalid(`${path}.${authid}`, `an authid other than "${other}" once SASLprep-normalized`, authid);
    }
    names.set(name, authid);
  }
};

const REALM_AUTH = shape('{ anonymous?, ticket?, wampcra?, cryptosign?, scram?, roles?, … }', {
  anonymous: optional(shape('{ role }', { role: ROLE })),
  ticket: optional(mapOf('a map of authids to { role, ticket }', TICKET_USER)),
  wampcra: optional(mapOf('a map of authids to { role, secret, salt?, iterations?, keylen? }', CRA_USER)),
  cryptosign: optional(mapOf('a map of authids to { role, pubkey }', CRYPTOSIGN_USER)),
  scram: optional(SCRAM_USERS),
  ticketAuthenticator: AUTHENTICATOR,
  wampcraAuthenticator: AUTHENTICATOR,
  cryptosignAuthenticator: AUTHENTICATOR,
  roles: optional(mapOf('a map of role names to permissions or { authorizer }', ROLE_AUTHORIZATION)),
});

const AUTH = mapOf('a map of realm names to their authentication', REALM_AUTH);

/**
 * Checks the `auth` section at every depth: per realm the known methods, each user with exactly the keys its method
 * reads and values of the form it can use (a cryptosign key that is an Ed25519 key, a WAMP-CRA salt beside its
 * iterations and keylen, WAMP-SCRAM keys, salt and iterations that pbkdf2 takes), dynamic authenticators and roles.
 * Errors name the full key path (`auth.realm1.roles.user[0].mtch`) and never show a secret.
 */
export function checkAuth(auth: unknown): Record<string, RealmAuth> {
  if (auth === undefined) return {};
  AUTH('auth', auth);
  return auth as Record<string, RealmAuth>;
}
