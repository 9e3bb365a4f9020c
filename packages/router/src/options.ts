import { hostname } from 'node:os';
import { isValidPattern, isValidUri, type MatchPolicy, saslprep, type UriCheck } from '@wamp/protocol';
import type { RealmAuth } from './auth/options.js';
import { canonicalBase64, SCRAM_MIN_ITERATIONS, SCRAM_MIN_SALT_BYTES } from './auth/scram.js';
import type { DynamicAuthorization } from './core/dynamic-authorizer.js';
import type { Permission } from './core/permissions.js';
import { RouterError, RouterErrorCode } from './errors.js';
import { type Logger, silentLogger } from './logger.js';

/** The serializers a router can speak, by short name. */
export type SerializerName = 'json' | 'cbor' | 'msgpack';

/** What the router does with a subscriber whose outbound queue passed `outboundHighWater`. */
export type SlowConsumerPolicy = 'drop' | 'disconnect';

/** Resource limits. Every limit protects the router and the other sessions from one session. */
export interface RouterLimits {
  /** Largest inbound WebSocket message in bytes; a larger one closes the connection with 1009. Default 1 MiB. */
  maxMessageBytes?: number;
  /** Outbound bytes queued for one session above which it counts as slow. Default 1 MiB. */
  outboundHighWater?: number;
  /** Policy for events to a slow session: `drop` (count and skip) or `disconnect` (close 1008). Default `drop`. */
  slowConsumer?: SlowConsumerPolicy;
  /** Calls one caller may have in flight; more fail with `wamp.error.unavailable`. Default 1,000. */
  maxPendingCallsPerCaller?: number;
  /** Invocations one callee may have in flight; more fail with `wamp.error.unavailable`. Default 10,000. */
  maxPendingCallsPerCallee?: number;
  /** Established sessions in the whole router; more are refused with ABORT `wamp.error.unavailable`. Default 50,000. */
  maxSessions?: number;
  /** Established sessions in one realm; more are refused with ABORT `wamp.error.unavailable`. Default 50,000. */
  maxSessionsPerRealm?: number;
  /** Subscriptions one session may hold; more fail with `wamp.error.unavailable`. Default 10,000. */
  maxSubscriptionsPerSession?: number;
  /** Registrations one session may hold; more fail with `wamp.error.unavailable`. Default 10,000. */
  maxRegistrationsPerSession?: number;
  /** Longest topic, procedure or realm URI in characters; longer ones get `wamp.error.invalid_uri`. Default 512. */
  maxUriLength?: number;
  /** Deepest nesting of lists and dicts in a payload; deeper gets `wamp.error.invalid_argument`. Default 64. */
  maxPayloadDepth?: number;
  /** How long `close()` waits for sessions to answer GOODBYE before cutting them off, in ms. Default 2,000. */
  shutdownGraceMs?: number;
  /** Testaments one session may keep (`wamp.session.add_testament`); more fail with `wamp.error.unavailable`. Default 16. */
  maxTestamentsPerSession?: number;
  /** Bytes of testaments (as encoded PUBLISHes) one session may keep; more fail with `wamp.error.unavailable`. Default 64 KiB. */
  maxTestamentBytesPerSession?: number;
}

