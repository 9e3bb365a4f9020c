// The errors of the protocol: the spec's error and close URIs, WampError (crosses the wire) and ProtocolViolation.
import type { Args, Dict, KwArgs } from './options.js';

/**
 * Error URIs predefined by the WAMP spec (basic and advanced profiles), each with the spec's meaning.
 *
 * @example
 * ```ts
 * throw new WampError(ErrorUri.INVALID_ARGUMENT, ['a must be a number']);
 * ```
 */
export const ErrorUri = {
  /** A peer provided an incorrect URI for a URI-based attribute (realm, topic, procedure). */
  INVALID_URI: 'wamp.error.invalid_uri',
  /** No procedure is currently registered under the given URI. */
  NO_SUCH_PROCEDURE: 'wamp.error.no_such_procedure',
  /** A procedure with the given URI is already registered. */
  PROCEDURE_ALREADY_EXISTS: 'wamp.error.procedure_already_exists',
  /** The given registration is not active. */
  NO_SUCH_REGISTRATION: 'wamp.error.no_such_registration',
  /** The given subscription is not active. */
  NO_SUCH_SUBSCRIPTION: 'wamp.error.no_such_subscription',
  /** The argument types or values are not acceptable to the called procedure. */
  INVALID_ARGUMENT: 'wamp.error.invalid_argument',
  /** A dealer or callee canceled a call previously issued. */
  CANCELED: 'wamp.error.canceled',
  /** A message could not be delivered due to transport payload size limits. */
  PAYLOAD_SIZE_EXCEEDED: 'wamp.error.payload_size_exceeded',
  /** A peer received an invalid WAMP protocol message; used as an ABORT reason. */
  PROTOCOL_VIOLATION: 'wamp.error.protocol_violation',
  /** The peer is not authorized to perform the operation. */
  NOT_AUTHORIZED: 'wamp.error.not_authorized',
  /** The authorization operation itself failed (e.g. a custom authorizer errored). */
  AUTHORIZATION_FAILED: 'wamp.error.authorization_failed',
  /** Authentication failed (advanced profile). */
  AUTHENTICATION_FAILED: 'wamp.error.authentication_failed',
  /** The peer wanted to join a realm that does not exist and cannot be auto-created. */
  NO_SUCH_REALM: 'wamp.error.no_such_realm',
  /** The peer was authenticated under a role that does not (or no longer) exist. */
  NO_SUCH_ROLE: 'wamp.error.no_such_role',
  /** The referenced session does not exist (meta API). */
  NO_SUCH_SESSION: 'wamp.error.no_such_session',
  /** A callee does not support a requested feature, e.g. progressive invocations (advanced profile). */
  FEATURE_NOT_SUPPORTED: 'wamp.error.feature_not_supported',
  /** The dealer timed out the call (advanced profile, call timeout). */
  TIMEOUT: 'wamp.error.timeout',
  /** The call is being rerouted to another callee (advanced profile, call rerouting). */
  UNAVAILABLE: 'wamp.error.unavailable',
  /** No callee is able to serve the call (advanced profile, call rerouting). */
  NO_AVAILABLE_CALLEE: 'wamp.error.no_available_callee',
} as const;

/**
 * Reasons for GOODBYE and ABORT defined by the spec.
 *
 * @example
 * ```ts
 * transport.send(goodbye({}, CloseUri.SYSTEM_SHUTDOWN));
 * ```
 */
export const CloseUri = {
  /** The peer is shutting down completely. */
  SYSTEM_SHUTDOWN: 'wamp.close.system_shutdown',
  /** The peer wants to leave the realm. */
  CLOSE_REALM: 'wamp.close.close_realm',
  /** A peer acknowledges the end of a session; the reply to GOODBYE. */
  GOODBYE_AND_OUT: 'wamp.close.goodbye_and_out',
  /** The session was killed through the meta API. */
  KILLED: 'wamp.close.killed',
} as const;

/** Constructor options of {@link WampError}. */
export interface WampErrorInit {
  kwargs?: KwArgs;
  details?: Dict;
}

/**
 * An application or protocol error that crosses the wire as ERROR (or ABORT): a URI plus an optional payload.
 * `uri` is the bare URI; `message` adds the explanation, `'<uri>: <explanation>'`: the first argument when it is
 * a string, else `details.message` (where ABORT and GOODBYE carry it), else the URI alone.
 *
 * Match it by `name === 'WampError'` as well as with `instanceof`: two copies of this package in one
 * bundle break `instanceof`.
 *
 * @example
 * ```ts
 * throw new WampError('com.example.error.not_found', ['no user 42'], { kwargs: { id: 42 } });
 * new WampError('wamp.error.no_such_realm', [], { details: { message: 'no realm named "x" exists' } }).message;
 * // 'wamp.error.no_such_realm: no realm named "x" exists'
 * ```
 */
export class WampError extends Error {
  override readonly name = 'WampError';
  readonly uri: string;
  readonly args: Args;
  readonly kwargs: KwArgs;
  readonly details: Dict;

  constructor(uri: string, args: Args = [], init: WampErrorInit = {}) {
    const explanation = typeof args[0] === 'string' ? args[0] : init.details?.message;
    super(typeof explanation === 'string' ? `${uri}: ${explanation}` : uri);
    this.uri = uri;
    this.args = args;
    this.kwargs = init.kwargs ?? {};
    this.details = init.details ?? {};
  }
}

/**
 * True for a {@link WampError}, also one from another copy of this package.
 *
 * @example
 * ```ts
 * try { await session.call('x.y'); } catch (e) { if (isWampError(e)) console.log(e.uri); }
 * ```
 */
export function isWampError(value: unknown): value is WampError {
  return value instanceof WampError || (value instanceof Error && value.name === 'WampError' && 'uri' in value);
}

/**
 * A received message does not have the shape the spec requires. It names the message, the element and
 * what was expected, so a log line says exactly what the peer got wrong. The router answers it with ABORT
 * `wamp.error.protocol_violation` and closes that session only.
 *
 * @example
 * ```ts
 * try { parseMessage(raw); } catch (e) {
 *   if (e instanceof ProtocolViolation) transport.send(abort({ message: e.message }, ErrorUri.PROTOCOL_VIOLATION));
 * }
 * ```
 */
export class ProtocolViolation extends Error {
  override readonly name = 'ProtocolViolation';
  /** The message type name (`'CALL'`) or `'message'` when the type itself is unknown. */
  readonly messageType: string;
  /** The element that is wrong, in the spec's naming (`'Request|id'`). */
  readonly field: string;
  /** What the spec expects there. */
  readonly expected: string;

  constructor(messageType: string, field: string, expected: string) {
    super(`${messageType}: ${field} must be ${expected}`);
    this.messageType = messageType;
    this.field = field;
    this.expected = expected;
  }
}
