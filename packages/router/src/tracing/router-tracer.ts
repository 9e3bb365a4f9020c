// The router's spans with OpenTelemetry: one per call (CALL to RESULT or ERROR) and one per publication (PUBLISH
// to its EVENTs), children of the trace context the client sent, their own context handed on to callee and
// subscribers. Attribute names follow the OpenTelemetry RPC and messaging semantic conventions where they fit.
import { type Attributes, type Span, SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { TraceContextCarrier } from '@wamp/protocol';
import { outcomeOf } from '../core/call-stats.js';
import type { CallSpan, PublicationSpan, RouterTracer, TracedCall, TracedPublication } from '../core/tracing.js';
import { carrierOf, parentOf } from './span-context.js';

/** `rpc.system.name` and `messaging.system` of every span. */
export const WAMP_SYSTEM = 'wamp';
/** `rpc.method` of a call that found no registration: the RPC conventions' value for an unrecognized method. */
export const OTHER_METHOD = '_OTHER';

/** The attribute names the router's spans use (see the router README, "Tracing"). */
export const ATTR = {
  RPC_SYSTEM: 'rpc.system.name',
  RPC_METHOD: 'rpc.method',
  RPC_METHOD_ORIGINAL: 'rpc.method_original',
  MESSAGING_SYSTEM: 'messaging.system',
  MESSAGING_OPERATION: 'messaging.operation.name',
  MESSAGING_DESTINATION: 'messaging.destination.name',
  MESSAGING_MESSAGE_ID: 'messaging.message.id',
  ERROR_TYPE: 'error.type',
  REALM: 'wamp.realm',
  CALLER_SESSION: 'wamp.caller.session',
  CALLEE_SESSION: 'wamp.callee.session',
  CALL_OUTCOME: 'wamp.call.outcome',
  PUBLISHER_SESSION: 'wamp.publisher.session',
  RECEIVERS: 'wamp.publication.receivers',
} as const;

/** Marks a span failed with the error URI its client got. */
function failed(span: Span, uri: string): void {
  span.setAttribute(ATTR.ERROR_TYPE, uri);
  span.setStatus({ code: SpanStatusCode.ERROR, message: uri });
}

class OtelCallSpan implements CallSpan {
  readonly carrier: TraceContextCarrier | undefined;

  constructor(private readonly span: Span) {
    this.carrier = carrierOf(span);
  }

  end(uri: string): void {
    const outcome = outcomeOf(uri);
    this.span.setAttribute(ATTR.CALL_OUTCOME, outcome);
    if (outcome !== 'result') failed(this.span, uri);
    this.span.end();
  }
}

class OtelPublicationSpan implements PublicationSpan {
  readonly carrier: TraceContextCarrier | undefined;

  constructor(private readonly span: Span) {
    this.carrier = carrierOf(span);
  }

  end(receivers: number, uri?: string): void {
    this.span.setAttribute(ATTR.RECEIVERS, receivers);
    if (uri !== undefined) failed(this.span, uri);
    this.span.end();
  }
}

/**
 * {@link RouterTracer} on an OpenTelemetry `Tracer`. A call's span is named after the registered procedure (the
 * RPC conventions' `{rpc.method}`; `wamp` for a call that found none), a publication's `publish {topic}`; both are
 * of kind SERVER: the router serves its client's request, and the callee's and subscribers' spans are its children.
 *
 * @example
 * ```ts
 * const tracer = new OtelRouterTracer(provider.getTracer('@wamp/router'));
 * ```
 */
export class OtelRouterTracer implements RouterTracer {
  constructor(private readonly tracer: Tracer) {}

  startCall(call: TracedCall): CallSpan {
    return new OtelCallSpan(this.callSpan(call));
  }

  refuseCall(call: TracedCall, uri: string): void {
    new OtelCallSpan(this.callSpan(call)).end(uri);
  }

  startPublication(publication: TracedPublication): PublicationSpan {
    return new OtelPublicationSpan(this.publicationSpan(publication));
  }

  refusePublication(publication: TracedPublication, uri: string): void {
    new OtelPublicationSpan(this.publicationSpan(publication)).end(0, uri);
  }

  private callSpan({ realm, procedure, caller, callee, message }: TracedCall): Span {
    const uri = message[3];
    const attributes: Attributes = {
      [ATTR.RPC_SYSTEM]: WAMP_SYSTEM,
      [ATTR.RPC_METHOD]: procedure ?? OTHER_METHOD,
      [ATTR.REALM]: realm,
      [ATTR.CALLER_SESSION]: caller.id,
    };
    if (procedure !== uri) attributes[ATTR.RPC_METHOD_ORIGINAL] = uri;
    if (callee !== undefined) attributes[ATTR.CALLEE_SESSION] = callee.id;
    return this.tracer.startSpan(procedure ?? WAMP_SYSTEM, { kind: SpanKind.SERVER, attributes }, parentOf(message[2]));
  }

  private publicationSpan({ realm, publisher, publication, message }: TracedPublication): Span {
    const topic = message[3];
    const attributes: Attributes = {
      [ATTR.MESSAGING_SYSTEM]: WAMP_SYSTEM,
      [ATTR.MESSAGING_OPERATION]: 'publish',
      [ATTR.MESSAGING_DESTINATION]: topic,
      [ATTR.REALM]: realm,
      [ATTR.PUBLISHER_SESSION]: publisher.id,
    };
    if (publication !== 0) attributes[ATTR.MESSAGING_MESSAGE_ID] = String(publication);
    return this.tracer.startSpan(`publish ${topic}`, { kind: SpanKind.SERVER, attributes }, parentOf(message[2]));
  }
}
