import { type CallMessage, ErrorUri } from '@wamp/protocol';
import type { ResolvedOptions } from '../../options.js';
import { LIMIT_REACHED } from '../limits.js';
import { describeDefect, payloadDefect } from '../payload-check.js';
import type { CalleeEnd, CallerEnd } from './ends.js';

// Whether a CALL that found its callee may be routed to it now: the limits on calls in flight, a callee that keeps
// up, a payload within bounds, a timeout a timer can hold, and progressive input only to a callee that takes it.

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
