// OpenTelemetry for a session (`@wamp/client/opentelemetry`, imported on its own so that bundles without tracing
// leave `@opentelemetry/api` out): the active trace context goes out in CALL and PUBLISH options under
// `_tracecontext`, and each INVOCATION's handler and EVENT's delivery runs in a span of its own, a child of the
// `_tracecontext` the router put in the details.
import {
  type Attributes,
  type Context,
  context,
  createTraceState,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  type Dict,
  type EventMessage,
  type MatchPolicy,
  readTraceContext,
  TRACE_CONTEXT_KEY,
  traceContextCarrier,
} from '@wamp/protocol';
import type { HandlerSpan, SessionTracer } from './tracing.js';

/** The instrumentation scope of the client's spans. */
export const TRACER_NAME = '@wamp/client';
/** `rpc.system.name` and `messaging.system` of the client's spans. */
const WAMP_SYSTEM = 'wamp';

/**
 * The context a handler's span starts in: the remote span the details name under `_tracecontext`, or the root of
 * a new trace when they name none (a router without tracing, or one that sends no trace context). Never the
 * context that happens to be active when the message arrives: that belongs to whoever opened the connection.
 */
function parentOf(details: Dict): Context {
  const carried = readTraceContext(details[TRACE_CONTEXT_KEY]);
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

class OtelHandlerSpan implements HandlerSpan {
  private readonly context: Context;

  constructor(
    private readonly span: Span,
    parent: Context,
  ) {
    this.context = trace.setSpan(parent, span);
  }

  run<A, R>(handler: (argument: A) => R, argument: A): R {
    return context.with(this.context, handler, undefined, argument);
  }

  end(): void {
    this.span.end();
  }

  fail(uri: string, error?: unknown): void {
    this.span.setAttribute('error.type', uri);
    if (error !== undefined) this.span.recordException(error instanceof Error ? error : String(error));
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : uri });
    this.span.end();
  }
}

class OtelSessionTracer implements SessionTracer {
  constructor(private readonly tracer: Tracer) {}

  inject(options: Dict): void {
    if (options[TRACE_CONTEXT_KEY] !== undefined) return;
    const active = trace.getSpanContext(context.active());
    if (active === undefined || !isSpanContextValid(active)) return;
    const { traceId, spanId, traceFlags, traceState } = active;
    options[TRACE_CONTEXT_KEY] = traceContextCarrier(traceId, spanId, traceFlags, traceState?.serialize());
  }

  invocation(procedure: string, called: string, details: Dict): HandlerSpan {
    const attributes: Attributes = { 'rpc.system.name': WAMP_SYSTEM, 'rpc.method': procedure };
    if (called !== procedure) attributes['rpc.method_original'] = called;
    return this.start(procedure, SpanKind.SERVER, attributes, details);
  }

  event(subscribed: string, match: MatchPolicy | undefined, message: EventMessage): HandlerSpan {
    const details = message[3];
    // A pattern subscription's events name their topic; the subscription's pattern is the destination template.
    const topic = typeof details.topic === 'string' ? details.topic : subscribed;
    const attributes: Attributes = {
      'messaging.system': WAMP_SYSTEM,
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.destination.name': topic,
      'messaging.message.id': String(message[2]),
    };
    if (match !== undefined && match !== 'exact') attributes['messaging.destination.template'] = subscribed;
    return this.start(`process ${subscribed}`, SpanKind.CONSUMER, attributes, details);
  }

  private start(name: string, kind: SpanKind, attributes: Attributes, details: Dict): HandlerSpan {
    const parent = parentOf(details);
    return new OtelHandlerSpan(this.tracer.startSpan(name, { kind, attributes }, parent), parent);
  }
}

/**
 * Traces a session with OpenTelemetry, for its `tracing` option: the tracer provider given, or the global one
 * (which an OpenTelemetry SDK registers). Calls and publications then carry the active trace context; a callee's
 * handler runs in a span (kind SERVER, named after the registered procedure) and a subscription's handlers in one
 * per event (kind CONSUMER, `process {topic}`), each a child of the router's span when the router traces too.
 *
 * @example
 * ```ts
 * import { Session } from '@wamp/client';
 * import { openTelemetry } from '@wamp/client/opentelemetry';
 * const session = await Session.connect({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1', tracing: openTelemetry() });
 * ```
 */
export function openTelemetry(provider: TracerProvider = trace.getTracerProvider()): SessionTracer {
  return new OtelSessionTracer(provider.getTracer(TRACER_NAME));
}
