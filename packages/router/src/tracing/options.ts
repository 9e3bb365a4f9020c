// The `tracing` option: off, the global OpenTelemetry tracer provider, or a provider or tracer of your own.
import { type Tracer, type TracerProvider, trace } from '@opentelemetry/api';
import type { RouterTracer } from '../core/tracing.js';
import { invalid } from '../option-checks.js';
import { OtelRouterTracer } from './router-tracer.js';

/** The instrumentation scope of the router's spans. */
export const TRACER_NAME = '@wamp/router';

/**
 * Spans for calls and publications, through `@opentelemetry/api`: `false` (off, the default), `true` (the global
 * tracer provider, which an OpenTelemetry SDK registers), or a `TracerProvider` or `Tracer` of your own.
 *
 * @example
 * ```ts
 * import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
 * const tracing: TracingOption = new BasicTracerProvider();
 * ```
 */
export type TracingOption = boolean | TracerProvider | Tracer;

const isFunction = (value: object, key: string) => typeof (value as Record<string, unknown>)[key] === 'function';

/**
 * Checks the `tracing` option; null when tracing is off, so that the dealer and broker skip it with one check.
 *
 * @example
 * ```ts
 * resolveTracing(undefined); // null
 * resolveTracing(true); // spans through the global tracer provider
 * ```
 */
export function resolveTracing(value: unknown): RouterTracer | null {
  if (value === undefined || value === false) return null;
  if (value === true) return new OtelRouterTracer(trace.getTracer(TRACER_NAME));
  if (typeof value === 'object' && value !== null) {
    if (isFunction(value, 'getTracer')) return new OtelRouterTracer((value as TracerProvider).getTracer(TRACER_NAME));
    if (isFunction(value, 'startSpan')) return new OtelRouterTracer(value as Tracer);
  }
  throw invalid('tracing', 'true, false, an OpenTelemetry TracerProvider or a Tracer', value);
}
