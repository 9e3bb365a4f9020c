import type { RouterSession } from '../session.js';
import type { Registration } from './registrations.js';

/**
 * A call in flight: the caller's CALL request and the callee's INVOCATION request it became. Indexed from
 * both ends (`caller.calls` by CALL request ID, `callee.invocations` by INVOCATION request ID), so an answer is
 * routed with one lookup and a leaving session cleans up only its own calls.
 */
export interface Invocation {
  /** The INVOCATION request ID, in the callee's session scope. */
  readonly id: number;
  readonly callee: RouterSession;
  readonly caller: RouterSession;
  /** The CALL request ID, in the caller's session scope. */
  readonly callRequest: number;
  readonly registration: Registration;
}

/**
 * Records a new call in flight in both indexes.
 *
 * @example
 * ```ts
 * const invocation = track({ id: callee.outboundRequests.next(), callee, caller, callRequest, registration });
 * ```
 */
export function track(invocation: Invocation): Invocation {
  invocation.callee.invocations.set(invocation.id, invocation);
  invocation.caller.calls.set(invocation.callRequest, invocation);
  return invocation;
}

/** Removes a finished (answered, failed or abandoned) call from both indexes. */
export function untrack(invocation: Invocation): void {
  invocation.callee.invocations.delete(invocation.id);
  invocation.caller.calls.delete(invocation.callRequest);
}
