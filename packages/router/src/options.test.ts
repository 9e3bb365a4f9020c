// Options validation as a new user meets it: every key at every depth is known or refused with its full path and
// an exact message, values have the form the router can use, every default is filled in, and no secret is ever
// shown in an error. Each table row is one key path, a bad value there, and what the error says.
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { type RouterOptions, resolveOptions } from './options.js';

const PUBKEY = '092160a0148fb45530051b9e3fdd8252615cff103389f355d053819dd58ff35f';
const SECRET = 'hunter2-very-secret';
const NATS = 'nats://127.0.0.1:4222';

function problem(options: unknown): string {
  try {
    resolveOptions(options as RouterOptions);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

// Each section with valid siblings around the key under test.
const realm = (auth: unknown) => ({ auth: { realm1: auth } });
const limits = (values: Record<string, unknown>) => ({ limits: values });
const rate = (rateLimit: unknown) => limits({ rateLimit });
const history = (entry: Record<string, unknown>) => ({ eventHistory: [{ topic: 'com.t', ...entry }] });
const keepalive = (values: Record<string, unknown>) => ({
  keepalive: { intervalMs: 1000, timeoutMs: 1000, ...values },
});
const nats = (values: Record<string, unknown>) => ({ cluster: { nats: { servers: NATS, ...values } } });
const scram = (user: Record<string, unknown>) => realm({ scram: { d: { role: 'u', ...user } } });
const SALT = Buffer.alloc(16, 1).toString('base64');
const KEY = Buffer.alloc(32, 2).toString('base64');
const STORED = { kdf: 'pbkdf2' as const, salt: SALT, iterations: 4096, storedKey: KEY, serverKey: KEY };

/** Every limit and its default, written out: the defaults test and the per-limit rows below both read it. */
const DEFAULT_LIMITS = {
  maxMessageBytes: 16 * 1024 * 1024,
  outboundHighWater: 1024 * 1024,
  outboundHardLimit: 64 * 1024 * 1024,
  rateLimit: false,
  slowConsumer: 'drop',
  maxPendingCallsPerCaller: 1000,
  maxPendingCallsPerCallee: 10_000,
  maxSessions: 50_000,
  maxSessionsPerRealm: 50_000,
  maxSubscriptionsPerSession: 10_000,
  maxRegistrationsPerSession: 10_000,
  maxUriLength: 512,
  maxPayloadDepth: 64,
  shutdownGraceMs: 2000,
  goodbyeGraceMs: 2000,
  upgradeTimeoutMs: 10_000,
  helloTimeoutMs: 10_000,
  maxConnectionsPerAddress: 1000,
  maxPendingConnectionsPerAddress: 64,
  maxPendingConnections: 1024,
  maxTestamentsPerSession: 16,
  maxTestamentBytesPerSession: 64 * 1024,
  maxRetainedEventBytes: 2 * 1024 * 1024,
  maxRetainedBytesPerRealm: 64 * 1024 * 1024,
  maxHistoryBytesPerRealm: 64 * 1024 * 1024,
};
const COUNT_LIMITS = Object.keys(DEFAULT_LIMITS).filter((key) => key !== 'rateLimit' && key !== 'slowConsumer');

const RATE_KEYS = 'messagesPerSecond, bytesPerSecond, burstSeconds, overflow';
const RATE_SHAPE = 'false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow? }';
const REALM_KEYS =
  'anonymous, ticket, wampcra, cryptosign, scram, ticketAuthenticator, wampcraAuthenticator, cryptosignAuthenticator, roles';
const SCRAM_KEYS = 'role, password, kdf, salt, iterations, storedKey, serverKey';
const KEEPALIVE_MS =
  'a positive integer of ms (keepalive takes both intervalMs and timeoutMs, or false to turn it off)';
const TICKET = 'a non-empty string, or "sha256:" and 64 lower-case hex digits (the SHA-256 of the ticket)';

describe('resolveOptions refuses unknown keys at every depth, naming the full path and the known keys', () => {
  it.each<[string, unknown, string]>([
    [
      'relams',
      { relams: ['a'] },
      'realms, autoCreateRealms, serializers, uriCheck, limits, logger, keepalive, allowedOrigins, perMessageDeflate, eventHistory, auth, cluster',
    ],
    ['limits.maxMessageByte', limits({ maxMessageByte: 5 }), Object.keys(DEFAULT_LIMITS).join(', ')],
    ['limits.rateLimit.messagesPerSec', rate({ messagesPerSec: 5 }), `${RATE_KEYS}, realms, roles`],
    ['limits.rateLimit.realms.app.roles', rate({ realms: { app: { roles: {} } } }), RATE_KEYS],
    ['limits.rateLimit.roles.guest.burst', rate({ roles: { guest: { burst: 1 } } }), RATE_KEYS],
    ['keepalive.interval', keepalive({ interval: 5 }), 'intervalMs, timeoutMs'],
    ['eventHistory[0].limt', history({ limt: 5 }), 'topic, match, limit, maxBytes'],
    ['cluster.natz', { cluster: { natz: {} } }, 'nats'],
    ['cluster.nats.user', nats({ user: 'x' }), 'servers, name'],
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
  ])('%s', (path, options, known) => {
    expect(problem(options)).toBe(`Unknown option "${path}" (known: ${known})`);
  });
});

describe('resolveOptions refuses a bad value at every key with an exact message', () => {
  it.each<[string, unknown, string, string]>([
    ['realms', { realms: 'realm1' }, 'a list of non-empty strings', '"realm1"'],
    ['realms', { realms: [''] }, 'a list of non-empty strings', '[""]'],
    ['realms', { realms: [] }, 'at least one realm (or autoCreateRealms: true)', '[]'],
    [
      'realms[1]',
      { realms: ['realm1', 'com..app'] },
      'a realm URI such as "realm1" or "com.example.app"',
      '"com..app"',
    ],
    ['realms[1]', { auth: { 'com app': {} } }, 'a realm URI such as "realm1" or "com.example.app"', '"com app"'],
    ['autoCreateRealms', { autoCreateRealms: 'yes' }, 'true or false', '"yes"'],
    ['serializers', { serializers: 'json' }, 'a list of non-empty strings', '"json"'],
    ['serializers[1]', { serializers: ['json', 'xml'] }, 'one of json, cbor, msgpack', '"xml"'],
    ['serializers', { serializers: [] }, 'at least one of json, cbor, msgpack', '[]'],
    ['uriCheck', { uriCheck: 'medium' }, 'one of loose, strict', '"medium"'],
    [
      'allowedOrigins',
      { allowedOrigins: 'https://app.example.com' },
      'a list of non-empty strings',
      '"https://app.example.com"',
    ],
    ['perMessageDeflate', { perMessageDeflate: 1 }, 'true or false', '1'],
    ['limits', { limits: 5 }, 'a map', '5'],
    ['limits.slowConsumer', limits({ slowConsumer: 'block' }), 'one of drop, disconnect', '"block"'],
    [
      'limits.outboundHardLimit',
      limits({ outboundHardLimit: 1 << 20 }),
      'at least limits.outboundHighWater + limits.maxMessageBytes (17825792 bytes), so that the largest message fits above the high-water mark',
      '1048576',
    ],
    [
      'limits.rateLimit',
      rate(true),
      'false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow?, realms?, roles? }',
      'a boolean',
    ],
    [
      'limits.rateLimit.messagesPerSecond',
      rate({ messagesPerSecond: 0 }),
      'a positive number of messages per second',
      '0',
    ],
    ['limits.rateLimit.bytesPerSecond', rate({ bytesPerSecond: 1.5 }), 'a positive integer of bytes per second', '1.5'],
    ['limits.rateLimit.burstSeconds', rate({ burstSeconds: -1 }), 'a positive number of seconds', '-1'],
    ['limits.rateLimit.overflow', rate({ overflow: 'drop' }), 'one of backpressure, disconnect', '"drop"'],
    ['limits.rateLimit.realms', rate({ realms: 5 }), 'a map of names to rates (or false)', 'a number'],
    ['limits.rateLimit.realms.app', rate({ realms: { app: true } }), RATE_SHAPE, 'a boolean'],
    ['limits.rateLimit.roles', rate({ roles: [] }), 'a map of names to rates (or false)', 'a list'],
    [
      'limits.rateLimit.roles.guest.messagesPerSecond',
      rate({ roles: { guest: { messagesPerSecond: '5' } } }),
      'a positive number of messages per second',
      '"5"',
    ],
    ['keepalive', { keepalive: true }, 'false or { intervalMs, timeoutMs }', 'a boolean'],
    ['keepalive.intervalMs', { keepalive: { timeoutMs: 5000 } }, KEEPALIVE_MS, 'nothing'],
    ['keepalive.timeoutMs', { keepalive: { intervalMs: 5000 } }, KEEPALIVE_MS, 'nothing'],
    ['keepalive.intervalMs', keepalive({ intervalMs: 0 }), KEEPALIVE_MS, '0'],
    ['keepalive.timeoutMs', keepalive({ timeoutMs: 2.5 }), KEEPALIVE_MS, '2.5'],
    ['eventHistory', { eventHistory: { topic: 'a' } }, 'a list of { topic, match?, limit?, maxBytes? }', 'a map'],
    ['eventHistory[0]', { eventHistory: ['com.t'] }, '{ topic, match?, limit?, maxBytes? }', 'a string (not shown)'],
    ['eventHistory[0].topic', { eventHistory: [{ limit: 5 }] }, 'a topic or topic pattern', 'nothing'],
    ['eventHistory[0].topic', history({ topic: 'com t', match: 'prefix' }), 'a valid prefix topic pattern', '"com t"'],
    ['eventHistory[0].match', history({ match: 'glob' }), 'one of exact, prefix, wildcard', '"glob"'],
    ['eventHistory[0].limit', history({ limit: 0 }), 'a positive integer', '0'],
    ['eventHistory[0].maxBytes', history({ maxBytes: 1.5 }), 'a positive integer of bytes', '1.5'],
    ['cluster', { cluster: NATS }, '{ nats: { servers, name? } }', `"${NATS}"`],
    ['cluster.nats', { cluster: {} }, '{ servers, name? }', 'nothing'],
    ['cluster.nats.servers', nats({ servers: 5 }), 'a list of non-empty strings', '5'],
    ['cluster.nats.servers', nats({ servers: [] }), `NATS URLs such as "${NATS}"`, '[]'],
    ['cluster.nats.servers[1]', nats({ servers: [NATS, 'http://x'] }), `a NATS URL such as "${NATS}"`, '"http://x"'],
    ['cluster.nats.name', nats({ name: '' }), 'a non-empty node name', '""'],
    ['auth', { auth: 5 }, 'a map of realm names to their authentication', 'a number'],
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
    ...COUNT_LIMITS.flatMap((key): [string, unknown, string, string][] => [
      [`limits.${key}`, limits({ [key]: 0 }), 'a positive integer', '0'],
      [`limits.${key}`, limits({ [key]: '10' }), 'a positive integer', '"10"'],
    ]),
  ])('%s: %j', (path, options, expected, got) => {
    const message = problem(options);
    expect(message).toBe(`Invalid option "${path}": expected ${expected}, got ${got}`);
    expect(message).not.toContain(SECRET);
  });
});

describe('resolveOptions accepts what the router can use', () => {
  it('accepts what the authenticators can use', () => {
    const resolved = resolveOptions({
      keepalive: { intervalMs: 5000, timeoutMs: 2000 },
      eventHistory: [{ topic: 'com.t.', match: 'prefix' }],
      auth: {
        realm1: {
          anonymous: { role: 'guest' },
          ticket: { a: { role: 'u', ticket: `sha256:${'ab'.repeat(32)}` } },
          wampcra: { b: { role: 'u', secret: SECRET, salt: 'pepper', iterations: 100, keylen: 32 } },
          cryptosign: { c: { role: 'u', pubkey: PUBKEY.toUpperCase() } },
          scram: { d: { role: 'u', ...STORED }, e: { role: 'u', password: SECRET } },
          roles: { u: [{ uri: 'com.app.', match: 'prefix', allow: ['call'], disclose: true }] },
        },
      },
    });
    expect(resolved.keepalive).toEqual({ intervalMs: 5000, timeoutMs: 2000 });
    expect(resolved.eventHistory[0]).toMatchObject({ topic: 'com.t.', match: 'prefix', limit: 100 });
  });

  it('accepts rate limits with overrides set to false, keepalive off and a cluster with a list of servers', () => {
    const resolved = resolveOptions({
      limits: {
        rateLimit: { messagesPerSecond: 0.5, realms: { internal: false }, roles: { guest: { burstSeconds: 2 } } },
      },
      keepalive: false,
      cluster: { nats: { servers: [NATS, 'tls://nats.example.com:4222', 'localhost:4222'], name: 'node-1' } },
    });
    expect(resolved.limits.rateLimit).toEqual({
      messagesPerSecond: 0.5,
      realms: { internal: false },
      roles: { guest: { burstSeconds: 2 } },
    });
    expect(resolved.keepalive).toBe(false);
    expect(resolved.cluster).toEqual({
      servers: [NATS, 'tls://nats.example.com:4222', 'localhost:4222'],
      name: 'node-1',
    });
  });

  it('serves the realms of auth sections beside those listed, once each', () => {
    expect(resolveOptions({ realms: ['app', 'admin'], auth: { admin: {}, ops: {} } }).realms).toEqual([
      'app',
      'admin',
      'ops',
    ]);
    expect(resolveOptions({ realms: [], autoCreateRealms: true }).realms).toEqual([]);
  });

  it('never shows a secret, whatever is wrong beside it', () => {
    const secrets = [
      realm({ ticket: { a: { role: 5, ticket: SECRET } } }),
      realm({ ticket: { a: { role: 'u', ticket: `sha256:${SECRET}` } } }),
      realm({ wampcra: { a: { role: 'u', secret: SECRET, salt: SECRET, iterations: -1 } } }),
      realm({ scram: { a: { role: 'u', password: SECRET, storedKey: SECRET } } }),
      realm({ anonymous: SECRET }),
    ];
    for (const options of secrets) expect(problem(options)).not.toContain(SECRET);
  });
});

describe('resolveOptions defaults', () => {
  it('takes messages up to 16 MiB, so that a 1 MiB payload fits with its framing', () => {
    expect(resolveOptions().limits.maxMessageBytes).toBe(16 * 1024 * 1024);
  });

  it('fills in every option', () => {
    const { logger, ...resolved } = resolveOptions({});
    expect(resolved).toEqual({
      realms: ['realm1'],
      autoCreateRealms: false,
      serializers: ['json', 'cbor', 'msgpack'],
      uriCheck: 'loose',
      limits: DEFAULT_LIMITS,
      keepalive: { intervalMs: 30_000, timeoutMs: 10_000 },
      allowedOrigins: undefined,
      perMessageDeflate: false,
      eventHistory: [],
      auth: {},
      cluster: null,
    });
    expect(Object.keys(resolved.limits)).toEqual(Object.keys(DEFAULT_LIMITS));
    expect(logger).toBe(silentLogger);
  });

  it('fills in each eventHistory entry and names a cluster node after its host and process', () => {
    expect(resolveOptions({ eventHistory: [{ topic: 'com.t' }] }).eventHistory).toEqual([
      { topic: 'com.t', match: 'exact', limit: 100, maxBytes: 4 * 1024 * 1024 },
    ]);
    expect(resolveOptions({ cluster: { nats: { servers: NATS } } }).cluster).toEqual({
      servers: [NATS],
      name: expect.stringMatching(new RegExp(`-${process.pid}$`)),
    });
  });
});
