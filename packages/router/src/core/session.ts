import {
  abort,
  CloseUri,
  ErrorUri,
  goodbye,
  type HelloDetails,
  type Message,
  MessageCode,
  messageName,
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
import type { Testaments } from './meta/testaments.js';
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

  private readonly core: RouterCore;
  /** Set while the router shuts down: the GOODBYE reply (or the grace period) ends the connection with 1001. */
  private closeCodeAfterGoodbye = CLOSE_NORMAL;

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
    transport.onmessage = this.onMessage;
    transport.ondecodeerror = this.onDecodeError;
    transport.onclose = this.onClose;
  }

  /** Sends one message; a no-op once the transport is closing. */
  send(message: Message): void {
    this.transport.send(message);
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
  }

  /** Called once the handshake admitted the session into `realm` under `id`. */
  establish(realm: Realm, id: number): void {
    this.id = id;
    this.realm = realm;
    this.state = SessionState.ESTABLISHED;
  }

  private leaveRealm(): void {
    const realm = this.realm;
    if (realm === null) return;
    this.realm = null;
    realm.leave(this);
    this.core.sessionsById.delete(this.id);
  }

  private readonly onMessage = (raw: unknown): void => {
    try {
      this.handle(parseMessage(raw));
    } catch (error) {
      if (error instanceof ProtocolViolation) {
        this.abort(ErrorUri.PROTOCOL_VIOLATION, error.message);
        return;
      }
      // A bug of ours must cost this one session, never the process.
      // The spec has no ABORT reason for that, so the close code (1011) says it.
      this.log.error({ session: this.id, err: error }, 'internal error while handling a message');
      this.closeQuietly(CLOSE_INTERNAL_ERROR, 'internal error');
    }
  };

  private handle(message: Message): void {
    switch (this.state) {
      case SessionState.AWAIT_HELLO:
        if (message[0] === MessageCode.HELLO) this.core.handshake(this, message);
        else this.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} received before HELLO`);
        return;
      case SessionState.ESTABLISHED:
        this.dispatch(message);
        return;
      case SessionState.AUTHENTICATING:
        if (message[0] === MessageCode.AUTHENTICATE) this.core.authenticate(this, message);
        else if (message[0] === MessageCode.ABORT) this.closeQuietly();
        else this.abort(ErrorUri.PROTOCOL_VIOLATION, `${messageName(message[0])} received during authentication`);
        return;
      case SessionState.CLOSING:
        // After our GOODBYE only the client's GOODBYE matters; anything else in flight is dropped.
        if (message[0] === MessageCode.GOODBYE) {
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
        realm.broker.publish(this, message);
        return;
      case MessageCode.SUBSCRIBE:
        realm.broker.subscribe(this, message);
        return;
      case MessageCode.UNSUBSCRIBE:
        realm.broker.unsubscribe(this, message);
        return;
      case MessageCode.CALL:
        realm.dealer.call(this, message);
        return;
      case MessageCode.REGISTER:
        realm.dealer.register(this, message);
        return;
      case MessageCode.UNREGISTER:
        realm.dealer.unregister(this, message);
        return;
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
    this.leaveRealm();
    this.state = SessionState.CLOSED;
    this.core.detach(this);
  };
}
