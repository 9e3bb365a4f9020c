/**
 * A router session's states and the WebSocket close codes it ends a connection with, shared by the session
 * (`session.ts`), its dispatch (`session-dispatch.ts`) and its gate (`session-gate.ts`).
 */

/**
 * Where a session is in its life. `AUTHENTICATING` is entered between HELLO and WELCOME when the realm
 * asks for authentication (CHALLENGE/AUTHENTICATE); `CLOSING` after the router sent GOODBYE and waits for the reply.
 *
 * @example
 * ```ts
 * if (session.state === SessionState.ESTABLISHED) session.goodbye(CloseUri.SYSTEM_SHUTDOWN, 1001);
 * ```
 */
export const SessionState = {
  AWAIT_HELLO: 0,
  AUTHENTICATING: 1,
  ESTABLISHED: 2,
  CLOSING: 3,
  CLOSED: 4,
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** WebSocket close code of a normal close. */
export const CLOSE_NORMAL = 1000;
/** WebSocket close code after an ABORT for a protocol violation (RFC 6455: "protocol error"). */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** WebSocket close code for a peer that breaks the router's policy (RFC 6455: "policy violation"). */
export const CLOSE_POLICY_VIOLATION = 1008;
/** WebSocket close code for an unexpected condition in the router (RFC 6455: "internal error"). */
export const CLOSE_INTERNAL_ERROR = 1011;
