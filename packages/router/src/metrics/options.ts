// The `metrics` option: off, on the router's own port, or on an address of its own.
import { invalid, isNonEmptyString, knownKeys } from '../option-checks.js';

/**
 * Where `GET /metrics` (Prometheus text format) is served: `false` (off, the default), `true` (on every port the
 * router listens on), or `{ port, host }` (a server of its own, port 0 for any free one, e.g. one reachable only from the monitoring
 * network; `host` defaults to `127.0.0.1`), which answers `/healthz` and `/readyz` too.
 *
 * @example
 * ```ts
 * const metrics: MetricsOption = { port: 9464, host: '0.0.0.0' };
 * ```
 */
export type MetricsOption = boolean | { port: number; host?: string };

/** {@link MetricsOption} checked: null when off. */
export type ResolvedMetrics = null | { where: 'router' } | { where: 'own'; port: number; host: string };

/**
 * Checks the `metrics` option; the error names the key at fault.
 *
 * @example
 * ```ts
 * resolveMetrics(undefined); // null
 * resolveMetrics({ port: 9464 }); // { where: 'own', port: 9464, host: '127.0.0.1' }
 * ```
 */
export function resolveMetrics(value: unknown): ResolvedMetrics {
  if (value === undefined || value === false) return null;
  if (value === true) return { where: 'router' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('metrics', 'true, false or { port, host }', value);
  }
  knownKeys('metrics.', value, ['port', 'host']);
  const { port, host } = value as { port?: unknown; host?: unknown };
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid('metrics.port', 'a port from 0 (any free one) to 65535', port);
  }
  if (host !== undefined && !isNonEmptyString(host)) throw invalid('metrics.host', 'an address to listen on', host);
  return { where: 'own', port, host: host ?? '127.0.0.1' };
}
