// The seam between a session and a tracer: what goes into CALL and PUBLISH options, and the spans its handlers run
// in. `opentelemetry.ts` (`@wamp/client/opentelemetry`) implements it; a session without the `tracing` option has
// none, and its call, publish and dispatch paths pass it by with one check.
import type { Dict, EventMessage, MatchPolicy } from '@wamp/protocol';

/**
 * The span one handler runs in: a callee's for one INVOCATION, or a subscription's for one EVENT.
 *
 * @example
 * ```ts
 * const span = tracer.invocation('com.app.add', 'com.app.add', details);
 * const result = span.run(handler, invocation);
 * span.end();
 * ```
 */
export interface HandlerSpan {
  /** Runs `handler(argument)` in the span's context, so that what it calls and publishes continues the trace. */
  run<A, R>(handler: (argument: A) => R, argument: A): R;
  /** The handler succeeded. */
  end(): void;
  /** The handler ended with the error `uri`; `error` is what it threw, when that was not a `WampError`. */
  fail(uri: string, error?: unknown): void;
}

/**
 * What a session asks of a tracer (the `tracing` option). Trace context travels in the messages' Options and
 * Details under `_tracecontext` (`TRACE_CONTEXT_KEY` of `@wamp/protocol`).
 *
 * @example
 * ```ts
 * import { openTelemetry } from '@wamp/client/opentelemetry';
 * const tracing: SessionTracer = openTelemetry();
 * ```
 */
export interface SessionTracer {
  /** Adds the active trace context to a CALL's or PUBLISH's options, unless they carry one already. */
  inject(options: Dict): void;
  /**
   * The span of a callee's handler for one INVOCATION of the registration `procedure` (`called` is the URI the
   * caller called, which differs for a pattern registration), a child of the trace context in `details`.
   */
  invocation(procedure: string, called: string, details: Dict): HandlerSpan;
  /**
   * The span of one EVENT's delivery to the handlers of the subscription to `subscribed` (with its `match`
   * policy), a child of the trace context in the EVENT's details.
   */
  event(subscribed: string, match: MatchPolicy | undefined, message: EventMessage): HandlerSpan;
}