/** Keepalive: ping each connection every `intervalMs` and drop it when no pong came within `timeoutMs`. */
export interface KeepaliveOptions {
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Options of {@link createRouter}. Every field is optional; the defaults make a router for `realm1`
 * speaking JSON, CBOR and MessagePack.
 */
export interface RouterOptions {
  /** Realms that exist from the start. Default `['realm1']`. */
  realms?: string[];
  /** Create a realm on the first HELLO that names it, instead of answering `wamp.error.no_such_realm`. Default false. */
  autoCreateRealms?: boolean;
  /** Serializers in order of preference for negotiation. Default `['json', 'cbor', 'msgpack']`. */
  serializers?: SerializerName[];
  /** URI check for topics, procedures and realms: `loose` (the spec's MUST) or `strict` (its SHOULD). Default `loose`. */
  uriCheck?: UriCheck;
  /** Resource limits; see {@link RouterLimits}. */
  limits?: RouterLimits;
  /** A pino instance or anything with `debug/info/warn/error/child`. Default: silent. */
  logger?: Logger;
  /** Keepalive pings for WebSocket connections, or `false` to turn them off. Default every 30 s, 10 s timeout. */
  keepalive?: KeepaliveOptions | false;
  /** Origins allowed to open a WebSocket (exact, or `*.example.com`); absent means any origin. */
  allowedOrigins?: string[];
  /** Offer `permessage-deflate` compression. Default false: it costs CPU and memory per connection. */
  perMessageDeflate?: boolean;
  /** Topics whose events are kept for `wamp.subscription.get_events` (event history). Default none. */
  eventHistory?: EventHistoryOptions[];
  /** Authentication per realm; realms not listed let everyone in anonymously. See {@link RealmAuth}. */
  auth?: Record<string, RealmAuth>;
  /** Make this router one node of a cluster that meets on NATS. Absent: a router on its own. */
  cluster?: ClusterOptions;
}

/**
 * One realm across many router processes and machines: the nodes meet on NATS.
 *
 * @example
 * ```ts
 * createRouter({ cluster: { nats: { servers: ['nats://127.0.0.1:4222'], name: 'node-1' } } });
 * ```
 */
export interface ClusterOptions {
  nats: {
    /** NATS server URLs (`nats://host:port`); one is enough, more give failover. */
    servers: string | string[];
    /** This node's name: unique in the cluster, shown in NATS and in logs. Default `<hostname>-<pid>`. */
    name?: string;
  };
}

/** One topic (or pattern) whose events the broker keeps, and how many of them. */
export interface EventHistoryOptions {
  /** The topic, or a prefix/wildcard pattern. */
  topic: string;
  /** How `topic` matches; default `exact`. */
  match?: MatchPolicy;
  /** Events kept, oldest dropped first. Default 100. */
  limit?: number;
}

/** {@link RouterOptions} with every default filled in and every value checked. */
export interface ResolvedOptions {
  realms: string[];
  autoCreateRealms: boolean;
  serializers: SerializerName[];
  uriCheck: UriCheck;
  limits: Required<RouterLimits>;
  logger: Logger;
  keepalive: KeepaliveOptions | false;
  allowedOrigins: string[] | undefined;
  perMessageDeflate: boolean;
  eventHistory: Required<EventHistoryOptions>[];
  auth: Record<string, RealmAuth>;
  cluster: { servers: string[]; name: string } | null;
}

const SERIALIZER_NAMES: readonly SerializerName[] = ['json', 'cbor', 'msgpack'];
const OPTION_KEYS = [
  'realms',
  'autoCreateRealms',
  'serializers',
  'uriCheck',
  'limits',
  'logger',
  'keepalive',
  'allowedOrigins',
  'perMessageDeflate',
  'eventHistory',
  'auth',
  'cluster',
];
const LIMIT_KEYS = [
  'maxMessageBytes',
  'outboundHighWater',
  'slowConsumer',
  'maxPendingCallsPerCaller',
  'maxPendingCallsPerCallee',
  'maxSessions',
  'maxSessionsPerRealm',
  'maxSubscriptionsPerSession',
  'maxRegistrationsPerSession',
  'maxUriLength',
  'maxPayloadDepth',
  'shutdownGraceMs',
  'maxTestamentsPerSession',
  'maxTestamentBytesPerSession',
];

/** Checks the `cluster` section: NATS server URLs and a node name. */
function checkCluster(cluster: ClusterOptions | undefined): ResolvedOptions['cluster'] {
  if (cluster === undefined) return null;
  if (typeof cluster !== 'object' || cluster === null)
    throw invalid('cluster', '{ nats: { servers, name? } }', cluster);
  knownKeys('cluster.', cluster, ['nats']);
  const nats = cluster.nats;
  if (typeof nats !== 'object' || nats === null) throw invalid('cluster.nats', '{ servers, name? }', nats);
  knownKeys('cluster.nats.', nats, ['servers', 'name']);
  const servers = typeof nats.servers === 'string' ? [nats.servers] : stringList('cluster.nats.servers', nats.servers);
  if (servers === undefined || servers.length === 0) {
    throw invalid('cluster.nats.servers', 'NATS URLs such as "nats://127.0.0.1:4222"', nats.servers);
  }
  for (const [index, server] of servers.entries()) {
    if (!/^(nats|tls|ws|wss):\/\/[^\s/]+$|^[^\s:/]+:\d+$/.test(server)) {
      throw invalid(`cluster.nats.servers[${index}]`, 'a NATS URL such as "nats://127.0.0.1:4222"', server);
    }
  }
  if (nats.name !== undefined && (typeof nats.name !== 'string' || nats.name === '')) {
    throw invalid('cluster.nats.name', 'a non-empty node name', nats.name);
  }
  return { servers, name: nats.name ?? `${hostname()}-${process.pid}` };
}

/**
 * Checks the `auth` section: per realm, the known methods, each user with a role and its secret (for WAMP-SCRAM, a
 * password or the stored keys, with a usable salt and iteration count, and the pbkdf2 KDF).
 */
function checkAuth(auth: unknown): Record<string, RealmAuth> {
  if (auth === undefined) return {};
  if (typeof auth !== 'object' || auth === null || Array.isArray(auth))
    throw invalid('auth', 'a map of realm names', auth);
  for (const [realm, config] of Object.entries(auth as Record<string, unknown>)) {
    const path = `auth.${realm}`;
    if (typeof config !== 'object' || config === null) throw invalid(path, '{ anonymous?, ticket?, wampcra? }', config);
    const authenticators = ['ticketAuthenticator', 'wampcraAuthenticator', 'cryptosignAuthenticator'] as const;
    knownKeys(`${path}.`, config, [
      'anonymous',
      'ticket',
      'wampcra',
      'cryptosign',
      'scram',
      ...authenticators,
      'roles',
    ]);
    for (const key of authenticators) {
      const dynamic = (config as RealmAuth)[key];
      if (dynamic === undefined) continue;
      if (typeof dynamic !== 'object' || dynamic === null)
        throw invalid(`${path}.${key}`, '{ procedure, timeoutMs? }', dynamic);
      knownKeys(`${path}.${key}.`, dynamic, ['procedure', 'timeoutMs']);
      if (typeof dynamic.procedure !== 'string' || !isValidUri(dynamic.procedure)) {
        throw invalid(`${path}.${key}.procedure`, 'a procedure URI', dynamic.procedure);
      }
      positiveInteger(`${path}.${key}.timeoutMs`, dynamic.timeoutMs, 1);
    }
    const { anonymous, ticket, wampcra, cryptosign, roles } = config as RealmAuth;
    for (const [role, permissions] of Object.entries(roles ?? {})) {
      if (!Array.isArray(permissions)) {
        checkDynamicAuthorization(`${path}.roles.${role}`, permissions);
        continue;
      }
      for (const [index, permission] of (permissions as readonly Permission[]).entries()) {
        const where = `${path}.roles.${role}[${index}]`;
        const match = oneOf(`${where}.match`, permission?.match, ['exact', 'prefix', 'wildcard'], 'exact');
        if (typeof permission?.uri !== 'string' || (permission.uri !== '' && !isValidPattern(permission.uri, match))) {
          throw invalid(`${where}.uri`, `a ${match} URI pattern`, permission?.uri);
        }
        const actions = ['call', 'register', 'publish', 'subscribe'];
        if (!Array.isArray(permission.allow) || !permission.allow.every((action) => actions.includes(action))) {
          throw invalid(`${where}.allow`, `a list of ${actions.join(', ')}`, permission.allow);
        }
      }
    }
    if (anonymous !== undefined && typeof anonymous.role !== 'string')
      throw invalid(`${path}.anonymous.role`, 'a role name', anonymous);
    for (const [method, secretKey] of [
      ['ticket', 'ticket'],
      ['wampcra', 'secret'],
      ['cryptosign', 'pubkey'],
    ] as const) {
      const users = method === 'ticket' ? ticket : method === 'wampcra' ? wampcra : cryptosign;
      if (users === undefined) continue;
      for (const [authid, user] of Object.entries(users)) {
        const userPath = `${path}.${method}.${authid}`;
        const record = user as unknown as Record<string, unknown>;
        if (typeof record?.role !== 'string') throw invalid(`${userPath}.role`, 'a role name', record?.role);
        // Secrets never appear in errors: only whether one is there.
        if (typeof record[secretKey] !== 'string')
          throw invalid(`${userPath}.${secretKey}`, 'a string', '(not a string)');
      }
    }
    const scram = (config as RealmAuth).scram as unknown;
    if (scram !== undefined) {
      if (typeof scram !== 'object' || scram === null || Array.isArray(scram)) {
        throw invalid(`${path}.scram`, 'a map of authids to users', scram);
      }
      const names = new Map<string, string>();
      for (const [authid, user] of Object.entries(scram as Record<string, unknown>)) {
        const userPath = `${path}.scram.${authid}`;
        if (typeof user !== 'object' || user === null) {
          throw invalid(userPath, '{ role, password } or { role, kdf, salt, iterations, storedKey, serverKey }', user);
        }
        const record = user as Record<string, unknown>;
        // The KDF first: an Argon2id user (with its `memory`) gets the reason, not an unknown-key error.
        if (record.kdf !== undefined && record.kdf !== 'pbkdf2') {
          const argon = typeof record.kdf === 'string' && record.kdf.startsWith('argon2');
          throw invalid(
            `${userPath}.kdf`,
            argon
              ? '"pbkdf2" (Argon2id is not available in Node\'s crypto, so this router cannot check argon2id13 users; store the user with scramCredentials(), which uses pbkdf2)'
              : '"pbkdf2"',
            record.kdf,
          );
        }
        knownKeys(`${userPath}.`, record, ['role', 'password', 'kdf', 'salt', 'iterations', 'storedKey', 'serverKey']);
        if (typeof record.role !== 'string') throw invalid(`${userPath}.role`, 'a role name', record.role);
        let name: string;
        try {
          name = saslprep(authid);
        } catch (error) {
          throw invalid(userPath, `an authid SASLprep accepts (${(error as Error).message})`, authid);
        }
        if (names.has(name)) {
          throw invalid(userPath, `an authid other than "${names.get(name)}" once SASLprep-normalized`, authid);
        }
        names.set(name, authid);
        const stored = record.password === undefined;
        if (stored && (record.storedKey === undefined || record.serverKey === undefined)) {
          throw invalid(userPath, 'either password, or kdf, salt, iterations, storedKey and serverKey', '(neither)');
        }
        if (!stored && (record.storedKey !== undefined || record.serverKey !== undefined)) {
          throw invalid(userPath, 'either password, or kdf, salt, iterations, storedKey and serverKey', '(both)');
        }
        // Secrets never appear in errors: only whether one is there and has the right form.
        if (!stored) {
          let usable = typeof record.password === 'string' && record.password !== '';
          try {
            if (usable) saslprep(record.password as string);
          } catch {
            usable = false;
          }
          if (!usable) throw invalid(`${userPath}.password`, 'a non-empty string SASLprep accepts', '(not one)');
        }
        if (stored && record.kdf === undefined) throw invalid(`${userPath}.kdf`, '"pbkdf2"', record.kdf);
        for (const key of ['storedKey', 'serverKey']) {
          if (stored && canonicalBase64(record[key])?.length !== 32) {
            throw invalid(`${userPath}.${key}`, '32 bytes in canonical base64', '(not that)');
          }
        }
        if (record.salt !== undefined || stored) {
          if ((canonicalBase64(record.salt)?.length ?? 0) < SCRAM_MIN_SALT_BYTES) {
            throw invalid(
              `${userPath}.salt`,
              `at least ${SCRAM_MIN_SALT_BYTES} random bytes in canonical base64`,
              record.salt,
            );
          }
        }
        if (record.iterations !== undefined || stored) {
          const { iterations } = record;
          if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < SCRAM_MIN_ITERATIONS) {
            throw invalid(`${userPath}.iterations`, `an integer of at least ${SCRAM_MIN_ITERATIONS}`, iterations);
          }
        }
      }
    }
  }
  return auth as Record<string, RealmAuth>;
}

