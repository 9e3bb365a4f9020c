/**
 * One logical connection to a router: the join (transport, handshake, restore), the state, the session-level
 * messages (GOODBYE, ABORT, protocol violations), drain waiters, and `close()`. Reconnecting is in
 * `reconnect.ts`, opening the transport in `open-transport.ts`, leaving in `leave.ts`, the events in
 * `session-events.ts`.
 */
import {
  abort,
  CloseUri,
  ErrorUri,
  goodbye,
  type Message,
  MessageCode,
  parseMessage,
  WampError,
  type WelcomeDetails,
} from '@wamp/protocol';
import { ConnectionClosedError } from './errors.js';
import { handshake, routerSupports } from './handshake.js';
import { leave } from './leave.js';
import type { Transport, TransportCloseEvent } from './neutral-transport.js';
import { openTransport } from './open-transport.js';
import type { ResolvedOptions } from './options.js';
import { type ReconnectPolicy, retryJoin } from './reconnect.js';
import { Deferred } from './requests.js';
import { SessionEmitter, type SessionState } from './session-events.js';

export type { CloseInfo, SessionEvents, SessionState } from './session-events.js';

const READY_STATE = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

/**
 * What the session engine does for the connection.
 *
 * @example
 * ```ts
 * const host: ConnectionHost = { dispatch, restore: async () => {}, lost: (e) => requests.rejectAll(e), ended() {} };
 * ```
 */
export interface ConnectionHost {
  /** Handles a message of the open session; false when the client role never receives its type. */
  dispatch(message: Message): boolean;
  /** Registers and subscribes again after a rejoin; resolves when every request is answered. */
  restore(): Promise<void>;
  /** The transport is gone: settle every pending request with `error`. */
  lost(error: ConnectionClosedError): void;
  /** The session is over for good: forget registrations and subscriptions, end event streams. */
  ended(error: ConnectionClosedError): void;
}

/**
 * One logical connection to a router: opens the transport, runs the handshake, tracks the state, reconnects
 * with backoff after an unexpected close, and says goodbye on `close()`. Session-level messages (GOODBYE, ABORT)
 * stay here; everything else goes to the {@link ConnectionHost}.
 *
 * @example
 * ```ts
 * const connection = new Connection(resolveOptions({ url, realm: 'realm1' }), engine);
 * await connection.open();
 * ```
 */
export class Connection extends SessionEmitter {
  /** The router's session ID; 0 while not joined. */
  id = 0;
  /** The router's WELCOME details from the latest join. */
  welcome: WelcomeDetails = { roles: {} };
  /** The open transport; null between connections. */
  transport: Transport | null = null;
  private stateValue: SessionState = 'connecting';
  /** Aborted by `close()`: stops a reconnect in any phase. */
  private readonly lifetime = new AbortController();
  private joining = false;
  private finished = false;
  private closing: Promise<void> | null = null;
  private drainWaiters: Deferred<void>[] = [];
  private goodbyeReply: Deferred<void> | null = null;
  private transportClosed: Deferred<void> | null = null;
  /** The current transport's GOODBYE or ABORT reason from the router. */
  private wampReason: string | undefined;
  private lastClose: TransportCloseEvent = { code: 1006, reason: '', wasClean: false };

  constructor(
    private readonly options: ResolvedOptions,
    private readonly host: ConnectionHost,
  ) {
    super();
  }

  /** The current state. */
  get state(): SessionState {
    return this.stateValue;
  }

  /** The state as WebSocket's `readyState` number. */
  get readyState(): 0 | 1 | 2 | 3 {
    return READY_STATE[this.stateValue];
  }

