// The W3C trace context that a CALL, INVOCATION, PUBLISH or EVENT carries in its Options/Details under
// `_tracecontext`: read and written here without any tracing library, so that the router and the client agree on
// one format and each turns it into its tracer's span context.

/**
 * The Options/Details key of the W3C trace context. The spec lets implementations add keys of the form
 * `_[a-z0-9_]{3,}`, and a peer ignores the keys it does not know.
 */
export const TRACE_CONTEXT_KEY = '_tracecontext';

/**
 * What `_tracecontext` holds: the W3C Trace Context `traceparent` and, when there is one, `tracestate`, with the
 * values they have as HTTP headers.
 *
 * @example
 * ```ts
 * const carried: TraceContextCarrier = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
 * ```
 */
export interface TraceContextCarrier {
  traceparent: string;
  tracestate?: string;
}

/** A valid `traceparent` taken apart (IDs in lowercase hex), with the `tracestate` that came with it. */
export interface CarriedTraceContext {
  traceId: string;
  spanId: string;
  /** The trace flags; bit 0 is `sampled`. */
  traceFlags: number;
  /** The `tracestate` list as it came, or undefined when there was none (or it was longer than W3C allows). */
  traceState: string | undefined;
}

/** W3C Trace Context: a `tracestate` of at most 32 members is at most 512 characters. */
export const MAX_TRACESTATE_LENGTH = 512;

/** version-traceid-parentid-flags; a version after 00 may append fields, after a dash (W3C: versioning). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';

/**
 * Reads what a peer sent under `_tracecontext`. Anything that is not a valid W3C trace context (another type, a
 * malformed or all-zero `traceparent`, version `ff`) gives undefined: a peer's tracing never makes a message fail.
 *
 * @example
 * ```ts
 * const parent = readTraceContext(message[2][TRACE_CONTEXT_KEY]);
 * if (parent !== undefined) console.log(parent.traceId);
 * ```
 */
export function readTraceContext(value: unknown): CarriedTraceContext | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { traceparent, tracestate } = value as { traceparent?: unknown; tracestate?: unknown };
  if (typeof traceparent !== 'string' || traceparent.length > 256) return undefined;
  const parts = TRACEPARENT.exec(traceparent);
  if (parts === null) return undefined;
  const version = parts[1]!;
  const traceId = parts[2]!;
  const spanId = parts[3]!;
  // Version 00 has exactly four fields; ff is never valid.
  if (version === 'ff' || (version === '00' && parts[5] !== undefined)) return undefined;
  if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
  const traceState =
    typeof tracestate === 'string' && tracestate !== '' && tracestate.length <= MAX_TRACESTATE_LENGTH
      ? tracestate
      : undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(parts[4]!, 16), traceState };
}

/**
 * The `_tracecontext` value for a span: a version 00 `traceparent`, and `tracestate` when it is not empty.
 *
 * @example
 * ```ts
 * traceContextCarrier('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 1, '');
 * // { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }
 * ```
 */
export function traceContextCarrier(
  traceId: string,
  spanId: string,
  traceFlags: number,
  traceState: string | undefined,
): TraceContextCarrier {
  const flags = (traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${traceId}-${spanId}-${flags}`;
  return traceState === undefined || traceState === '' ? { traceparent } : { traceparent, tracestate: traceState };
}