/** Checks a role decided by a procedure: `{ authorizer, timeoutMs?, cache?: { maxEntries?, ttlMs? } }`. */
function checkDynamicAuthorization(path: string, role: unknown): void {
  if (typeof role !== 'object' || role === null) {
    throw invalid(path, 'a list of permissions, or { authorizer: <procedure URI> }', role);
  }
  knownKeys(`${path}.`, role, ['authorizer', 'timeoutMs', 'cache']);
  const { authorizer, timeoutMs, cache } = role as DynamicAuthorization;
  if (typeof authorizer !== 'string' || !isValidUri(authorizer)) {
    throw invalid(`${path}.authorizer`, 'a procedure URI', authorizer);
  }
  positiveInteger(`${path}.timeoutMs`, timeoutMs, 1);
  if (cache === undefined) return;
  if (typeof cache !== 'object' || cache === null) throw invalid(`${path}.cache`, '{ maxEntries?, ttlMs? }', cache);
  knownKeys(`${path}.cache.`, cache, ['maxEntries', 'ttlMs']);
  if (cache.maxEntries !== undefined && cache.maxEntries !== 0) {
    positiveInteger(`${path}.cache.maxEntries`, cache.maxEntries, 1);
  }
  positiveInteger(`${path}.cache.ttlMs`, cache.ttlMs, 1);
}

