import {
  abort,
  type CallMessage,
  CloseUri,
  type Dict,
  ErrorUri,
  goodbye,
  type HelloDetails,
  type Message,
  MessageCode,
  messageName,
  ProtocolViolation,
  type PublishMessage,
  parseMessage,
  type RegisterMessage,
  ScopedIdGenerator,
  type SubscribeMessage,
} from '@wamp/protocol';
import type { Transport, TransportCloseEvent } from '@wamp/transport';
import type { Logger } from '../logger.js';
import type { AuthChallenge } from './auth.js';
import type { Subscription } from './broker/subscriptions.js';
import type { Invocation } from './dealer/invocations.js';
import type { Registration } from './dealer/registrations.js';
import { SessionFlow } from './flow-control.js';
import { LIMIT_REACHED } from './limits.js';
import type { Testaments } from './meta/testaments.js';
import { type Action, openRealmVerdict, type Verdict } from './permissions.js';
import { rateFor } from './rate-limit.js';
import type { Realm } from './realm.js';
import type { RouterCore } from './router-core.js';

/**
 * Where a session is in its life. `AUTHENTICATING` is entered between HELLO and WELCOME when the realm
 * asks for authentication (CHALLENGE/AUTHENTICATE); `CLOSING` after the router sent GOODBYE and waits for the reply.
 */
