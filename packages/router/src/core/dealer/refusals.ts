// Why the dealer refuses a REGISTER (a bad URI, no permission, too many registrations) or a CALL that found its
// callee (the limits on calls in flight, a callee that does not keep up, a payload out of bounds, a timeout no timer
// can hold, progressive input to a callee that does not take it): the error URI and, mostly, a message.
import { type CallMessage, ErrorUri, isReservedUri, isValidPattern, type MatchPolicy } from '@wamp/protocol';
import type { ResolvedOptions } from '../../options.js';
import { isRouterUri } from '../admin.js';
import { LIMIT_REACHED } from '../limits.js';
import { describeDefect, payloadDefect } from '../payload-check.js';
import type { Verdict } from '../permissions.js';
import type { RouterSession } from '../session.js';
import type { CalleeEnd, CallerEnd } from './ends.js';

/**
 * Why a REGISTER is refused (its error URI, and a message for most), or undefined when it may proceed.
 *
 * @example
 * ```ts
 * refuseRegistration(limits, uriCheck, session, 'com.app..add', 'exact', 'allow'); // ['wamp.error.invalid_uri', …]
 * ```
 */
export function refuseRegistration(
  limits: ResolvedOptions['limits'],
  uriCheck: ResolvedOptions['uriCheck'],
  session: RouterSession,
  procedure: string,
  match: MatchPolicy,
  verdict: Verdict,
): [uri: string, why?: string] | undefined {
  if (
    procedure.length > limits.maxUriLength ||
    !isValidPattern(procedure, match, uriCheck) ||
    ((isReservedUri(procedure) || isRouterUri(procedure)) && !session.trusted)
  ) {
    return [ErrorUri.INVALID_URI, `invalid procedure URI "${procedure}"`];
  }
  if (verdict === 'deny') return [ErrorUri.NOT_AUTHORIZED];
  if (session.registrations.size >= limits.maxRegistrationsPerSession) {
    return [LIMIT_REACHED, `limit of ${limits.maxRegistrationsPerSession} registrations per session reached`];
  }
  return undefined;
}

/**
 * The longest CALL `timeout` the router honours: JavaScript timers hold at most 2^31 - 1 ms (about 24.8 days) and
 * fire at once above it, so a longer one is refused as invalid rather than expiring the call immediately.
 */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Why a call cannot be routed now (its error URI and a message), or undefined when it can.
 *
 * @example
 * ```ts
 * const refusal = refuseCall(limits, caller, callee, message);
 * if (refusal !== undefined) caller.send(error(MessageCode.CALL, message[1], {}, refusal[0], [refusal[1]]));
 * ```
 */
export function refuseCall(
  limits: ResolvedOptions['limits'],
  caller: CallerEnd,
  callee: CalleeEnd,
  message: CallMessage,
): [uri: string, why: string] | undefined {
  if (caller.calls.size >= limits.maxPendingCallsPerCaller) {
    return [LIMIT_REACHED, `limit of ${limits.maxPendingCallsPerCaller} calls in flight per caller reached`];
  }
  if (callee.invocations.size >= limits.maxPendingCallsPerCallee) {
    return [LIMIT_REACHED, `the callee has ${limits.maxPendingCallsPerCallee} calls in flight already`];
  }
  // A callee that stopped reading would only pile up invocations in memory: fail fast instead.
  if (!callee.isWritable()) return [LIMIT_REACHED, 'the callee is not keeping up: its outbound queue is full'];
  const defect = payloadDefect(message[4], message[5], limits);
  if (defect !== undefined) return [ErrorUri.INVALID_ARGUMENT, describeDefect(defect)];
  const options = message[2];
  const timeout = options.timeout;
  if (typeof timeout === 'number' && timeout > MAX_TIMEOUT_MS) {
    return [ErrorUri.INVALID_ARGUMENT, `timeout ${timeout} ms is over the longest the router keeps: ${MAX_TIMEOUT_MS}`];
  }
  if (options.progress === true && !callee.supports('callee', 'progressive_call_invocations')) {
    return [ErrorUri.FEATURE_NOT_SUPPORTED, 'the callee does not take progressive call invocations'];
  }
  return undefined;
}