/** Refuses keys nobody reads, so a typo in a config file is an error rather than a silently ignored setting. */
function knownKeys(path: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new RouterError(
        RouterErrorCode.INVALID_OPTION,
        `Unknown option "${path}${key}" (known: ${known.join(', ')})`,
      );
    }
  }
}

function invalid(path: string, expected: string, got: unknown): RouterError {
  return new RouterError(
    RouterErrorCode.INVALID_OPTION,
    `Invalid option "${path}": expected ${expected}, got ${JSON.stringify(got)}`,
  );
}

function positiveInteger(path: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw invalid(path, 'a positive integer', value);
  }
  return value;
}

function oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw invalid(path, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

function booleanOption(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(path, 'true or false', value);
  return value;
}

function stringList(path: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw invalid(path, 'a list of non-empty strings', value);
  }
  return value as string[];
}

/**
 * Fills in defaults and validates every option once, at construction; errors name the option.
 *
 * @example
 * ```ts
 * resolveOptions({ realms: ['app'] }).limits.maxMessageBytes; // 1048576
 * ```
 */
export function resolveOptions(options: RouterOptions = {}): ResolvedOptions {
  knownKeys('', options, OPTION_KEYS);
  if (options.limits !== undefined) knownKeys('limits.', options.limits, LIMIT_KEYS);
  const realms = [...(stringList('realms', options.realms) ?? ['realm1'])];
  const autoCreateRealms = booleanOption('autoCreateRealms', options.autoCreateRealms, false);
  if (realms.length === 0 && !autoCreateRealms) {
    throw invalid('realms', 'at least one realm (or autoCreateRealms: true)', realms);
  }
  // A realm with an auth section is served even when `realms` leaves it out: its section is never ignored.
  const auth = checkAuth(options.auth);
  for (const realm of Object.keys(auth)) if (!realms.includes(realm)) realms.push(realm);
  for (const [index, realm] of realms.entries()) {
    if (!isValidUri(realm))
      throw invalid(`realms[${index}]`, 'a realm URI such as "realm1" or "com.example.app"', realm);
  }
  const serializers = stringList('serializers', options.serializers) ?? [...SERIALIZER_NAMES];
  for (const [index, name] of serializers.entries()) oneOf(`serializers[${index}]`, name, SERIALIZER_NAMES, 'json');
  if (serializers.length === 0) throw invalid('serializers', `at least one of ${SERIALIZER_NAMES.join(', ')}`, []);

  const limits = options.limits ?? {};
  const keepalive = options.keepalive;
  if (keepalive !== undefined && keepalive !== false) {
    positiveInteger('keepalive.intervalMs', keepalive.intervalMs, 0);
    positiveInteger('keepalive.timeoutMs', keepalive.timeoutMs, 0);
  }
  return {
    realms,
    autoCreateRealms,
    serializers: serializers as SerializerName[],
    uriCheck: oneOf('uriCheck', options.uriCheck, ['loose', 'strict'], 'loose'),
    limits: {
      maxMessageBytes: positiveInteger('limits.maxMessageBytes', limits.maxMessageBytes, 1 << 20),
      outboundHighWater: positiveInteger('limits.outboundHighWater', limits.outboundHighWater, 1 << 20),
      slowConsumer: oneOf('limits.slowConsumer', limits.slowConsumer, ['drop', 'disconnect'], 'drop'),
      maxPendingCallsPerCaller: positiveInteger(
        'limits.maxPendingCallsPerCaller',
        limits.maxPendingCallsPerCaller,
        1000,
      ),
      maxPendingCallsPerCallee: positiveInteger(
        'limits.maxPendingCallsPerCallee',
        limits.maxPendingCallsPerCallee,
        10_000,
      ),
      maxSessions: positiveInteger('limits.maxSessions', limits.maxSessions, 50_000),
      maxSessionsPerRealm: positiveInteger('limits.maxSessionsPerRealm', limits.maxSessionsPerRealm, 50_000),
      maxSubscriptionsPerSession: positiveInteger(
        'limits.maxSubscriptionsPerSession',
        limits.maxSubscriptionsPerSession,
        10_000,
      ),
      maxRegistrationsPerSession: positiveInteger(
        'limits.maxRegistrationsPerSession',
        limits.maxRegistrationsPerSession,
        10_000,
      ),
      maxUriLength: positiveInteger('limits.maxUriLength', limits.maxUriLength, 512),
      maxPayloadDepth: positiveInteger('limits.maxPayloadDepth', limits.maxPayloadDepth, 64),
      shutdownGraceMs: positiveInteger('limits.shutdownGraceMs', limits.shutdownGraceMs, 2000),
      maxTestamentsPerSession: positiveInteger('limits.maxTestamentsPerSession', limits.maxTestamentsPerSession, 16),
      maxTestamentBytesPerSession: positiveInteger(
        'limits.maxTestamentBytesPerSession',
        limits.maxTestamentBytesPerSession,
        64 * 1024,
      ),
    },
    logger: options.logger ?? silentLogger,
    keepalive: keepalive ?? { intervalMs: 30_000, timeoutMs: 10_000 },
    allowedOrigins: stringList('allowedOrigins', options.allowedOrigins),
    perMessageDeflate: booleanOption('perMessageDeflate', options.perMessageDeflate, false),
    auth,
    cluster: checkCluster(options.cluster),
    eventHistory: (options.eventHistory ?? []).map((entry, index) => {
      const path = `eventHistory[${index}]`;
      if (typeof entry !== 'object' || entry === null || typeof entry.topic !== 'string') {
        throw invalid(path, '{ topic, match?, limit? }', entry);
      }
      const match = oneOf(`${path}.match`, entry.match, ['exact', 'prefix', 'wildcard'], 'exact');
      if (!isValidPattern(entry.topic, match))
        throw invalid(`${path}.topic`, `a valid ${match} topic pattern`, entry.topic);
      return { topic: entry.topic, match, limit: positiveInteger(`${path}.limit`, entry.limit, 100) };
    }),
  };
}
