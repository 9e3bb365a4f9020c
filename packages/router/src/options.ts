// The options of createRouter: RouterOptions composed of its sections, and resolveOptions, which checks each section
// with the module next to the code it configures and fills in the defaults.
import type { UriCheck } from '@wamp/protocol';
import type { KeepaliveOptions } from '@wamp/transport/node';
import { checkAuth } from './auth/check-auth.js';
import type { RealmAuth } from './auth/options.js';
import { type ClusterOptions, type ResolvedCluster, resolveCluster } from './cluster/options.js';
import { type EventHistoryOptions, resolveEventHistory } from './core/broker/history-options.js';
import { type RouterLimits, resolveLimits } from './core/limits-options.js';
import type { RouterTracer } from './core/tracing.js';
import { type DashboardOption, type ResolvedDashboard, resolveDashboard } from './dashboard/options.js';
import { resolveKeepalive } from './keepalive-options.js';
import { type Logger, silentLogger } from './logger.js';
import { type MetricsOption, type ResolvedMetrics, resolveMetrics } from './metrics/options.js';
import { booleanOption, knownKeys, oneOf, stringList } from './option-checks.js';
import { resolveRealms } from './realms-options.js';
import { resolveSerializers, type SerializerName } from './serializers.js';
import { resolveTracing, type TracingOption } from './tracing/options.js';

export type { KeepaliveOptions } from '@wamp/transport/node';
export type { ClusterOptions } from './cluster/options.js';
export type { EventHistoryOptions } from './core/broker/history-options.js';
export type { RouterLimits, SlowConsumerPolicy } from './core/limits-options.js';
export type { RateLimitOptions } from './core/rate-limit.js';
export type { DashboardOption, DashboardOptions, ResolvedDashboard } from './dashboard/options.js';
export type { SerializerName } from './serializers.js';
export type { TracingOption } from './tracing/options.js';

/**
 * Options of {@link createRouter}. Every field is optional; the defaults make a router for `realm1`
 * speaking JSON, CBOR and MessagePack.
 *
 * @example
 * ```ts
 * const options: RouterOptions = { realms: ['app'], limits: { maxSessions: 1000 }, keepalive: false };
 * ```
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
  /**
   * Keepalive pings for WebSocket connections (both `intervalMs` and `timeoutMs`, one without the other is refused),
   * or `false` to turn them off. Default every 30 s, 10 s timeout.
   */
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
  /** Serve Prometheus metrics at `/metrics`; see {@link MetricsOption}. Default off. */
  metrics?: MetricsOption;
  /** OpenTelemetry spans for calls and publications; see {@link TracingOption}. Default off. */
  tracing?: TracingOption;
  /**
   * The operator dashboard at `/dashboard`, guarded by a token or admin roles; see `DashboardOptions`. It
   * turns `metrics` on (on the router's port) when they are off. Default off.
   */
  dashboard?: DashboardOption;
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
  cluster: ResolvedCluster | null;
  metrics: ResolvedMetrics;
  /** The tracer the dealer and broker report to; null when tracing is off. */
  tracing: RouterTracer | null;
  /** The dashboard; null when off. */
  dashboard: ResolvedDashboard | null;
}

/**
 * The keys of {@link RouterOptions}, in the order an error lists them (the type refuses one missing or extra): any
 * other is refused, so that a typo is an error, not an ignored setting.
 */
const OPTION_KEYS = Object.keys({
  realms: true,
  autoCreateRealms: true,
  serializers: true,
  uriCheck: true,
  limits: true,
  logger: true,
  keepalive: true,
  allowedOrigins: true,
  perMessageDeflate: true,
  eventHistory: true,
  auth: true,
  cluster: true,
  metrics: true,
  tracing: true,
  dashboard: true,
} satisfies Record<keyof RouterOptions, true>);

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
  const auth = checkAuth(options.auth);
  const allowedOrigins = stringList('allowedOrigins', options.allowedOrigins);
  const dashboard = resolveDashboard(options.dashboard);
  if (dashboard !== null) dashboard.allowedOrigins ??= allowedOrigins;
  return {
    ...resolveRealms(options.realms, options.autoCreateRealms, Object.keys(auth)),
    serializers: resolveSerializers(options.serializers),
    keepalive: resolveKeepalive(options.keepalive),
    eventHistory: resolveEventHistory(options.eventHistory),
    uriCheck: oneOf('uriCheck', options.uriCheck, ['loose', 'strict'], 'loose'),
    limits: resolveLimits(options.limits),
    logger: options.logger ?? silentLogger,
    allowedOrigins,
    perMessageDeflate: booleanOption('perMessageDeflate', options.perMessageDeflate, false),
    auth,
    cluster: resolveCluster(options.cluster),
    // The dashboard charts the metrics: it turns them on when they are off.
    metrics: resolveMetrics(dashboard !== null && !options.metrics ? true : options.metrics),
    tracing: resolveTracing(options.tracing),
    dashboard,
  };
}
