/**
 * A session's gate: asks the realm's authorizer about each PUBLISH, SUBSCRIBE, CALL and REGISTER, hands the
 * message to the broker or dealer, and holds the session's later messages, in order, while an authorizer or the
 * cluster decides. The held queue itself is `RouterSession.held`, so the read path checks it with one field load.
 */
import {
  abort,
  type CallMessage,
  type Message,
  MessageCode,
  type PublishMessage,
  type RegisterMessage,
  type SubscribeMessage,
} from '@wamp/protocol';
import { LIMIT_REACHED } from './limits.js';
import { type Action, openRealmVerdict, type Verdict } from './permissions.js';
import type { Realm } from './realm.js';
import type { RouterSession } from './session.js';
import { CLOSE_POLICY_VIOLATION, SessionState } from './session-state.js';

/**
 * How many messages a session may send while an earlier one waits (for a dynamic authorizer, or for the cluster to
 * route a new subscription's topic here). They wait, in order, rather than overtake it; a session that floods a
 * slow authorizer is dropped instead of growing the queue.
 */
const MAX_HELD_MESSAGES = 10_000;

/** The messages an authorizer decides on: each names its URI at index 3. */
export type AuthorizedMessage = PublishMessage | SubscribeMessage | CallMessage | RegisterMessage;

/**
 * Asks the realm's authorizer about the message's URI, then routes it. When a dynamic authorizer must be asked,
 * the session's later messages are held until it answers, so nothing overtakes the message (publication order
 * and call order stay as the client sent them).
 *
 * @example
 * ```ts
 * case MessageCode.PUBLISH:
 *   authorize(session, realm, message, 'publish');
 * ```
 */
export function authorize(session: RouterSession, realm: Realm, message: AuthorizedMessage, action: Action): void {
  const authorizer = realm.authorizer;
  const verdict =
    authorizer === null ? openRealmVerdict(action, message[3]) : authorizer.check(session, action, message[3]);
  if (typeof verdict === 'string') {
    route(session, realm, message, verdict);
    return;
  }
  session.held = [];
  verdict.then(
    (decided) => resume(session, realm, message, decided),
    () => resume(session, realm, message, 'deny'),
  );
}

/**
 * Holds the session's next messages until `pending` settles, then handles them in order.
 *
 * @example
 * ```ts
 * const pending = realm.dealer.unregister(session, message);
 * if (pending !== undefined) waitFor(session, pending);
 * ```
 */
export function waitFor(session: RouterSession, pending: Promise<void>): void {
  session.held = [];
  pending.then(
    () => {
      const held = session.held;
      session.held = null;
      if (held !== null && session.state === SessionState.ESTABLISHED) handleHeld(session, held);
    },
    (error: unknown) => session.fail(error),
  );
}

/**
 * Queues a message that arrived while an earlier one waits (call only while `session.held` is set); past
 * {@link MAX_HELD_MESSAGES} the session is aborted instead.
 *
 * @example
 * ```ts
 * if (session.held === null) established(session, message);
 * else hold(session, message);
 * ```
 */
export function hold(session: RouterSession, message: Message): void {
  const held = session.held!;
  if (held.length >= MAX_HELD_MESSAGES) {
    session.log.warn({ session: session.id, held: held.length }, 'too many messages waiting');
    session.send(
      abort(
        { message: `more than ${MAX_HELD_MESSAGES} messages waiting for authorization or the cluster` },
        LIMIT_REACHED,
      ),
    );
    session.closeQuietly(CLOSE_POLICY_VIOLATION, LIMIT_REACHED);
    return;
  }
  held.push(message);
}

/**
 * Hands the message to the broker or dealer. In a cluster, some wait for the cluster first (a subscription to a
 * topic new to this node, a registration, a call that finds no registration yet); the session's later messages
 * wait behind them.
 */
function route(session: RouterSession, realm: Realm, message: AuthorizedMessage, verdict: Verdict): void {
  const pending = handOver(session, realm, message, verdict);
  if (pending !== undefined) waitFor(session, pending);
}

/** The broker's or dealer's handling of the message; a promise when it waits for the cluster. */
function handOver(
  session: RouterSession,
  realm: Realm,
  message: AuthorizedMessage,
  verdict: Verdict,
): Promise<void> | undefined {
  switch (message[0]) {
    case MessageCode.PUBLISH:
      return realm.broker.publish(session, message, verdict);
    case MessageCode.SUBSCRIBE:
      return realm.broker.subscribe(session, message, verdict);
    case MessageCode.CALL:
      return realm.dealer.call(session, message, verdict);
    case MessageCode.REGISTER:
      return realm.dealer.register(session, message, verdict);
  }
}

/** Routes the message the authorizer decided on, then the ones held behind it, until one must wait again. */
function resume(session: RouterSession, realm: Realm, message: AuthorizedMessage, verdict: Verdict): void {
  const held = session.held;
  session.held = null;
  // The session may have left the realm (or the connection closed) while the authorizer decided.
  if (held === null || session.state !== SessionState.ESTABLISHED || session.realm !== realm) return;
  try {
    route(session, realm, message, verdict);
  } catch (error) {
    session.fail(error);
    return;
  }
  handleHeld(session, held);
}

/** Handles held messages in order, until one starts a new wait: the rest then waits behind it. */
function handleHeld(session: RouterSession, held: Message[]): void {
  for (let i = 0; i < held.length; i++) {
    // Handling may have started a new wait.
    const waiting = session.held;
    if (waiting !== null) {
      for (let j = i; j < held.length; j++) waiting.push(held[j]!);
      return;
    }
    session.handleSafely(held[i]!);
  }
}
