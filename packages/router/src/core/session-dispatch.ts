/**
 * What a session's messages do, by the session's state: HELLO and AUTHENTICATE go to the handshake; an
 * established session's messages go through the gate (when an authorizer decides on them) or straight to the
 * broker or dealer, or end the session; anything out of place is a protocol violation.
 */
import { ErrorUri, type Message, MessageCode, messageName } from '@wamp/protocol';
import type { RouterSession } from './session.js';
import { authorize, hold, waitFor } from './session-gate.js';
import { CLOSE_NORMAL, SessionState } from './session-state.js';

/**
 * Handles one parsed inbound message of `session` (the read path calls it; what it throws, the caller catches).
 *
 * @example
 * ```ts
 * try {
 *   handle(session, parseMessage(raw));
 * } catch (error) {
 *   session.fail(error);
 * }
 * ```
 */
export function handle(session: RouterSession, message: Message): void {
  switch (session.state) {
    case SessionState.AWAIT_HELLO:
      if (message[0] === MessageCode.HELLO) session.core.handshake(session, message);
      else session.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} received before HELLO`);
      return;
    case SessionState.ESTABLISHED:
      if (session.held === null) established(session, message);
      else hold(session, message);
      return;
    case SessionState.AUTHENTICATING:
      if (message[0] === MessageCode.AUTHENTICATE) session.core.authenticate(session, message);
      else if (message[0] === MessageCode.ABORT) session.closeQuietly(CLOSE_NORMAL, '', message[2]);
      else session.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} received during authentication`);
      return;
    case SessionState.CLOSING:
      // After our GOODBYE only the client's GOODBYE matters; anything else in flight is dropped.
      if (message[0] === MessageCode.GOODBYE) session.closeOnGoodbyeReply();
      return;
    default:
      return;
  }
}

/** Handles one message of an established session that waits for nothing (`session.held` is null). */
function established(session: RouterSession, message: Message): void {
  const realm = session.realm!;
  switch (message[0]) {
    case MessageCode.PUBLISH:
      authorize(session, realm, message, 'publish');
      return;
    case MessageCode.SUBSCRIBE:
      authorize(session, realm, message, 'subscribe');
      return;
    case MessageCode.UNSUBSCRIBE:
      realm.broker.unsubscribe(session, message);
      return;
    case MessageCode.CALL:
      // Further input of a progressive call invocation was authorized with its first CALL.
      if (session.calls.has(message[1])) realm.dealer.call(session, message, 'allow');
      else authorize(session, realm, message, 'call');
      return;
    case MessageCode.REGISTER:
      authorize(session, realm, message, 'register');
      return;
    case MessageCode.UNREGISTER: {
      const pending = realm.dealer.unregister(session, message);
      if (pending !== undefined) waitFor(session, pending);
      return;
    }
    case MessageCode.CANCEL:
      realm.dealer.cancel(session, message);
      return;
    case MessageCode.YIELD:
      realm.dealer.yield(session, message);
      return;
    case MessageCode.ERROR:
      if (message[1] === MessageCode.INVOCATION) realm.dealer.invocationError(session, message);
      else
        session.abort(
          ErrorUri.PROTOCOL_VIOLATION,
          `ERROR for ${messageName(message[1]) ?? message[1]} may only come from the router`,
        );
      return;
    case MessageCode.GOODBYE:
      session.answerGoodbye(message[2]);
      return;
    case MessageCode.ABORT:
      session.closeQuietly(CLOSE_NORMAL, '', message[2]);
      return;
    case MessageCode.HELLO:
      session.abort(ErrorUri.PROTOCOL_VIOLATION, 'HELLO received on an established session');
      return;
    default:
      session.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} may not be sent by a client`);
      return;
  }
}
