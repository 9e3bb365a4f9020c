// The `metrics` option: off, on the router's own port, or on an address of its own, and which procedures get
// latency series of their own.
import type { ProcedureLabels } from '../core/call-stats.js';
import { invalid, isNonEmptyString, knownKeys, stringList } from '../option-checks.js';

/** Procedures with latency series of their own besides the allow-list, by default: the busiest ones. */
export const DEFAULT_TOP_PROCEDURES = 100;

/**
 * Metrics served on an address of their own, and how the call latency series are labelled.
 *
 * @example
 * ```ts
 * const settings: MetricsSettings = { port: 9464, procedures: ['com.shop.checkout'], topProcedures: 20 };
 * ```
 */
export interface MetricsSettings {
  /** A server of its own on this port (0: any free one), with `/healthz` and `/readyz`; absent: the router's ports. */
  port?: number;
  /** The address of that server; default `127.0.0.1`. Only with `port`. */
  host?: string;
  /** Registered procedures (exact URIs or the registered patterns) that always have a latency series of their own. */
  procedures?: string[];
  /**
   * How many other procedures get a series of their own, the busiest first (default 100; 0: the allow-list
   * only). The rest share the label value `other`, so a flood of URIs cannot grow the series.
   */
  topProcedures?: number;
}

/**
 * Where `GET /metrics` (Prometheus text format) is served: `false` (off, the default), `true` (on every port the
 * router listens on), or {@link MetricsSettings}: on a port of their own when `port` is given (e.g. one
 * reachable only from the monitoring network), and with an allow-list of procedures.
 *
 * @example
 * ```ts
 * const metrics: MetricsOption = { port: 9464, host: '0.0.0.0' };
 * ```
 */
export type MetricsOption = boolean | MetricsSettings;

/** {@link MetricsOption} checked: null when off. */
export type ResolvedMetrics =
  | null
  | (ProcedureLabels & ({ where: 'router' } | { where: 'own'; port: number; host: string }));

const SHAPE = 'true, false or { port?, host?, procedures?, topProcedures? }';

/**
 * Checks the `metrics` option; the error names the key at fault.
 *
 * @example
 * ```ts
 * resolveMetrics(undefined); // null
 * resolveMetrics({ port: 9464 }); // { where: 'own', port: 9464, host: '127.0.0.1', procedures: [], topProcedures: 100 }
 * ```
 */
export function resolveMetrics(value: unknown): ResolvedMetrics {
  if (value === undefined || value === false) return null;
  if (value === true) return { where: 'router', procedures: [], topProcedures: DEFAULT_TOP_PROCEDURES };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('metrics', SHAPE, value);
  knownKeys('metrics.', value, ['port', 'host', 'procedures', 'topProcedures']);
  const { port, host, procedures, topProcedures } = value as Record<keyof MetricsSettings, unknown>;
  const labels: ProcedureLabels = {
    procedures: stringList('metrics.procedures', procedures) ?? [],
    topProcedures: topProceduresOf(topProcedures),
  };
  if (port === undefined) {
    if (host !== undefined)
      throw invalid('metrics.host', 'nothing without metrics.port (the router’s own ports)', host);
    return { where: 'router', ...labels };
  }
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid('metrics.port', 'a port from 0 (any free one) to 65535', port);
  }
  if (host !== undefined && !isNonEmptyString(host)) throw invalid('metrics.host', 'an address to listen on', host);
  return { where: 'own', port, host: host ?? '127.0.0.1', ...labels };
}

function topProceduresOf(value: unknown): number {
  if (value === undefined) return DEFAULT_TOP_PROCEDURES;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000) {
    throw invalid('metrics.topProcedures', 'a whole number from 0 to 10000', value);
  }
  return value;
}
