// Between the `_tracecontext` a message carries and OpenTelemetry's span context: the parent a client's CALL or
// PUBLISH names, and what the router's own span hands on in INVOCATION and EVENT details.
import {
  type Context,
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  trace,
} from '@opentelemetry/api';
import {
  type Dict,
  readTraceContext,
  TRACE_CONTEXT_KEY,
  type TraceContextCarrier,
  traceContextCarrier,
} from '@wamp/protocol';

/**
 * The context a message's span starts in: the remote span its options name under `_tracecontext`, or the root
 * (a new trace) when they name none or something that is not a valid W3C trace context.
 *
 * @example
 * ```ts
 * const span = tracer.startSpan(procedure, { kind: SpanKind.SERVER }, parentOf(message[2]));
 * ```
 */
export function parentOf(options: Dict): Context {
  const carried = readTraceContext(options[TRACE_CONTEXT_KEY]);
  if (carried === undefined) return ROOT_CONTEXT;
  const parent: SpanContext = {
    traceId: carried.traceId,
    spanId: carried.spanId,
    traceFlags: carried.traceFlags,
    isRemote: true,
  };
  if (carried.traceState !== undefined) parent.traceState = createTraceState(carried.traceState);
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}

/**
 * The `_tracecontext` that continues `span`; undefined for a span without a valid context (the API's no-op
 * tracer, with no parent, makes those), so that nothing is added for it.
 *
 * @example
 * ```ts
 * details[TRACE_CONTEXT_KEY] = carrierOf(span);
 * ```
 */
export function carrierOf(span: Span): TraceContextCarrier | undefined {
  const context = span.spanContext();
  if (!isSpanContextValid(context)) return undefined;
  return traceContextCarrier(context.traceId, context.spanId, context.traceFlags, context.traceState?.serialize());
}
