import { hostname } from 'node:os';
import { isValidPattern, isValidUri, type MatchPolicy, type UriCheck } from '@wamp/protocol';
import { checkAuth } from './auth/check-auth.js';
import type { RealmAuth } from './auth/options.js';
import type { RateLimitOptions } from './core/rate-limit.js';
import { type Logger, silentLogger } from './logger.js';
import {
  booleanOption,
  invalid,
  is,
  isPositiveInteger,
  knownKeys,
  listOf,
  mapOf,
  oneOf,
  optional,
  positiveInteger,
  shape,
  stringList,
} from './option-checks.js';

/** The serializers a router can speak, by short name. */
export type SerializerName = 'json' | 'cbor' | 'msgpack';

/** What the router does with a subscriber whose outbound queue passed `outboundHighWater`. */
export type SlowConsumerPolicy = 'drop' | 'disconnect';

/** Resource limits. Every limit protects the router and the other sessions from one session. */
export interface RouterLimits {
  /**
   * Largest inbound WebSocket message in bytes; a larger one closes the connection with 1009. Default 16 MiB, so that
   * a 1 MiB payload (a file moved in chunks by RPC) fits with its framing on every serializer. In a cluster, a message
   * that must cross nodes is also bound by the NATS server's `max_payload` (1 MiB unless raised).
   */
  maxMessageBytes?: number;
  /**
   * Outbound bytes queued for one session above which it counts as slow: the router stops reading its socket until
   * the queue drains to a quarter of this (TCP pushes back on the client, nothing is lost), and events to it get the
   * `slowConsumer` policy. Default 1 MiB.
   */
  outboundHighWater?: number;
  /**
   * Outbound bytes queued for one session past which it is disconnected (close 1008, reason naming this limit, one
   * warn log line). Reading stops at `outboundHighWater` already, so only output the session did not just ask for
   * gets here: results of its calls in flight (up to `maxPendingCallsPerCaller` of them), invocations, events. At
   * least `outboundHighWater + maxMessageBytes`, so one message of the largest size never trips it. Default 64 MiB:
   * room for a thousand 48 KiB meta answers in flight, while a thousand sessions at the limit stay within 64 GiB.
   */
  outboundHardLimit?: number;
  /** Per-session rate limits (messages/s, bytes/s), per realm and role; see {@link RateLimitOptions}. Default off. */
  rateLimit?: RateLimitOptions | false;
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
  /**
   * How long a session may take to answer the router's GOODBYE (after `wamp.session.kill*`, or at shutdown) before
   * its connection is closed (1000, or 1001 at shutdown) and the cut logged, in ms. Default 2,000.
   */
  goodbyeGraceMs?: number;
  /**
   * Time from TCP accept to a WebSocket upgrade request on a server `listen` started, in ms; past it the socket is
   * destroyed and the cut logged. A plain HTTP request (static files) ends it too: Node's HTTP timeouts take over.
   * Default 10,000.
   */
  upgradeTimeoutMs?: number;
  /**
   * Time from the WebSocket upgrade (or a client's GOODBYE) to WELCOME, in ms: it runs through HELLO and any
   * CHALLENGE/AUTHENTICATE and dynamic authenticator. Past it the connection is closed with 1008 and no ABORT.
   * Default 10,000.
   */
  helloTimeoutMs?: number;
  /**
   * Open connections from one address (an IPv6 /64 counts as one), joined or not; more are refused with 503 (a
   * TCP connection on a server `listen` started: closed at accept). Behind a reverse proxy every client has the
   * proxy's address: raise it. Default 1,000.
   */
  maxConnectionsPerAddress?: number;
  /** Connections from one address not yet WELCOMEd; more are refused as with `maxConnectionsPerAddress`. Default 64. */
  maxPendingConnectionsPerAddress?: number;
  /** Connections in the whole router not yet WELCOMEd; more are refused as with `maxConnectionsPerAddress`. Default 1,024. */
  maxPendingConnections?: number;
  /** Testaments one session may keep (`wamp.session.add_testament`); more fail with `wamp.error.unavailable`. Default 16. */
  maxTestamentsPerSession?: number;
  /** Bytes of testaments (as encoded PUBLISHes) one session may keep; more fail with `wamp.error.unavailable`. Default 64 KiB. */
  maxTestamentBytesPerSession?: number;
  /**
   * Largest retained event (`retain: true`), in bytes of topic and payload (estimated as stored; in a cluster, the
   * stored record). A larger one is delivered but not retained, the topic's earlier retained event is dropped, and
   * an acknowledged publisher gets `wamp.error.unavailable`. Default 2 MiB: room for the 1 MiB payloads every
   * serializer carries by default.
   */
  maxRetainedEventBytes?: number;
  /**
   * Bytes all retained events of one realm may hold (measured as `maxRetainedEventBytes`); an event that would
   * pass it is treated as one over `maxRetainedEventBytes`. Replacing a topic's event counts only the difference.
   * Default 64 MiB.
   */
  maxRetainedBytesPerRealm?: number;
  /**
   * Bytes all event history logs of one realm may hold (measured as `maxRetainedEventBytes`; an event kept in two
   * logs counts twice); past it the oldest event of any log is dropped first. Default 64 MiB.
   */
  maxHistoryBytesPerRealm?: number;
}

