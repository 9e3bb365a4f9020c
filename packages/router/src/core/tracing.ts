// The seam between the dealer and broker and a tracer: what they tell it of each call and publication. core/
// imports no tracing library: `../tracing/` implements this with OpenTelemetry, and without tracing the dealer and
// broker hold null and pass it by with one check per call or publication.
import type { CallMessage, PublishMessage, TraceContextCarrier } from '@wamp/protocol';

/**
 * The span of one call at the router, from CALL to the RESULT or ERROR its caller gets.
 *
 * @example
 * ```ts
 * const span = tracer.startCall({ realm, procedure: registration.procedure, caller, callee, message });
 * span.end('result');
 * ```
 */
export interface CallSpan {
  /** What the INVOCATION's details carry under `_tracecontext` (the callee continues this span's trace). */
  readonly carrier: TraceContextCarrier | undefined;
  /** The call ended with `uri`: `'result'` for a result, else the error URI its caller got. */
  end(uri: string): void;
}

/**
 * The span of one publication at the router, from PUBLISH to its EVENTs to this node's subscribers.
 *
 * @example
 * ```ts
 * const span = tracer.startPublication({ realm, publisher: session, publication, message });
 * span.end(sent);
 * ```
 */
export interface PublicationSpan {
  /** What the EVENTs' details carry under `_tracecontext` (each subscriber continues this span's trace). */
  readonly carrier: TraceContextCarrier | undefined;
  /** The publication went to `receivers` sessions on this node; or, with `uri`, it failed and went to none. */
  end(receivers: number, uri?: string): void;
}

/** A call as the tracer sees it. */
export interface TracedCall {
  readonly realm: string;
  /** The registered procedure (a pattern for a pattern registration); undefined when the call found none. */
  readonly procedure: string | undefined;
  readonly caller: { readonly id: number };
  readonly callee: { readonly id: number } | undefined;
  /** The CALL: its URI, and the caller's trace context in its options. */
  readonly message: CallMessage;
}

/** A publication as the tracer sees it. */
export interface TracedPublication {
  readonly realm: string;
  readonly publisher: { readonly id: number };
  /** The publication ID; 0 for a publication refused before it got one. */
  readonly publication: number;
  /** The PUBLISH: its topic, and the publisher's trace context in its options. */
  readonly message: PublishMessage;
}

/**
 * What the dealer and broker report to a tracer. Each span is a child of the trace context the client sent in its
 * CALL or PUBLISH options (`_tracecontext`), or the root of a trace when it sent none.
 *
 * @example
 * ```ts
 * const tracer: RouterTracer | null = options.tracing;
 * const span = tracer?.startCall(call);
 * ```
 */
export interface RouterTracer {
  /** A CALL goes to a callee: its span starts. */
  startCall(call: TracedCall): CallSpan;
  /** A CALL was answered with ERROR `uri` at once (denied, no such procedure, a limit): a span that ends at once. */
  refuseCall(call: TracedCall, uri: string): void;
  /** A PUBLISH passed its checks: its span starts. */
  startPublication(publication: TracedPublication): PublicationSpan;
  /** A PUBLISH was refused with `uri` (an invalid topic or payload, not authorized): a span that ends at once. */
  refusePublication(publication: TracedPublication, uri: string): void;
}
