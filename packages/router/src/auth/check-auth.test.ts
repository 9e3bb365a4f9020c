// The `auth` section's check as a config author meets it: every key of every method, user, authenticator and role is
// known or refused with its full path and an exact message, values have the form the authenticators can use, and no
// secret is ever shown in an error. Each table row is one key path, a bad value there, and what the error says.
import { describe, expect, it } from 'vitest';
import { checkAuth } from './check-auth.js';

const PUBKEY = '092160a0148fb45530051b9e3fdd8252615cff103389f355d053819dd58ff35f';
const SECRET = 'hunter2-very-secret';
const SALT = Buffer.alloc(16, 1).toString('base64');
const KEY = Buffer.alloc(32, 2).toString('base64');
const STORED = { kdf: 'pbkdf2' as const, salt: SALT, iterations: 4096, storedKey: KEY, serverKey: KEY };

function problem(auth: unknown): string {
  try {
    checkAuth(auth);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the auth section was accepted');
}

const realm = (auth: unknown) => ({ realm1: auth });
const scram = (user: Record<string, unknown>) => realm({ scram: { d: { role: 'u', ...user } } });

const REALM_KEYS =
  'anonymous, ticket, wampcra, cryptosign, scram, ticketAuthenticator, wampcraAuthenticator, cryptosignAuthenticator, roles';
const SCRAM_KEYS = 'role, password, kdf, salt, iterations, storedKey, serverKey';
const TICKET = 'a non-empty string, or "sha256:" and 64 lower-case hex digits (the SHA-256 of the ticket)';

describe('checkAuth refuses unknown keys at every depth, naming the full path and the known keys', () => {
  it.each<[string, unknown, string]>([
    ['auth.realm1.tickets', realm({ tickets: {} }), REALM_KEYS],
    ['auth.realm1.anonymous.authid', realm({ anonymous: { role: 'guest', authid: 'x' } }), 'role'],
    [
      'auth.realm1.ticket.alice.tiket',
      realm({ ticket: { alice: { role: 'u', ticket: SECRET, tiket: 'x' } } }),
      'role, ticket',
    ],
    [
      'auth.realm1.wampcra.bob.iteration',
      realm({ wampcra: { bob: { role: 'user', secret: SECRET, salt: 's', iteration: 5 } } }),
      'role, secret, salt, iterations, keylen',
    ],
    [
      'auth.realm1.cryptosign.carol.authid',
      realm({ cryptosign: { carol: { role: 'user', pubkey: PUBKEY, authid: 'c' } } }),
      'role, pubkey',
    ],
    ['auth.realm1.scram.d.salted', scram({ password: SECRET, salted: true }), SCRAM_KEYS],
    [
      'auth.realm1.ticketAuthenticator.timeout',
      realm({ ticketAuthenticator: { procedure: 'com.auth', timeout: 5 } }),
      'procedure, timeoutMs',
    ],
    [
      'auth.realm1.roles.user[0].mtch',
      realm({ roles: { user: [{ uri: 'com.app.', mtch: 'prefix', allow: ['call'] }] } }),
      'uri, match, allow, disclose',
    ],
    [
      'auth.realm1.roles.user.ttl',
      realm({ roles: { user: { authorizer: 'com.authz', ttl: 5 } } }),
      'authorizer, timeoutMs, cache',
    ],
    [
      'auth.realm1.roles.user.cache.max',
      realm({ roles: { user: { authorizer: 'com.authz', cache: { max: 5 } } } }),
      'maxEntries, ttlMs',
    ],
  ])('%s', (path, auth, known) => {
    expect(problem(auth)).toBe(`Unknown option "${path}" (known: ${known})`);
  });
});

describe('checkAuth refuses a bad value at every key with an exact message, never showing a secret', () => {
  it.each<[string, unknown, string, string]>([
    ['auth', 5, 'a map of realm names to their authentication', 'a number'],
    [
      'auth.realm1',
      realm(SECRET),
      '{ anonymous?, ticket?, wampcra?, cryptosign?, scram?, roles?, … }',
      'a string (not shown)',
    ],
    ['auth.realm1.anonymous', realm({ anonymous: SECRET }), '{ role }', 'a string (not shown)'],
    ['auth.realm1.anonymous.role', realm({ anonymous: { role: '' } }), 'a role name', '""'],
    ['auth.realm1.ticket', realm({ ticket: [] }), 'a map of authids to { role, ticket }', 'a list'],
    ['auth.realm1.ticket.a.role', realm({ ticket: { a: { ticket: SECRET } } }), 'a role name', 'nothing'],
    [
      'auth.realm1.ticket.a.ticket',
      realm({ ticket: { a: { role: 'u', ticket: '' } } }),
      TICKET,
      'a string (not shown)',
    ],
    [
      'auth.realm1.ticket.a.ticket',
      realm({ ticket: { a: { role: 'u', ticket: `sha256:${'AB'.repeat(32)}` } } }),
      TICKET,
      'a string (not shown)',
    ],
    [
      'auth.realm1.wampcra',
      realm({ wampcra: 5 }),
      'a map of authids to { role, secret, salt?, iterations?, keylen? }',
      'a number',
    ],
    [
      'auth.realm1.wampcra.b.secret',
      realm({ wampcra: { b: { role: 'u', secret: 5 } } }),
      'a non-empty string',
      'a number',
    ],
    [
      'auth.realm1.wampcra.b.salt',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, salt: 5 } } }),
      'a non-empty string',
      'a number',
    ],
    [
      'auth.realm1.wampcra.b.iterations',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, salt: 's', iterations: '5' } } }),
      'a positive integer',
      '"5"',
    ],
    [
      'auth.realm1.wampcra.b.keylen',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, salt: 's', keylen: 0 } } }),
      'a positive integer',
      '0',
    ],
    [
      'auth.realm1.wampcra.b.iterations',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, iterations: 100 } } }),
      'a salt beside it (iterations only applies to a salted secret)',
      '100',
    ],
    [
      'auth.realm1.wampcra.b.keylen',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, keylen: 32 } } }),
      'a salt beside it (keylen only applies to a salted secret)',
      '32',
    ],
    ['auth.realm1.cryptosign', realm({ cryptosign: [] }), 'a map of authids to { role, pubkey }', 'a list'],
    [
      'auth.realm1.cryptosign.c.pubkey',
      realm({ cryptosign: { c: { role: 'u', pubkey: 'not-a-key' } } }),
      'an Ed25519 public key as 64 hex digits',
      '"not-a-key"',
    ],
    [
      'auth.realm1.cryptosign.c.pubkey',
      realm({ cryptosign: { c: { role: 'u', pubkey: PUBKEY.slice(2) } } }),
      'an Ed25519 public key as 64 hex digits',
      `"${PUBKEY.slice(2)}"`,
    ],
    ['auth.realm1.scram', realm({ scram: 5 }), 'a map of authids to users', 'a number'],
    [
      'auth.realm1.scram.a',
      realm({ scram: { a: SECRET } }),
      '{ role, password } or { role, kdf, salt, iterations, storedKey, serverKey }',
      'a string (not shown)',
    ],
    [
      'auth.realm1.scram.d.password',
      scram({ password: '' }),
      'a non-empty string SASLprep accepts',
      'a string (not shown)',
    ],
    [
      'auth.realm1.scram.d',
      scram({ password: SECRET, storedKey: KEY }),
      'either password, or kdf, salt, iterations, storedKey and serverKey',
      '"(both)"',
    ],
    [
      'auth.realm1.scram.d',
      scram({}),
      'either password, or kdf, salt, iterations, storedKey and serverKey',
      '"(neither)"',
    ],
    [
      'auth.realm1.scram.d',
      scram({ ...STORED, serverKey: undefined }),
      'either password, or kdf, salt, iterations, storedKey and serverKey',
      '"(neither)"',
    ],
    ['auth.realm1.scram.d.kdf', scram({ ...STORED, kdf: 'scrypt' }), '"pbkdf2"', '"scrypt"'],
    ['auth.realm1.scram.d.kdf', scram({ ...STORED, kdf: undefined }), '"pbkdf2"', 'nothing'],
    [
      'auth.realm1.scram.d.kdf',
      scram({ ...STORED, kdf: 'argon2id13', memory: 1024 }),
      '"pbkdf2" (Argon2id is not available in Node\'s crypto, so this router cannot check argon2id13 users; store the user with scramCredentials(), which uses pbkdf2)',
      '"argon2id13"',
    ],
    [
      'auth.realm1.scram.d.salt',
      scram({ ...STORED, salt: Buffer.alloc(4).toString('base64') }),
      'at least 8 random bytes in canonical base64',
      '"AAAAAA=="',
    ],
    [
      'auth.realm1.scram.d.salt',
      scram({ ...STORED, salt: undefined }),
      'the salt the keys were derived with',
      'nothing',
    ],
    ['auth.realm1.scram.d.iterations', scram({ ...STORED, iterations: 4095 }), 'an integer of at least 4096', '4095'],
    [
      'auth.realm1.scram.d.iterations',
      scram({ ...STORED, iterations: undefined }),
      'the iteration count the keys were derived with',
      'nothing',
    ],
    [
      'auth.realm1.scram.d.storedKey',
      scram({ ...STORED, storedKey: SALT }),
      '32 bytes in canonical base64',
      'a string (not shown)',
    ],
    [
      'auth.realm1.scram.d.serverKey',
      scram({ ...STORED, serverKey: SALT }),
      '32 bytes in canonical base64',
      'a string (not shown)',
    ],
    [
      'auth.realm1.scram.Ⅸ',
      realm({ scram: { IX: { role: 'u', password: SECRET }, Ⅸ: { role: 'u', password: SECRET } } }),
      'an authid other than "IX" once SASLprep-normalized',
      '"Ⅸ"',
    ],
    [
      'auth.realm1.ticketAuthenticator',
      realm({ ticketAuthenticator: 'com.auth' }),
      '{ procedure, timeoutMs? }',
      'a string (not shown)',
    ],
    [
      'auth.realm1.wampcraAuthenticator.procedure',
      realm({ wampcraAuthenticator: { procedure: 'com auth' } }),
      'a procedure URI',
      '"com auth"',
    ],
    [
      'auth.realm1.cryptosignAuthenticator.timeoutMs',
      realm({ cryptosignAuthenticator: { procedure: 'com.auth', timeoutMs: 0 } }),
      'a positive integer',
      '0',
    ],
    ['auth.realm1.roles', realm({ roles: [] }), 'a map of role names to permissions or { authorizer }', 'a list'],
    [
      'auth.realm1.roles.u[0]',
      realm({ roles: { u: ['com.app'] } }),
      '{ uri, match?, allow, disclose? }',
      'a string (not shown)',
    ],
    ['auth.realm1.roles.u[0].uri', realm({ roles: { u: [{ allow: [] }] } }), 'a URI or URI pattern', 'nothing'],
    [
      'auth.realm1.roles.u[0].uri',
      realm({ roles: { u: [{ uri: 'com..app', allow: [] }] } }),
      'a exact URI pattern',
      '"com..app"',
    ],
    [
      'auth.realm1.roles.u[0].match',
      realm({ roles: { u: [{ uri: 'a', match: 'glob', allow: [] }] } }),
      'one of exact, prefix, wildcard',
      '"glob"',
    ],
    [
      'auth.realm1.roles.u[0].allow',
      realm({ roles: { u: [{ uri: 'a', allow: ['read'] }] } }),
      'a list of call, register, publish, subscribe',
      '["read"]',
    ],
    [
      'auth.realm1.roles.u[0].disclose',
      realm({ roles: { u: [{ uri: 'a', allow: [], disclose: 'yes' }] } }),
      'true or false',
      '"yes"',
    ],
    [
      'auth.realm1.roles.u',
      realm({ roles: { u: 'com.authz' } }),
      'a list of permissions, or { authorizer: <procedure URI> }',
      'a string (not shown)',
    ],
    ['auth.realm1.roles.u.authorizer', realm({ roles: { u: { authorizer: 5 } } }), 'a procedure URI', '5'],
    [
      'auth.realm1.roles.u.timeoutMs',
      realm({ roles: { u: { authorizer: 'com.authz', timeoutMs: -1 } } }),
      'a positive integer',
      '-1',
    ],
    [
      'auth.realm1.roles.u.cache',
      realm({ roles: { u: { authorizer: 'com.authz', cache: 5 } } }),
      '{ maxEntries?, ttlMs? }',
      'a number',
    ],
    [
      'auth.realm1.roles.u.cache.maxEntries',
      realm({ roles: { u: { authorizer: 'com.authz', cache: { maxEntries: -1 } } } }),
      '0 (no cache) or a positive integer',
      '-1',
    ],
    [
      'auth.realm1.roles.u.cache.ttlMs',
      realm({ roles: { u: { authorizer: 'com.authz', cache: { ttlMs: 0 } } } }),
      'a positive integer',
      '0',
    ],
  ])('%s: %j', (path, auth, expected, got) => {
    const message = problem(auth);
    expect(message).toBe(`Invalid option "${path}": expected ${expected}, got ${got}`);
    expect(message).not.toContain(SECRET);
  });

  it('never shows a secret, whatever is wrong beside it', () => {
    const secrets = [
      realm({ ticket: { a: { role: 5, ticket: SECRET } } }),
      realm({ ticket: { a: { role: 'u', ticket: `sha256:${SECRET}` } } }),
      realm({ wampcra: { a: { role: 'u', secret: SECRET, salt: SECRET, iterations: -1 } } }),
      realm({ scram: { a: { role: 'u', password: SECRET, storedKey: SECRET } } }),
      realm({ anonymous: SECRET }),
    ];
    for (const auth of secrets) expect(problem(auth)).not.toContain(SECRET);
  });
});

describe('checkAuth accepts what the authenticators can use', () => {
  it('takes every method, a hashed ticket, a salted WAMP-CRA secret, an upper-case key and both kinds of SCRAM user', () => {
    const auth = {
      realm1: {
        anonymous: { role: 'guest' },
        ticket: { a: { role: 'u', ticket: `sha256:${'ab'.repeat(32)}` } },
        wampcra: { b: { role: 'u', secret: SECRET, salt: 'pepper', iterations: 100, keylen: 32 } },
        cryptosign: { c: { role: 'u', pubkey: PUBKEY.toUpperCase() } },
        scram: { d: { role: 'u', ...STORED }, e: { role: 'u', password: SECRET } },
        ticketAuthenticator: { procedure: 'com.auth.ticket', timeoutMs: 5000 },
        roles: {
          u: [{ uri: 'com.app.', match: 'prefix', allow: ['call'], disclose: true }],
          v: { authorizer: 'com.authz', timeoutMs: 1000, cache: { maxEntries: 0, ttlMs: 60_000 } },
        },
      },
    };
    expect(checkAuth(auth)).toBe(auth);
    expect(checkAuth(undefined)).toEqual({});
  });
});
