// The public API of @wamp/router: createRouter, its option and auth types, its errors and the logger interface.
export type {
  CraUser,
  CryptosignUser,
  RealmAuth,
  ScramPasswordUser,
  ScramStoredUser,
  ScramUser,
  TicketUser,
} from './auth/options.js';
export { type ScramCredentials, scramCredentials } from './auth/scram.js';
export type { DynamicAuthorization } from './core/dynamic-authorizer.js';
export type { Action, Permission, RoleAuthorization } from './core/permissions.js';
export type { CallSpan, PublicationSpan, RouterTracer, TracedCall, TracedPublication } from './core/tracing.js';
export type { DashboardOption, DashboardOptions, ResolvedDashboard } from './dashboard/options.js';
export { RouterError, RouterErrorCode } from './errors.js';
export { type LogFn, type Logger, silentLogger } from './logger.js';
export type { MetricsOption, ResolvedMetrics } from './metrics/options.js';
export type {
  ClusterOptions,
  EventHistoryOptions,
  KeepaliveOptions,
  RateLimitOptions,
  ResolvedOptions,
  RouterLimits,
  RouterOptions,
  SerializerName,
  SlowConsumerPolicy,
  TracingOption,
} from './options.js';
export type { RawSocketOptions } from './rawsocket-listeners.js';
export { createRouter, type Router, type RouterStats } from './router.js';
export type { AttachOptions, ListenOptions, ListenResult } from './server.js';