export const SessionState = {
  AWAIT_HELLO: 0,
  AUTHENTICATING: 1,
  ESTABLISHED: 2,
  CLOSING: 3,
  CLOSED: 4,
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** WebSocket close code after an ABORT for a protocol violation (RFC 6455: "protocol error"). */
const CLOSE_PROTOCOL_ERROR = 1002;
const CLOSE_NORMAL = 1000;
/** WebSocket close code for an unexpected condition in the router (RFC 6455: "internal error"). */
const CLOSE_INTERNAL_ERROR = 1011;
/** WebSocket close code for a peer that breaks the router's policy (RFC 6455: "policy violation"). */
const CLOSE_POLICY_VIOLATION = 1008;
/**
 * How many messages a session may send while an earlier one waits (for a dynamic authorizer, or for the cluster to
 * route a new subscription's topic here). They wait, in order, rather than overtake it; a session that floods a
 * slow authorizer is dropped instead of growing the queue.
 */
const MAX_HELD_MESSAGES = 10_000;

/** The messages an authorizer decides on: each names its URI at index 3. */
type AuthorizedMessage = PublishMessage | SubscribeMessage | CallMessage | RegisterMessage;

/**
 * One client connection and the WAMP session on it. It owns the session's state machine, its outbound request
 * IDs, and reverse indexes of everything the session holds in the realm (subscriptions, registrations,
 * calls in flight either way), so leaving costs O(the session's own state).
 */
export class RouterSession {
  /** The WAMP session ID; 0 until WELCOME. */
  id = 0;
  state: SessionState = SessionState.AWAIT_HELLO;
  realm: Realm | null = null;
  /** The HELLO details' roles, kept to know which features the client announced. */
  roles: HelloDetails['roles'] = {};
  authid = '';
  authrole = '';
  authmethod = '';
  authprovider = '';
  /** WELCOME's `authextra`, when the authenticator gave one. */
  authextra: Dict | undefined = undefined;
  /** Events not sent because the session's outbound queue was past the high-water mark. */
  droppedEvents = 0;
  /** Testaments to publish when the session ends (`wamp.session.add_testament`); null until one is added. */
  testaments: Testaments | null = null;
  /** The client ended the session with GOODBYE: testaments are then published only if asked to. */
  saidGoodbye = false;
  /** While AUTHENTICATING: the challenge sent, and the realm and ID the session will get. */
  pendingAuth: { realm: string; id: number; challenge: AuthChallenge } | null = null;

  readonly transport: Transport;
  readonly log: Logger;
  /** Position of the transport's serializer in the router's list, for encode-once fan-out. */
  readonly serializerIndex: number;
  /** Request IDs of the router→client direction (INVOCATION). */
  readonly outboundRequests = new ScopedIdGenerator();
  readonly subscriptions = new Set<Subscription>();
  readonly registrations = new Set<Registration>();
  /** Invocations this session serves as callee, by INVOCATION request ID. */
  readonly invocations = new Map<number, Invocation>();
  /** Calls this session made as caller and that are in flight, by CALL request ID. */
  readonly calls = new Map<number, Invocation>();
  /** Backpressure, the outbound hard limit and the rate limit; null for the router's internal session. */
  readonly flow: SessionFlow | null;

  private readonly core: RouterCore;
  /** Set while the router shuts down: the GOODBYE reply (or the grace period) ends the connection with 1001. */
  private closeCodeAfterGoodbye = CLOSE_NORMAL;
  /** Messages that arrived while an earlier one waits (authorizer, cluster); null when none is waiting. */
  private held: Message[] | null = null;
  /** The HELLO deadline, or the grace for an answer to our GOODBYE; null when neither runs. */
  private deadline: NodeJS.Timeout | null = null;

  /** Called at the session's first WELCOME (the connection guard stops counting the connection as pending). */
  onJoined: (() => void) | null = null;

  /**
   * @param trusted - the router's own internal session (the meta API): it may register and publish `wamp.` URIs,
   * always learns who calls it, and is left out of session counts and meta events.
   */
  constructor(
    core: RouterCore,
    transport: Transport,
    serializerIndex: number,
    readonly trusted = false,
  ) {
    this.core = core;
    this.transport = transport;
    this.serializerIndex = serializerIndex;
    this.log = core.log.child({ peer: transport.peer.remoteAddress, protocol: transport.protocol });
    this.flow = trusted ? null : new SessionFlow(this, core.options.limits.outboundHardLimit);
    if (this.flow !== null) transport.ondrain = this.flow.onDrain;
    transport.onmessage = this.onMessage;
    transport.ondecodeerror = this.onDecodeError;
    transport.onclose = this.onClose;
  }

  /** Sends one message; a no-op once the transport is closing. */
  send(message: Message): void {
    this.transport.send(message);
    this.flow?.afterWrite();
  }

  /** False while the session's outbound queue is past the high-water mark. */
  isWritable(): boolean {
    return this.transport.isWritable();
  }

  /** True when the client announced `feature` for `role` in HELLO. */
  supports(role: keyof HelloDetails['roles'], feature: string): boolean {
    return this.roles[role]?.features?.[feature] === true;
  }

  /**
   * Ends the session with ABORT and closes the connection. Used for protocol violations and for handshakes
   * the router refuses; the log line says why.
   */
  abort(reason: string, message: string, closeCode = CLOSE_PROTOCOL_ERROR): void {
    if (this.state === SessionState.CLOSED) return;
    this.log.warn({ session: this.id || undefined, reason, detail: message }, 'session aborted');
    this.send(abort({ message }, reason));
    this.leaveRealm();
    this.state = SessionState.CLOSED;
    this.transport.close(closeCode, reason.slice(0, 123));
  }

  /**
   * Starts a router-initiated close: GOODBYE with `reason`, then the connection closes with `closeCode`
   * when the client answers (or when the router's grace period ends).
   */
  goodbye(reason: string, closeCode = CLOSE_NORMAL, message?: string): void {
    if (this.state !== SessionState.ESTABLISHED) {
      if (this.state !== SessionState.CLOSED) this.transport.close(closeCode, reason.slice(0, 123));
      return;
    }
    this.send(goodbye(message === undefined ? {} : { message }, reason));
    this.leaveRealm();
    this.state = SessionState.CLOSING;
    this.closeCodeAfterGoodbye = closeCode;
    const graceMs = this.core.options.limits.goodbyeGraceMs;
    this.setDeadline(graceMs, () => {
      this.log.warn({ session: this.id, reason, graceMs }, 'connection cut: GOODBYE not answered within the grace');
      this.closeQuietly(closeCode, reason);
    });
  }

  /**
   * Starts the HELLO deadline: unless a session is established (WELCOME) within `ms`, the connection is closed with
   * 1008 and no ABORT. It runs through CHALLENGE/AUTHENTICATE: a handshake stuck there holds a descriptor as well.
   */
  expectHello(ms: number): void {
    this.setDeadline(ms, () => {
      this.log.warn({ helloTimeoutMs: ms }, 'connection cut: no session established within the HELLO deadline');
      this.closeQuietly(CLOSE_POLICY_VIOLATION, 'no session within the HELLO deadline');
    });
  }

  /** Arms the connection's one deadline (replacing any), unref'd: it must not keep the process alive. */
  private setDeadline(ms: number, expire: () => void): void {
    this.clearDeadline();
    this.deadline = setTimeout(() => {
      this.deadline = null;
      // A connection already closing for another reason is not cut (nor logged) twice.
      if (this.state !== SessionState.CLOSED) expire();
    }, ms);
    this.deadline.unref?.();
  }

  private clearDeadline(): void {
    if (this.deadline !== null) clearTimeout(this.deadline);
    this.deadline = null;
  }

  /** Called once the handshake admitted the session into `realm` under `id`. */
  establish(realm: Realm, id: number): void {
    this.id = id;
    this.realm = realm;
    this.state = SessionState.ESTABLISHED;
    this.clearDeadline();
    this.onJoined?.();
    this.onJoined = null;
    this.flow?.limitRate(rateFor(this.core.options.limits.rateLimit, realm.name, this.authrole));
  }

  /**
   * Closes the connection with 1008 over a broken limit (`reason` names it). The session leaves its realm on a
   * microtask, so the send or read that found the breach finishes with the realm's tables as it found them.
   */
  cut(reason: string): void {
    if (this.state === SessionState.CLOSED) return;
    this.transport.close(CLOSE_POLICY_VIOLATION, reason);
    queueMicrotask(this.leaveAfterCut);
  }

  private readonly leaveAfterCut = (): void => {
    this.closeQuietly(CLOSE_POLICY_VIOLATION);
  };

  private leaveRealm(): void {
    const realm = this.realm;
    if (realm === null) return;
    this.realm = null;
    realm.leave(this);
    this.core.sessionsById.delete(this.id);
  }

  private readonly onMessage = (raw: unknown, frameBytes: number): void => {
    const flow = this.flow;
    // Charged before parsing, so a flood of malformed frames is held to the rate like any other.
    if (flow !== null && flow.buckets !== null && !flow.admit(frameBytes)) return;
    let message: Message;
    try {
      message = parseMessage(raw);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.handleSafely(message);
    flow?.afterRead();
  };

  private handleSafely(message: Message): void {
    try {
      this.handle(message);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A malformed message aborts the session; a bug of ours costs this one session, never the process. */
  private fail(error: unknown): void {
    if (this.trusted) {
      // The realm's meta API and dynamic authentication live in this session: a defect in one of its messages
      // costs that message only.
      this.log.error({ session: this.id, err: error }, "a message of the router's internal session was refused");
      return;
    }
    if (error instanceof ProtocolViolation) {
      this.abort(ErrorUri.PROTOCOL_VIOLATION, error.message);
      return;
    }
    // The spec has no ABORT reason for an internal error, so the close code (1011) says it.
    this.log.error({ session: this.id, err: error }, 'internal error while handling a message');
    this.closeQuietly(CLOSE_INTERNAL_ERROR, 'internal error');
  }

  private handle(message: Message): void {
    switch (this.state) {
      case SessionState.AWAIT_HELLO:
        if (message[0] === MessageCode.HELLO) this.core.handshake(this, message);
        else this.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} received before HELLO`);
        return;
      case SessionState.ESTABLISHED:
        if (this.held === null) this.dispatch(message);
        else this.hold(message);
        return;
      case SessionState.AUTHENTICATING:
        if (message[0] === MessageCode.AUTHENTICATE) this.core.authenticate(this, message);
        else if (message[0] === MessageCode.ABORT) this.closeQuietly();
        else this.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} received during authentication`);
        return;
      case SessionState.CLOSING:
        // After our GOODBYE only the client's GOODBYE matters; anything else in flight is dropped.
        if (message[0] === MessageCode.GOODBYE) {
          this.clearDeadline();
          this.state = SessionState.CLOSED;
          this.transport.close(this.closeCodeAfterGoodbye, CloseUri.GOODBYE_AND_OUT);
        }
        return;
      default:
        return;
    }
  }

  private dispatch(message: Message): void {
    const realm = this.realm!;
    switch (message[0]) {
      case MessageCode.PUBLISH:
        this.authorize(realm, message, 'publish');
        return;
      case MessageCode.SUBSCRIBE:
        this.authorize(realm, message, 'subscribe');
        return;
      case MessageCode.UNSUBSCRIBE:
        realm.broker.unsubscribe(this, message);
        return;
      case MessageCode.CALL:
        // Further input of a progressive call invocation was authorized with its first CALL.
        if (this.calls.has(message[1])) realm.dealer.call(this, message, 'allow');
        else this.authorize(realm, message, 'call');
        return;
      case MessageCode.REGISTER:
        this.authorize(realm, message, 'register');
        return;
      case MessageCode.UNREGISTER: {
        const pending = realm.dealer.unregister(this, message);
        if (pending !== undefined) this.waitFor(pending);
        return;
      }
      case MessageCode.CANCEL:
        realm.dealer.cancel(this, message);
        return;
      case MessageCode.YIELD:
        realm.dealer.yield(this, message);
        return;
      case MessageCode.ERROR:
        if (message[1] === MessageCode.INVOCATION) realm.dealer.invocationError(this, message);
        else
          this.abort(
            ErrorUri.PROTOCOL_VIOLATION,
            `ERROR for ${messageName(message[1]) ?? message[1]} may only come from the router`,
          );
        return;
      case MessageCode.GOODBYE:
        this.send(goodbye({}, CloseUri.GOODBYE_AND_OUT));
        this.saidGoodbye = true;
        this.leaveRealm();
        // The transport may carry a new session after GOODBYE; the client usually closes it instead.
        this.state = SessionState.AWAIT_HELLO;
        this.id = 0;
        this.testaments = null;
        this.saidGoodbye = false;
        if (!this.trusted) this.expectHello(this.core.options.limits.helloTimeoutMs);
        return;
      case MessageCode.ABORT:
        this.log.info({ session: this.id, reason: message[2] }, 'client aborted the session');
        this.closeQuietly();
        return;
      case MessageCode.HELLO:
        this.abort(ErrorUri.PROTOCOL_VIOLATION, 'HELLO received on an established session');
        return;
      default:
        this.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} may not be sent by a client`);
        return;
    }
  }

  /**
   * Asks the realm's authorizer about the message's URI, then routes it. When a dynamic authorizer must be asked,
   * the session's later messages are held until it answers, so nothing overtakes the message (publication order
   * and call order stay as the client sent them).
   */
  private authorize(realm: Realm, message: AuthorizedMessage, action: Action): void {
    const authorizer = realm.authorizer;
    const verdict =
      authorizer === null ? openRealmVerdict(action, message[3]) : authorizer.check(this, action, message[3]);
    if (typeof verdict === 'string') {
      this.route(realm, message, verdict);
      return;
    }
    this.held = [];
    verdict.then(
      (decided) => this.resume(realm, message, decided),
      () => this.resume(realm, message, 'deny'),
    );
  }

  /**
   * Hands the message to the broker or dealer. In a cluster, some wait for the cluster first (a subscription to a
   * topic new to this node, a registration, a call that finds no registration yet); the session's later messages
   * wait behind them.
   */
  private route(realm: Realm, message: AuthorizedMessage, verdict: Verdict): void {
    const pending = this.handOver(realm, message, verdict);
    if (pending !== undefined) this.waitFor(pending);
  }

  /** The broker's or dealer's handling of the message; a promise when it waits for the cluster. */
  private handOver(realm: Realm, message: AuthorizedMessage, verdict: Verdict): Promise<void> | undefined {
    switch (message[0]) {
      case MessageCode.PUBLISH:
        return realm.broker.publish(this, message, verdict);
      case MessageCode.SUBSCRIBE:
        return realm.broker.subscribe(this, message, verdict);
      case MessageCode.CALL:
        return realm.dealer.call(this, message, verdict);
      case MessageCode.REGISTER:
        return realm.dealer.register(this, message, verdict);
    }
  }

  /** Routes the message the authorizer decided on, then the ones held behind it, until one must wait again. */
  private resume(realm: Realm, message: AuthorizedMessage, verdict: Verdict): void {
    const held = this.held;
    this.held = null;
    // The session may have left the realm (or the connection closed) while the authorizer decided.
    if (held === null || this.state !== SessionState.ESTABLISHED || this.realm !== realm) return;
    try {
      this.route(realm, message, verdict);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.handleHeld(held);
  }

  /** Holds the session's next messages until `pending` settles, then handles them in order. */
  private waitFor(pending: Promise<void>): void {
    this.held = [];
    pending.then(
      () => {
        const held = this.held;
        this.held = null;
        if (held !== null && this.state === SessionState.ESTABLISHED) this.handleHeld(held);
      },
      (error: unknown) => this.fail(error),
    );
  }

  /** Handles held messages in order, until one starts a new wait: the rest then waits behind it. */
  private handleHeld(held: Message[]): void {
    for (let i = 0; i < held.length; i++) {
      // Handling may have started a new wait (TypeScript cannot see that `this.held` changes under it).
      const waiting = this.held as Message[] | null;
      if (waiting !== null) {
        for (let j = i; j < held.length; j++) waiting.push(held[j]!);
        return;
      }
      this.handleSafely(held[i]!);
    }
  }

  private hold(message: Message): void {
    const held = this.held!;
    if (held.length >= MAX_HELD_MESSAGES) {
      this.log.warn({ session: this.id, held: held.length }, 'too many messages waiting');
      this.send(
        abort(
          { message: `more than ${MAX_HELD_MESSAGES} messages waiting for authorization or the cluster` },
          LIMIT_REACHED,
        ),
      );
      this.closeQuietly(CLOSE_POLICY_VIOLATION, LIMIT_REACHED);
      return;
    }
    held.push(message);
  }

  private closeQuietly(code = CLOSE_NORMAL, reason = ''): void {
    this.leaveRealm();
    this.state = SessionState.CLOSED;
    this.transport.close(code, reason);
  }

  private readonly onDecodeError = (error: Error): void => {
    this.abort(
      ErrorUri.PROTOCOL_VIOLATION,
      `frame could not be decoded as ${this.transport.protocol}: ${error.message}`,
    );
  };

  private readonly onClose = (event: TransportCloseEvent): void => {
    if (this.state === SessionState.ESTABLISHED || this.state === SessionState.CLOSING) {
      this.log.debug({ session: this.id, code: event.code, reason: event.reason }, 'connection closed');
    }
    this.clearDeadline();
    this.flow?.stop();
    this.leaveRealm();
    this.state = SessionState.CLOSED;
    this.core.detach(this);
  };
}
