// A call in flight (Invocation), indexed from both its ends.
import type { CallSpan } from '../tracing.js';
import type { CalleeEnd, CallerEnd } from './ends.js';
import type { Registration } from './registrations.js';

/**
 * A call in flight: the caller's CALL request and the callee's INVOCATION request it became. Indexed from
 * both ends (`caller.calls` by CALL request ID, `callee.invocations` by INVOCATION request ID), so an answer is
 * routed with one lookup and a leaving session cleans up only its own calls.
 */
export interface Invocation {
  /** The INVOCATION request ID, in the callee's session scope. */
  readonly id: number;
  readonly callee: CalleeEnd;
  readonly caller: CallerEnd;
  /** The CALL request ID, in the caller's session scope. */
  readonly callRequest: number;
  readonly registration: Registration;
  /** The caller asked for progressive results (`receive_progress`). */
  readonly receiveProgress: boolean;
  /** The caller is still streaming input (progressive call invocations): more CALLs with this request follow. */
  inputOpen: boolean;
  /** INTERRUPT went to the callee already (a `kill` cancel waits for its answer); never send a second one. */
  interrupted: boolean;
  /** The dealer's own deadline for the call (`timeout`), if any. */
  timer: ReturnType<typeof setTimeout> | undefined;
  /** When the CALL arrived (`performance.now()`), while metrics keep call latency; else 0. */
  startedAt: number;
  /** The call's span at the router, while tracing is on; else null. */
  span: CallSpan | null;
}

/**
 * Starts a call in flight: takes the callee's next INVOCATION request ID and records the call in both indexes.
 * `options` are the CALL's options, or the INVOCATION details a caller's node sent (both carry `receive_progress`
 * and `progress`).
 *
 * @example
 * ```ts
 * const pending = startInvocation(callee, caller, request, registration, message[2]);
 * callee.send(invocation(pending.id, registration.id, details, message[4], message[5]));
 * ```
 */
export function startInvocation(
  callee: CalleeEnd,
  caller: CallerEnd,
  callRequest: number,
  registration: Registration,
  options: { receive_progress?: boolean; progress?: boolean },
): Invocation {
  const invocation: Invocation = {
    id: callee.outboundRequests.next(),
    callee,
    caller,
    callRequest,
    registration,
    receiveProgress: options.receive_progress === true,
    inputOpen: options.progress === true,
    interrupted: false,
    timer: undefined,
    startedAt: 0,
    span: null,
  };
  callee.invocations.set(invocation.id, invocation);
  caller.calls.set(callRequest, invocation);
  return invocation;
}

/** Removes a finished (answered, failed, canceled or abandoned) call from both indexes, and stops its timer. */
export function untrack(invocation: Invocation): void {
  if (invocation.timer !== undefined) clearTimeout(invocation.timer);
  invocation.callee.invocations.delete(invocation.id);
  invocation.caller.calls.delete(invocation.callRequest);
}