/**
 * Keepalive: ping each connection every `intervalMs` and drop it when no pong came within `timeoutMs`. Both are
 * required (positive integers of ms): one without the other is refused, never guessed.
 */
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
  /**
   * Bytes the kept events may hold (measured as `limits.maxRetainedEventBytes`), oldest dropped first; an event
   * larger than this alone is not kept. Default 4 MiB.
   */
  maxBytes?: number;
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
  'outboundHardLimit',
  'rateLimit',
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
  'goodbyeGraceMs',
  'upgradeTimeoutMs',
  'helloTimeoutMs',
  'maxConnectionsPerAddress',
  'maxPendingConnectionsPerAddress',
  'maxPendingConnections',
  'maxTestamentsPerSession',
  'maxTestamentBytesPerSession',
  'maxRetainedEventBytes',
  'maxRetainedBytesPerRealm',
  'maxHistoryBytesPerRealm',
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

const MATCHES: readonly MatchPolicy[] = ['exact', 'prefix', 'wildcard'];
const KEEPALIVE_MS = is(
  'a positive integer of ms (keepalive takes both intervalMs and timeoutMs, or false to turn it off)',
  isPositiveInteger,
);
const KEEPALIVE = shape('false or { intervalMs, timeoutMs }', { intervalMs: KEEPALIVE_MS, timeoutMs: KEEPALIVE_MS });
const EVENT_HISTORY = listOf(
  'a list of { topic, match?, limit?, maxBytes? }',
  shape(
    '{ topic, match?, limit?, maxBytes? }',
    {
      topic: is('a topic or topic pattern', (value) => typeof value === 'string'),
      match: optional(is(`one of ${MATCHES.join(', ')}`, (value) => MATCHES.includes(value as MatchPolicy))),
      limit: optional(is('a positive integer', isPositiveInteger)),
      maxBytes: optional(is('a positive integer of bytes', isPositiveInteger)),
    },
    (path, entry) => {
      const match = (entry.match ?? 'exact') as MatchPolicy;
      if (!isValidPattern(entry.topic as string, match)) {
        throw invalid(`${path}.topic`, `a valid ${match} topic pattern`, entry.topic);
      }
    },
  ),
);

const isPositiveNumber = (value: unknown): boolean => typeof value === 'number' && Number.isFinite(value) && value > 0;
const RATE_FIELDS = {
  messagesPerSecond: optional(is('a positive number of messages per second', isPositiveNumber)),
  bytesPerSecond: optional(is('a positive integer of bytes per second', isPositiveInteger)),
  burstSeconds: optional(is('a positive number of seconds', isPositiveNumber)),
  overflow: optional(
    is('one of backpressure, disconnect', (value) => value === 'backpressure' || value === 'disconnect'),
  ),
};
const RATE = shape('false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow? }', RATE_FIELDS);
const RATE_OVERRIDES = optional(
  mapOf('a map of names to rates (or false)', (path, value) => {
    if (value !== false) RATE(path, value);
  }),
);
const RATE_LIMIT = shape(
  'false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow?, realms?, roles? }',
  {
    ...RATE_FIELDS,
    realms: RATE_OVERRIDES,
    roles: RATE_OVERRIDES,
  },
);

/** Checks `limits.rateLimit`; absent means off (`false`). */
function checkRateLimit(value: unknown): RateLimitOptions | false {
  if (value === undefined || value === false) return false;
  RATE_LIMIT('limits.rateLimit', value);
  return value as RateLimitOptions;
}

