// A call in flight (Invocation), indexed from both its ends.
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
}

/**
 * Records a new call in flight in both indexes.
 *
 * @example
 * ```ts
 * track({ id, callee, caller, callRequest, registration, receiveProgress: false, inputOpen: false, interrupted: false, timer: undefined });
 * ```
 */
export function track(invocation: Invocation): Invocation {
  invocation.callee.invocations.set(invocation.id, invocation);
  invocation.caller.calls.set(invocation.callRequest, invocation);
  return invocation;
}

/** Removes a finished (answered, failed, canceled or abandoned) call from both indexes, and stops its timer. */
export function untrack(invocation: Invocation): void {
  if (invocation.timer !== undefined) clearTimeout(invocation.timer);
  invocation.callee.invocations.delete(invocation.id);
  invocation.caller.calls.delete(invocation.callRequest);
}
