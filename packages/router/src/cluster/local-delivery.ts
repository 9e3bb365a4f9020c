// What a message from another node about a call does on this node: it is handed to the realm's dealer as the
// message of a peer would be (a session on another node is a caller or callee end, see `remote-ends.ts`), so the
// dealer routes it as it routes its own sessions' messages.
import { type ErrorMessage, ErrorUri, error, invocation, MessageCode, type YieldMessage } from '@wamp/protocol';
import type { Dealer } from '../core/dealer/dealer.js';
import type { CalleeEnd, CallerEnd } from '../core/dealer/ends.js';
import { startInvocation } from '../core/dealer/invocations.js';
import { LIMIT_REACHED } from '../core/limits.js';
import type { NodeCall } from './wire.js';

/**
 * INVOCATION input from a caller on another node for a callee of this node: the first (a new call in flight,
 * indexed under the caller's call ID), or more input of a progressive call invocation.
 *
 * @example
 * ```ts
 * invokeHere(receiver.dealer(call.realm), caller, call);
 * ```
 */
export function invokeHere(dealer: Dealer | undefined, caller: CallerEnd, call: NodeCall): void {
  const request = call.callId;
  if (dealer === undefined) {
    caller.send(error(MessageCode.CALL, request, {}, ErrorUri.NO_SUCH_REALM, [`no realm ${call.realm} here`]));
    return;
  }
  const details = call.details;
  const ongoing = caller.calls.get(request);
  if (ongoing !== undefined) {
    dealer.sendInput(ongoing, details.progress === true, call.args, call.kwargs);
    return;
  }
  const registration = dealer.registrations.byId(call.registration);
  const callee = dealer.localSession(call.calleeSession);
  if (registration === undefined || callee === undefined || !callee.registrations.has(registration)) {
    // It unregistered (or left) before the caller's node heard of it: for the caller, there is no such procedure.
    caller.send(error(MessageCode.CALL, request, {}, ErrorUri.NO_SUCH_PROCEDURE, ['the callee is gone']));
    return;
  }
  if (callee.invocations.size >= dealer.limits.maxPendingCallsPerCallee || !callee.isWritable()) {
    caller.send(error(MessageCode.CALL, request, {}, LIMIT_REACHED, ['the callee is not keeping up']));
    return;
  }
  const { id } = startInvocation(callee, caller, request, registration, details);
  callee.send(invocation(id, registration.id, details, call.args, call.kwargs));
}

/**
 * A callee on another node answered a call from this node: its node made a RESULT (progressive or final) or an
 * ERROR of the callee's message; as a YIELD or ERROR again, it takes the local caller's path.
 *
 * @example
 * ```ts
 * answerHere(receiver.dealer(call.realm), callee, call);
 * ```
 */
export function answerHere(dealer: Dealer | undefined, callee: CalleeEnd, call: NodeCall): void {
  if (dealer === undefined) return;
  const { callId, details, args, kwargs } = call;
  if (call.kind === 'result') {
    dealer.yield(callee, [MessageCode.YIELD, callId, details, args, kwargs] as YieldMessage);
  } else {
    const message = [MessageCode.ERROR, MessageCode.INVOCATION, callId, details, call.uri, args, kwargs];
    dealer.invocationError(callee, message as ErrorMessage);
  }
}

/** A caller on another node canceled its call (or its node's deadline passed), in the mode it asked for. */
export function interruptHere(dealer: Dealer | undefined, caller: CallerEnd, call: NodeCall): void {
  const mode = call.details.mode;
  const reason = typeof call.details.reason === 'string' ? call.details.reason : ErrorUri.CANCELED;
  dealer?.stop(caller, call.callId, mode === 'kill' || mode === 'skip' ? mode : 'killnowait', reason);
}

/** Another node's meta API revokes a callee of this node. */
export function revokeHere(dealer: Dealer | undefined, call: NodeCall): void {
  const session = dealer?.localSession(call.calleeSession);
  const registration = dealer?.registrations.byId(call.registration);
  if (session === undefined || registration === undefined) return;
  dealer!.revoke(session, registration, typeof call.details.reason === 'string' ? call.details.reason : undefined);
}

/** A callee on another node is gone: its callers get `wamp.error.canceled`, its registrations lose it. */
export function calleeGone(dealer: Dealer | undefined, callee: CalleeEnd): void {
  if (dealer === undefined) return;
  dealer.calleeLeft(callee, "the callee's router node is gone");
  for (const registration of dealer.registrations.all()) {
    if (registration.callees.includes(callee)) dealer.registrations.removeCallee(registration, callee);
  }
}
