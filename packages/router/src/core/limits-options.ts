// The `limits` section: every resource limit, its default and its check, as one table.
import { invalid, knownKeys, oneOf, positiveInteger } from '../option-checks.js';
import type { RateLimitOptions } from './rate-limit.js';
import { resolveRateLimit } from './rate-limit-options.js';

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

/** Fills in one limit and checks it; `path` names it in errors (`limits.maxSessions`). */
type LimitRule<T> = (path: string, value: unknown) => T;

/** A limit that is a positive integer, `fallback` when absent. */
const count =
  (fallback: number): LimitRule<number> =>
  (path, value) =>
    positiveInteger(path, value, fallback);

/** Every limit: its key, its default and its check (the interface above says what each one bounds). */
const LIMITS: { [K in keyof RouterLimits]-?: LimitRule<Required<RouterLimits>[K]> } = {
  maxMessageBytes: count(16 << 20),
  outboundHighWater: count(1 << 20),
  outboundHardLimit: count(64 << 20),
  rateLimit: resolveRateLimit,
  slowConsumer: (path, value) => oneOf(path, value, ['drop', 'disconnect'], 'drop'),
  maxPendingCallsPerCaller: count(1000),
  maxPendingCallsPerCallee: count(10_000),
  maxSessions: count(50_000),
  maxSessionsPerRealm: count(50_000),
  maxSubscriptionsPerSession: count(10_000),
  maxRegistrationsPerSession: count(10_000),
  maxUriLength: count(512),
  maxPayloadDepth: count(64),
  shutdownGraceMs: count(2000),
  goodbyeGraceMs: count(2000),
  upgradeTimeoutMs: count(10_000),
  helloTimeoutMs: count(10_000),
  maxConnectionsPerAddress: count(1000),
  maxPendingConnectionsPerAddress: count(64),
  maxPendingConnections: count(1024),
  maxTestamentsPerSession: count(16),
  maxTestamentBytesPerSession: count(64 * 1024),
  maxRetainedEventBytes: count(2 << 20),
  maxRetainedBytesPerRealm: count(64 << 20),
  maxHistoryBytesPerRealm: count(64 << 20),
};

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
 * Checks the `limits` section (a map of known limits, each of its form, the hard limit above the high-water mark)
 * and fills in every default.
 *
 * @example
 * ```ts
 * resolveLimits({ maxSessions: 100 }).maxMessageBytes; // 16777216
 * ```
 */
export function resolveLimits(limits: unknown = {}): Required<RouterLimits> {
  if (typeof limits !== 'object' || limits === null) throw invalid('limits', 'a map', limits);
  knownKeys('limits.', limits, Object.keys(LIMITS));
  const given = limits as Record<string, unknown>;
  const resolved = Object.fromEntries(
    Object.entries(LIMITS).map(([key, rule]) => [key, rule(`limits.${key}`, given[key])]),
  ) as Required<RouterLimits>;
  checkOutboundRoom(resolved);
  return resolved;
}
