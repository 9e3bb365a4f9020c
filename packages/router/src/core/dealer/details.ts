// The details of the INVOCATIONs and RESULTs the dealer sends, made from the CALL or YIELD they come from.
import {
  type CallMessage,
  type InvocationDetails,
  type ResultDetails,
  TRACE_CONTEXT_KEY,
  type TraceContextCarrier,
  type YieldMessage,
} from '@wamp/protocol';
import { copyPassthru } from '../passthru.js';
import type { CalleeEnd, CallerEnd } from './ends.js';
import type { Registration } from './registrations.js';

/** Shared by every INVOCATION and RESULT without details; never mutated, and encoded synchronously. */
export const NO_DETAILS: InvocationDetails = Object.freeze({});
const PROGRESS: ResultDetails = Object.freeze({ progress: true });

/**
 * INVOCATION details for a CALL: the concrete procedure for pattern registrations, the caller when it disclosed
 * itself, `receive_progress` and progressive input, the timeout for callees that handle it, passthru keys, and
 * while tracing is on the router's span under `_tracecontext`. Most calls need none of these and share one empty
 * object.
 */
export function invocationDetails(
  registration: Registration,
  caller: CallerEnd,
  callee: CalleeEnd,
  message: CallMessage,
  forceDisclose: boolean,
  traceContext: TraceContextCarrier | undefined,
): InvocationDetails {
  const options = message[2];
  const pattern = registration.match !== 'exact';
  // The router's own callees (the meta API) always learn who calls them, e.g. to refuse killing the caller.
  const disclose = forceDisclose || options.disclose_me === true || callee.trusted;
  const receiveProgress = options.receive_progress === true;
  const progress = options.progress === true;
  const timeout =
    typeof options.timeout === 'number' && options.timeout > 0 && callee.supports('callee', 'call_timeout');
  const passthru = options.ppt_scheme !== undefined;
  const traced = traceContext !== undefined;
  if (!pattern && !disclose && !receiveProgress && !progress && !timeout && !passthru && !traced) return NO_DETAILS;
  const details: InvocationDetails = {};
  if (pattern) details.procedure = message[3];
  if (disclose) {
    details.caller = caller.id;
    details.caller_authid = caller.authid;
    details.caller_authrole = caller.authrole;
  }
  if (receiveProgress) details.receive_progress = true;
  if (progress) details.progress = true;
  if (timeout) details.timeout = options.timeout as number;
  if (passthru) copyPassthru(options, details);
  if (traced) details[TRACE_CONTEXT_KEY] = traceContext;
  return details;
}

/** RESULT details for a YIELD: `progress` for a partial result, and passthru keys. */
export function resultDetails(message: YieldMessage, progress: boolean): ResultDetails {
  const options = message[2];
  if (options.ppt_scheme === undefined) return progress ? PROGRESS : NO_DETAILS;
  const details: ResultDetails = progress ? { progress: true } : {};
  copyPassthru(options, details);
  return details;
}