  /** Bytes queued for sending; 0 while disconnected. */
  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0;
  }

  /** Connects and joins once; on failure the state is `closed` and no reconnect follows. */
  async open(signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.join(signal);
    } catch (error) {
      this.finished = true;
      this.stateValue = 'closed';
      throw error;
    }
  }

  /** True when the router announced `feature` for `role`. */
  routerSupports(role: 'broker' | 'dealer', feature: string): boolean {
    return routerSupports(this.welcome, role, feature);
  }

  /** Sends on the current transport; dropped while disconnected. */
  send(message: Message): void {
    this.transport?.send(message);
  }

  /** The error for a request made while the session is not open. */
  notOpen(action: string): ConnectionClosedError {
    const { code, reason, wasClean } = this.lastClose;
    const state = this.stateValue === 'connecting' && this.id === 0 ? 'reconnecting' : this.stateValue;
    return new ConnectionClosedError(code, reason, wasClean, `cannot ${action}: the session is ${state}, not open`);
  }

  /** Resolves once the outbound queue is below its high-water mark; rejects if the connection closes first. */
  drain(): Promise<void> {
    const transport = this.transport;
    if (transport === null || this.stateValue !== 'open') return Promise.reject(this.notOpen('drain'));
    if (transport.isWritable()) return Promise.resolve();
    const waiter = new Deferred<void>();
    this.drainWaiters.push(waiter);
    return waiter.promise;
  }

  /** Leaves the realm with GOODBYE, closes the transport and ends the session; no reconnect follows. */
  close(reason: string): Promise<void> {
    this.closing ??= this.shutdown(reason);
    return this.closing;
  }

  private async shutdown(reason: string): Promise<void> {
    if (this.finished) return;
    this.lifetime.abort(new ConnectionClosedError(1000, '', true, 'the session was closed'));
    const transport = this.transport;
    if (transport !== null) {
      const wasOpen = this.stateValue === 'open';
      this.setState('closing');
      const closed = new Deferred<void>();
      this.transportClosed = closed;
      // onMessage resolves the reply when the router answers our GOODBYE.
      this.goodbyeReply = wasOpen ? new Deferred<void>() : null;
      await leave(transport, reason, this.goodbyeReply?.promise ?? null, closed.promise);
    }
    this.finish(transport === null ? { code: 1000, reason: '', wasClean: true } : this.lastClose);
  }

  private async join(signal: AbortSignal | undefined): Promise<void> {
    const { options } = this;
    this.joining = true;
    try {
      const transport = await openTransport(options, signal, this.lifetime.signal);
      await handshake(transport, options.realm, options.auth, signal, (id, welcome) => {
        this.transport = transport;
        this.id = id;
        this.welcome = welcome;
        this.wampReason = undefined;
        transport.onmessage = this.onMessage;
        transport.ondecodeerror = this.onDecodeError;
        transport.onclose = this.onClose;
        transport.ondrain = this.onDrain;
      });
      await this.host.restore();
      if (this.transport !== transport) {
        const { code, reason, wasClean } = this.lastClose;
        throw new ConnectionClosedError(code, reason, wasClean, 'the connection closed while rejoining');
      }
    } finally {
      this.joining = false;
    }
    if (this.lifetime.signal.aborted) return;
    this.setState('open');
    this.emit('open', this.welcome);
  }

  private async reconnect(): Promise<void> {
    const gaveUp = await retryJoin(
      this.options.reconnect as ReconnectPolicy,
      this.lifetime.signal,
      // Also after a failed rejoin that got as far as a GOODBYE ('closing').
      () => this.setState('connecting'),
      (signal) => this.join(signal),
    );
    if (gaveUp !== null) this.finish({ code: this.lastClose.code, reason: gaveUp, wasClean: false });
  }

  private finish(event: TransportCloseEvent): void {
    if (this.finished) return;
    this.finished = true;
    const wampReason = this.wampReason;
    const error = new ConnectionClosedError(event.code, event.reason, event.wasClean, undefined, wampReason);
    this.host.lost(error);
    this.host.ended(error);
    this.failDrainWaiters(error);
    this.setState('closed');
    this.emit('close', { ...event, ...(wampReason !== undefined && { wampReason }), willReconnect: false });
  }

  private failDrainWaiters(error: unknown): void {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private setState(state: SessionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  /** The router broke the protocol: ABORT, stop reading, close (spec, basic profile, "Protocol errors"). */
  private violation(error: unknown): void {
    const transport = this.transport;
    if (transport === null) return;
    this.reportError(error);
    transport.onmessage = null;
    transport.send(
      abort({ message: error instanceof Error ? error.message : String(error) }, ErrorUri.PROTOCOL_VIOLATION),
    );
    transport.close(1002, 'protocol violation');
  }

  private readonly onMessage = (raw: unknown): void => {
    let message: Message;
    try {
      message = parseMessage(raw);
    } catch (error) {
      this.violation(error);
      return;
    }
    switch (message[0]) {
      case MessageCode.GOODBYE:
        if (this.goodbyeReply !== null) {
          this.goodbyeReply.resolve();
          this.goodbyeReply = null;
          return;
        }
        // The router leaves (e.g. shutting down): answer, then it closes the transport.
        this.wampReason = message[2];
        this.send(goodbye({}, CloseUri.GOODBYE_AND_OUT));
        this.setState('closing');
        return;
      case MessageCode.ABORT:
        this.wampReason = message[2];
        this.transport?.close(1000, '');
        return;
      default:
        if (!this.host.dispatch(message)) {
          this.violation(
            new WampError(ErrorUri.PROTOCOL_VIOLATION, [`unexpected message type ${message[0]} in an open session`]),
          );
        }
    }
  };

  private readonly onDecodeError = (error: Error): void => {
    this.violation(error);
  };

  private readonly onDrain = (): void => {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.resolve();
  };

  private readonly onClose = (event: TransportCloseEvent): void => {
    this.transport = null;
    this.id = 0;
    this.lastClose = event;
    const wampReason = this.wampReason;
    const error = new ConnectionClosedError(event.code, event.reason, event.wasClean, undefined, wampReason);
    this.host.lost(error);
    this.failDrainWaiters(error);
    this.transportClosed?.resolve();
    this.transportClosed = null;
    // A join in progress, or close(), takes it from here.
    if (this.joining || this.lifetime.signal.aborted) return;
    if (this.options.reconnect === false) {
      this.finish(event);
      return;
    }
    this.setState('closed');
    this.emit('close', { ...event, ...(wampReason !== undefined && { wampReason }), willReconnect: true });
    void this.reconnect();
  };
}
