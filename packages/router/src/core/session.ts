/**
 * One router session: its state, what it holds in the realm, sending, the ways it ends (ABORT, GOODBYE, cut,
 * close) and its deadlines, and the read path (rate charge, parse, errors) that hands each inbound message to the
 * per-state dispatch (`session-dispatch.ts`).
 */
import {
  abort,
  CloseUri,
  type Dict,
  ErrorUri,
  goodbye,
  type HelloDetails,
  type Message,
  ProtocolViolation,
  parseMessage,
  ScopedIdGenerator,
} from '@wamp/protocol';
import type { Transport, TransportCloseEvent } from '@wamp/transport';
import type { Logger } from '../logger.js';
import type { AuthChallenge } from './auth.js';
import type { Subscription } from './broker/subscriptions.js';
import type { Invocation } from './dealer/invocations.js';
import type { Registration } from './dealer/registrations.js';
import { SessionFlow } from './flow-control.js';
import type { Testaments } from './meta/testaments.js';
import { rateFor } from './rate-limit.js';
import type { Realm } from './realm.js';
import type { RouterCore } from './router-core.js';
import { handle } from './session-dispatch.js';
import {
  CLOSE_INTERNAL_ERROR,
  CLOSE_NORMAL,
  CLOSE_POLICY_VIOLATION,
  CLOSE_PROTOCOL_ERROR,
  SessionState,
} from './session-state.js';
import type { SessionTap } from './tap.js';

export { SessionState } from './session-state.js';

/**
 * One client connection and the WAMP session on it. It owns the session's state machine, its outbound request
 * IDs, and reverse indexes of everything the session holds in the realm (subscriptions, registrations,
 * calls in flight either way), so leaving costs O(the session's own state).
 *
 * @example
 * ```ts
 * const session = new RouterSession(core, transport, serializerIndex);
 * session.expectHello(core.options.limits.helloTimeoutMs);
 * ```
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
  /** Messages read from the client and sent to it (EVENTs of a fan-out included), for the dashboard. */
  messagesIn = 0;
  messagesOut = 0;
  /** The dashboard's message tap while an admin watches this session; null otherwise (see `tap.ts`). */
  tap: SessionTap | null = null;
  /** Testaments to publish when the session ends (`wamp.session.add_testament`); null until one is added. */
  testaments: Testaments | null = null;
  /** The client ended the session with GOODBYE: testaments are then published only if asked to. */
  saidGoodbye = false;
  /** While AUTHENTICATING: the challenge sent, and the realm and ID the session will get. */
  pendingAuth: { realm: string; id: number; challenge: AuthChallenge } | null = null;

  readonly transport: Transport;
  /** When the session was welcomed (`Date.now()` time), for the leave line's duration; 0 before. */
  joinedAt = 0;
  private sessionLogger: Logger | null = null;
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

  /** The router the session belongs to (its handshake, options and session table). */
  readonly core: RouterCore;
  /** Set while the router shuts down: the GOODBYE reply (or the grace period) ends the connection with 1001. */
  private closeCodeAfterGoodbye = CLOSE_NORMAL;
  /** The HELLO deadline, or the grace for an answer to our GOODBYE; null when neither runs. */
  private deadline: NodeJS.Timeout | null = null;

  /**
   * Messages that arrived while an earlier one waits (authorizer, cluster); null when none is waiting. Read on
   * every message and written by the gate (`session-gate.ts`).
   */
  held: Message[] | null = null;

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
    this.flow = trusted ? null : new SessionFlow(this, core.options.limits.outboundHardLimit);
    if (this.flow !== null) transport.ondrain = this.flow.onDrain;
    transport.onmessage = this.onMessage;
    transport.ondecodeerror = this.onDecodeError;
    transport.onclose = this.onClose;
  }

  /**
   * The router's logger with this connection's peer and protocol bound. Made on first use: most sessions never
   * log a line of their own, and a child logger per join costs time and memory.
   */
  get log(): Logger {
    this.sessionLogger ??= this.core.log.child({
      peer: this.transport.peer.remoteAddress,
      protocol: this.transport.protocol,
    });
    return this.sessionLogger;
  }

  /** Sends one message; a no-op once the transport is closing. */
  send(message: Message): void {
    // The router's own session (no flow) talks to the router itself: not counted.
    if (this.flow !== null) this.core.counters.countSent(message[0]);
    this.messagesOut++;
    if (this.tap !== null) this.tap.record('out', message);
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
    this.leaveRealm(reason);
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
    this.leaveRealm(reason);
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
    this.joinedAt = Date.now();
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
    queueMicrotask(() => this.closeQuietly(CLOSE_POLICY_VIOLATION, '', reason));
  }

  /** `reason`: why the session ends, for its leave line (a reason URI, or what closed the connection). */
  private leaveRealm(reason: string): void {
    const realm = this.realm;
    if (realm === null) return;
    this.realm = null;
    realm.leave(this);
    this.core.sessionsById.delete(this.id);
    if (!this.trusted) {
      this.core.counters.leaves++;
      this.core.sessionLog.left(this, realm.name, reason);
    }
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
    if (flow !== null) this.core.counters.countReceived(message[0]);
    this.messagesIn++;
    if (this.tap !== null) this.tap.record('in', message);
    this.handleSafely(message);
    flow?.afterRead();
  };

  /** Handles one parsed message; what it throws costs this session (or, if trusted, this message) only. */
  handleSafely(message: Message): void {
    try {
      handle(this, message);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A malformed message aborts the session; a bug of ours costs this one session, never the process. */
  fail(error: unknown): void {
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

  /** Our GOODBYE was answered: the connection closes with the code `goodbye()` was given. */
  closeOnGoodbyeReply(): void {
    this.clearDeadline();
    this.state = SessionState.CLOSED;
    this.transport.close(this.closeCodeAfterGoodbye, CloseUri.GOODBYE_AND_OUT);
  }

  /**
   * The client said GOODBYE: answer it and leave the realm. The transport may carry a new session after GOODBYE;
   * the client usually closes it instead.
   */
  answerGoodbye(reason: string): void {
    this.send(goodbye({}, CloseUri.GOODBYE_AND_OUT));
    this.saidGoodbye = true;
    this.leaveRealm(reason);
    this.state = SessionState.AWAIT_HELLO;
    this.id = 0;
    this.testaments = null;
    this.saidGoodbye = false;
    if (!this.trusted) this.expectHello(this.core.options.limits.helloTimeoutMs);
  }

  /**
   * Leaves the realm and closes the connection with `code` and `reason`, without a word to the client;
   * `leaveReason` is what the leave line says.
   */
  closeQuietly(code = CLOSE_NORMAL, reason = '', leaveReason = reason || `closed with ${code}`): void {
    this.leaveRealm(leaveReason);
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
    this.leaveRealm(`connection closed with ${event.code}`);
    this.state = SessionState.CLOSED;
    this.core.detach(this);
  };
}