/** The hard limit leaves room for the high-water mark and one message of the largest size on top of it. */
function checkOutboundRoom(limits: Required<RouterLimits>): void {
  const room = limits.outboundHighWater + limits.maxMessageBytes;
  if (limits.outboundHardLimit < room) {
    throw invalid(
      'limits.outboundHardLimit',
      `at least limits.outboundHighWater + limits.maxMessageBytes (${room} bytes), so that the largest message fits above the high-water mark`,
      limits.outboundHardLimit,
    );
  }
}

/**
 * Fills in defaults and validates every option once, at construction; errors name the option.
 *
 * @example
 * ```ts
 * resolveOptions({ realms: ['app'] }).limits.maxMessageBytes; // 16777216
 * ```
 */
export function resolveOptions(options: RouterOptions = {}): ResolvedOptions {
  knownKeys('', options, OPTION_KEYS);
  if (options.limits !== undefined) {
    if (typeof options.limits !== 'object' || options.limits === null) throw invalid('limits', 'a map', options.limits);
    knownKeys('limits.', options.limits, LIMIT_KEYS);
  }
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
  if (keepalive !== undefined && keepalive !== false) KEEPALIVE('keepalive', keepalive);
  if (options.eventHistory !== undefined) EVENT_HISTORY('eventHistory', options.eventHistory);
  const resolved: ResolvedOptions = {
    realms,
    autoCreateRealms,
    serializers: serializers as SerializerName[],
    uriCheck: oneOf('uriCheck', options.uriCheck, ['loose', 'strict'], 'loose'),
    limits: {
      maxMessageBytes: positiveInteger('limits.maxMessageBytes', limits.maxMessageBytes, 16 << 20),
      outboundHighWater: positiveInteger('limits.outboundHighWater', limits.outboundHighWater, 1 << 20),
      outboundHardLimit: positiveInteger('limits.outboundHardLimit', limits.outboundHardLimit, 64 << 20),
      rateLimit: checkRateLimit(limits.rateLimit),
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
      goodbyeGraceMs: positiveInteger('limits.goodbyeGraceMs', limits.goodbyeGraceMs, 2000),
      upgradeTimeoutMs: positiveInteger('limits.upgradeTimeoutMs', limits.upgradeTimeoutMs, 10_000),
      helloTimeoutMs: positiveInteger('limits.helloTimeoutMs', limits.helloTimeoutMs, 10_000),
      maxConnectionsPerAddress: positiveInteger(
        'limits.maxConnectionsPerAddress',
        limits.maxConnectionsPerAddress,
        1000,
      ),
      maxPendingConnectionsPerAddress: positiveInteger(
        'limits.maxPendingConnectionsPerAddress',
        limits.maxPendingConnectionsPerAddress,
        64,
      ),
      maxPendingConnections: positiveInteger('limits.maxPendingConnections', limits.maxPendingConnections, 1024),
      maxTestamentsPerSession: positiveInteger('limits.maxTestamentsPerSession', limits.maxTestamentsPerSession, 16),
      maxTestamentBytesPerSession: positiveInteger(
        'limits.maxTestamentBytesPerSession',
        limits.maxTestamentBytesPerSession,
        64 * 1024,
      ),
      maxRetainedEventBytes: positiveInteger('limits.maxRetainedEventBytes', limits.maxRetainedEventBytes, 2 << 20),
      maxRetainedBytesPerRealm: positiveInteger(
        'limits.maxRetainedBytesPerRealm',
        limits.maxRetainedBytesPerRealm,
        64 << 20,
      ),
      maxHistoryBytesPerRealm: positiveInteger(
        'limits.maxHistoryBytesPerRealm',
        limits.maxHistoryBytesPerRealm,
        64 << 20,
      ),
    },
    logger: options.logger ?? silentLogger,
    keepalive: keepalive ?? { intervalMs: 30_000, timeoutMs: 10_000 },
    allowedOrigins: stringList('allowedOrigins', options.allowedOrigins),
    perMessageDeflate: booleanOption('perMessageDeflate', options.perMessageDeflate, false),
    auth,
    cluster: checkCluster(options.cluster),
    eventHistory: (options.eventHistory ?? []).map(({ topic, match = 'exact', limit = 100, maxBytes = 4 << 20 }) => ({
      topic,
      match,
      limit,
      maxBytes,
    })),
  };
  checkOutboundRoom(resolved.limits);
  return resolved;
}
