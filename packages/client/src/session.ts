import {
  CloseUri,
  call,
  cancel,
  type Dict,
  ErrorUri,
  error as errorMessage,
  goodbye,
  type HelloDetails,
  hello,
  type KwArgs,
  type Message,
  MessageCode,
  parseMessage,
  publish,
  type RegisterOptions,
  register,
  type Serializer,
  type SubscribeOptions,
  subscribe,
  type UnregisteredDetails,
  unregister,
  unsubscribe,
  WampError,
  type WelcomeDetails,
  yieldResult,
} from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect, type Transport, type TransportCloseEvent } from '@wamp/transport';
import { exponentialBackoff, type RetryDelay } from './backoff.js';
import { abortReason, ConnectionClosedError } from './errors.js';
import { PendingRequests } from './requests.js';
import type { CallOptions, Invocation, PublishOptions, RawResult, RawReturn, WampEvent } from './types.js';

/** The connection's state, as WebSocket names it. */
export type SessionState = 'connecting' | 'open' | 'closing' | 'closed';

const READY_STATE: Record<SessionState, 0 | 1 | 2 | 3> = { connecting: 0, open: 1, closing: 2, closed: 3 };

/** Reconnect settings; `false` turns reconnecting off. */
export interface ReconnectOptions {
  /** Delay before attempt N (1-based). Default: exponential backoff with full jitter, 250 ms doubling up to 30 s. */
  retryDelay?: RetryDelay;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
}

/** Options of {@link RawSession.open}. */
export interface ConnectOptions {
  /** The router's WebSocket URL, e.g. `ws://127.0.0.1:8080/ws`. */
  url?: string;
  /** The realm to join. */
  realm: string;
  /** Serializers to offer, most preferred first. Default JSON; import CBOR/MessagePack from `@wamp/client/cbor` or `/msgpack`. */
  serializers?: Serializer[];
  /** Aborts the first connection attempt. */
  signal?: AbortSignal;
  /** Reconnect after an unexpected close, restoring registrations and subscriptions. Default on. */
  reconnect?: ReconnectOptions | false;
  /** Opens the transport instead of a WebSocket to `url`, e.g. `() => router.createLocalTransport()`. */
  transport?: () => Transport | Promise<Transport>;
}

/** What `close` listeners learn. */
export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
  /** True when the session will try to reconnect. */
  willReconnect: boolean;
}

interface Listeners {
  state: (state: SessionState) => void;
  open: (details: WelcomeDetails) => void;
  close: (info: CloseInfo) => void;
  error: (error: unknown) => void;
}

type RawHandler = (invocation: Invocation) => RawReturn | undefined | Promise<RawReturn | undefined>;

interface RegistrationRecord {
  readonly procedure: string;
  readonly options: RegisterOptions;
  readonly handler: RawHandler;
  /** The router's registration ID; 0 while not registered (e.g. during a reconnect). */
  id: number;
}

interface SubscriptionRecord {
  readonly topic: string;
  readonly options: SubscribeOptions;
  readonly handlers: Set<(event: WampEvent) => void>;
  id: number;
}

/** A registration; `unregister()` removes it. */
export interface Registration {
  readonly procedure: string;
  /** The router's registration ID (it changes when the session reconnects). */
  readonly id: number;
  unregister(): Promise<void>;
}

/** A subscription of one handler; `unsubscribe()` removes it. */
export interface Subscription {
  readonly topic: string;
  /** The router's subscription ID (it changes when the session reconnects). */
  readonly id: number;
  unsubscribe(): Promise<void>;
}

const CLIENT_ROLES: HelloDetails['roles'] = {
  caller: { features: { call_canceling: true, call_timeout: true } },
  callee: { features: { call_canceling: true } },
  publisher: { features: { publisher_exclusion: true } },
  subscriber: { features: {} },
};

/** The URI a callee's error goes out with when it is not a `WampError`; autobahn uses the same one. */
export const RUNTIME_ERROR_URI = 'wamp.error.runtime_error';

/**
 * The untyped WAMP session engine: one session over a transport, rejoined after reconnects. Results always come
 * as `{ args, kwargs, details }`. Most code uses the typed {@link Session}; its `raw` property is this engine.
 *
 * @example
 * ```ts
 * const raw = await RawSession.open({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1' });
 * const { args, kwargs } = await raw.call('com.example.add', [1, 2]);
 * ```
 */
export class RawSession {
  /** The session ID from the router; 0 while not joined. */
  id = 0;
  /** The router's WELCOME details (roles and features), from the latest join. */
  welcome: WelcomeDetails = { roles: {} };
  private stateValue: SessionState = 'connecting';
  private transport: Transport | null = null;
  private requests = new PendingRequests();
  /** What the application registered and subscribed: restored after every reconnect. */
  private readonly registered = new Set<RegistrationRecord>();
  private readonly subscribed = new Set<SubscriptionRecord>();
  /** The same, by the router's current IDs, for routing INVOCATION and EVENT. */
  private readonly registrations = new Map<number, RegistrationRecord>();
  private readonly subscriptions = new Map<number, SubscriptionRecord>();
  private readonly invocations = new Map<number, AbortController>();
  private readonly listeners: { [K in keyof Listeners]: Set<Listeners[K]> } = {
    state: new Set(),
    open: new Set(),
    close: new Set(),
    error: new Set(),
  };
  private drainWaiters: (() => void)[] = [];
  private closedByUser = false;
  private goodbyeReply: (() => void) | null = null;

  private constructor(private readonly options: ConnectOptions) {}

  /**
   * Connects, joins the realm and resolves once the session is open.
   *
   * @example
   * ```ts
   * const raw = await RawSession.open({ url, realm: 'realm1', reconnect: false });
   * ```
   */
  static async open(options: ConnectOptions): Promise<RawSession> {
    const session = new RawSession(options);
    await session.join(options.signal);
    return session;
  }

  /** `connecting`, `open`, `closing` or `closed`. */
  get state(): SessionState {
    return this.stateValue;
  }

  /** The state as WebSocket's `readyState` number. */
  get readyState(): 0 | 1 | 2 | 3 {
    return READY_STATE[this.stateValue];
  }

  /** Bytes queued for sending. */
  get bufferedAmount(): number {
    return this.transport?.bufferedAmount ?? 0;
  }

  /** Subscribes to session events; returns a function that unsubscribes. */
  on<K extends keyof Listeners>(event: K, listener: Listeners[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  /** True when the router announced `feature` for `role` in WELCOME. */
  routerSupports(role: 'broker' | 'dealer', feature: string): boolean {
    return this.welcome.roles[role]?.features?.[feature] === true;
  }

  /** Resolves when the outbound queue is below its high-water mark: await it in a fast publishing loop. */
  drain(): Promise<void> {
    const transport = this.transport;
    if (transport === null || this.stateValue !== 'open') return Promise.reject(this.notOpen());
    if (transport.isWritable()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  call(procedure: string, args?: unknown[], options: CallOptions = {}): Promise<RawResult> {
    if (this.stateValue !== 'open') return Promise.reject(this.notOpen());
    const { signal, timeout, kwargs, ...wampOptions } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<RawResult>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const requests = this.requests;
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const id = requests.add({
        resolve: (message) => {
          settle();
          resolve({
            args: (message[3] as unknown[]) ?? [],
            kwargs: (message[4] as KwArgs) ?? {},
            details: message[2] as Dict,
          });
        },
        reject: (reason) => {
          settle();
          reject(reason);
        },
      });
      const abandon = (reason: unknown) => {
        if (requests.take(id) === undefined) return;
        settle();
        reject(reason);
        // Without call canceling on the router, a late RESULT is simply dropped.
        if (this.routerSupports('dealer', 'call_canceling')) this.send(cancel(id, { mode: 'killnowait' }));
      };
      const onAbort = () => abandon(abortReason(signal!));
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeout !== undefined && timeout > 0) {
        timer = setTimeout(
          () => abandon(new DOMException(`call to ${procedure} timed out after ${timeout} ms`, 'TimeoutError')),
          timeout,
        );
        if (this.routerSupports('dealer', 'call_timeout')) (wampOptions as Dict).timeout = timeout;
      }
      this.send(call(id, wampOptions, procedure, args, kwargs));
    });
  }

  async register(procedure: string, handler: RawHandler, options: RegisterOptions = {}): Promise<Registration> {
    const record: RegistrationRecord = { procedure, options, handler, id: 0 };
    await this.sendRegister(record);
    return {
      procedure,
      get id() {
        return record.id;
      },
      unregister: async () => {
        const id = record.id;
        this.registered.delete(record);
        this.registrations.delete(id);
        record.id = 0;
        if (id !== 0 && this.stateValue === 'open') await this.request((request) => unregister(request, id));
      },
    };
  }

  async subscribe(
    topic: string,
    handler: (event: WampEvent) => void,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const record: SubscriptionRecord = { topic, options, handlers: new Set([handler]), id: 0 };
    await this.sendSubscribe(record);
    // The router gives every subscription to one topic the same ID: share one record, one UNSUBSCRIBE at the end.
    const existing = this.subscriptions.get(record.id);
    const shared = existing ?? record;
    shared.handlers.add(handler);
    this.subscriptions.set(shared.id, shared);
    this.subscribed.add(shared);
    return {
      topic,
      get id() {
        return shared.id;
      },
      unsubscribe: async () => {
        if (!shared.handlers.delete(handler) || shared.handlers.size > 0) return;
        const id = shared.id;
        this.subscribed.delete(shared);
        this.subscriptions.delete(id);
        shared.id = 0;
        if (id !== 0 && this.stateValue === 'open') await this.request((request) => unsubscribe(request, id));
      },
    };
  }

  async publish(topic: string, args?: unknown[], options: PublishOptions = {}): Promise<void> {
    if (this.stateValue !== 'open') throw this.notOpen();
    const { kwargs, ...wampOptions } = options;
    if (wampOptions.acknowledge === true) {
      await this.request((request) => publish(request, wampOptions, topic, args, kwargs));
      return;
    }
    this.send(publish(this.requests.nextId(), wampOptions, topic, args, kwargs));
  }

  /** Leaves the realm (GOODBYE), closes the connection, and settles everything pending. Does not reconnect. */
  async close(reason: string = CloseUri.CLOSE_REALM): Promise<void> {
    if (this.stateValue === 'closed') return;
    this.closedByUser = true;
    const transport = this.transport;
    if (transport !== null && this.stateValue === 'open') {
      this.setState('closing');
      const replied = new Promise<void>((resolve) => {
        this.goodbyeReply = resolve;
        setTimeout(resolve, 2_000);
      });
      this.send(goodbye({}, reason));
      await replied;
      transport.close(1000, CloseUri.GOODBYE_AND_OUT);
    } else {
      transport?.close(1000, '');
    }
    this.finish({ code: 1000, reason, wasClean: true });
  }

  // ------------------------------------------------------------------ connection

  private async join(signal?: AbortSignal): Promise<void> {
    this.setState('connecting');
    const transport = await (this.options.transport
      ? this.options.transport()
      : connect(this.options.url ?? '', {
          serializers: this.options.serializers ?? [jsonSerializer],
          ...(signal !== undefined && { signal }),
        }));
    this.requests = new PendingRequests();
    const welcome = await new Promise<[number, WelcomeDetails]>((resolve, reject) => {
      const onAbort = () => {
        transport.close(1000, '');
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      transport.onmessage = (raw) => {
        const message = parseMessage(raw);
        signal?.removeEventListener('abort', onAbort);
        if (message[0] === MessageCode.WELCOME) resolve([message[1], message[2]]);
        else if (message[0] === MessageCode.ABORT)
          reject(new WampError(message[2], message[3] ?? [], { kwargs: message[4] ?? {}, details: message[1] }));
        else reject(new WampError(ErrorUri.PROTOCOL_VIOLATION, [`expected WELCOME, got message type ${message[0]}`]));
      };
      transport.onclose = (event) => {
        signal?.removeEventListener('abort', onAbort);
        reject(
          new ConnectionClosedError(
            event.code,
            event.reason,
            event.wasClean,
            'the router closed the connection during the handshake',
          ),
        );
      };
      transport.send(hello(this.options.realm, { roles: CLIENT_ROLES, agent: 'wamp-client' }));
    }).catch((error: unknown) => {
      transport.close(1000, '');
      throw error;
    });
    this.transport = transport;
    [this.id, this.welcome] = welcome;
    transport.onmessage = this.onMessage;
    transport.ondecodeerror = this.onDecodeError;
    transport.onclose = this.onClose;
    transport.ondrain = this.onDrain;
    this.setState('open');
    this.emit('open', this.welcome);
  }

  private readonly onClose = (event: TransportCloseEvent): void => {
    this.transport = null;
    this.id = 0;
    const reconnect = this.options.reconnect ?? {};
    const willReconnect = !this.closedByUser && reconnect !== false;
    const error = new ConnectionClosedError(event.code, event.reason, event.wasClean);
    this.requests.rejectAll(error);
    this.abortInvocations();
    for (const record of this.registered) record.id = 0;
    for (const record of this.subscribed) record.id = 0;
    this.registrations.clear();
    this.subscriptions.clear();
    this.emit('close', { code: event.code, reason: event.reason, wasClean: event.wasClean, willReconnect });
    if (willReconnect) void this.reconnect(reconnect);
    else this.finish(event);
  };

  private async reconnect(options: ReconnectOptions): Promise<void> {
    const retryDelay = options.retryDelay ?? exponentialBackoff();
    for (let attempt = 1; options.maxAttempts === undefined || attempt <= options.maxAttempts; attempt++) {
      this.setState('connecting');
      await new Promise((resolve) => setTimeout(resolve, retryDelay(attempt)));
      if (this.closedByUser) return;
      try {
        await this.join();
      } catch {
        continue;
      }
      // Rejoined: restore what the application had, under the new session's IDs.
      for (const record of this.registered) {
        await this.sendRegister(record).catch((error: unknown) => this.emit('error', error));
      }
      for (const record of this.subscribed) {
        await this.sendSubscribe(record).then(
          () => this.subscriptions.set(record.id, record),
          (error: unknown) => this.emit('error', error),
        );
      }
      return;
    }
    this.finish({ code: 1006, reason: 'gave up reconnecting', wasClean: false });
  }

  private finish(event: { code: number; reason: string; wasClean: boolean }): void {
    if (this.stateValue === 'closed') return;
    this.requests.rejectAll(new ConnectionClosedError(event.code, event.reason, event.wasClean));
    this.abortInvocations();
    for (const waiter of this.drainWaiters) waiter();
    this.drainWaiters = [];
    this.registered.clear();
    this.subscribed.clear();
    this.registrations.clear();
    this.subscriptions.clear();
    this.setState('closed');
  }

  private notOpen(): ConnectionClosedError {
    return new ConnectionClosedError(
      1006,
      '',
      false,
      `the session is ${this.stateValue}, not open: the call was not sent`,
    );
  }

  private setState(state: SessionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.emit('state', state);
  }

  private emit<K extends keyof Listeners>(event: K, value: Parameters<Listeners[K]>[0]): void {
    for (const listener of this.listeners[event]) (listener as (value: unknown) => void)(value);
  }

  private send(message: Message): void {
    this.transport?.send(message);
  }

  /** Sends a request built around a fresh request ID and resolves with the answer. */
  private request(build: (request: number) => Message): Promise<unknown[]> {
    if (this.stateValue !== 'open') return Promise.reject(this.notOpen());
    return new Promise((resolve, reject) => {
      const id = this.requests.add({ resolve, reject });
      this.send(build(id));
    });
  }

  private async sendRegister(record: RegistrationRecord): Promise<void> {
    const answer = await this.request((request) => register(request, record.options, record.procedure));
    record.id = answer[2] as number;
    this.registrations.set(record.id, record);
    this.registered.add(record);
  }

  private async sendSubscribe(record: SubscriptionRecord): Promise<void> {
    const answer = await this.request((request) => subscribe(request, record.options, record.topic));
    record.id = answer[2] as number;
  }

  // ------------------------------------------------------------------ inbound

  private readonly onMessage = (raw: unknown): void => {
    let message: Message;
    try {
      message = parseMessage(raw);
    } catch (error) {
      this.emit('error', error);
      this.transport?.close(1002, 'protocol violation');
      return;
    }
    switch (message[0]) {
      case MessageCode.RESULT:
      case MessageCode.REGISTERED:
      case MessageCode.SUBSCRIBED:
      case MessageCode.PUBLISHED:
        this.requests.take(message[1])?.resolve(message);
        return;
      case MessageCode.UNREGISTERED:
      case MessageCode.UNSUBSCRIBED:
        if (message[1] !== 0) this.requests.take(message[1])?.resolve(message);
        else if (message[0] === MessageCode.UNREGISTERED)
          this.onRevoked((message[2] as UnregisteredDetails | undefined)?.registration);
        return;
      case MessageCode.ERROR:
        this.requests
          .take(message[2])
          ?.reject(new WampError(message[4], message[5] ?? [], { kwargs: message[6] ?? {}, details: message[3] }));
        return;
      case MessageCode.EVENT:
        this.onEvent(message[1], { args: message[4] ?? [], kwargs: message[5] ?? {}, details: message[3] });
        return;
      case MessageCode.INVOCATION:
        this.onInvocation(message[1], message[2], message[3], message[4] ?? [], message[5] ?? {});
        return;
      case MessageCode.INTERRUPT:
        this.onInterrupt(message[1]);
        return;
      case MessageCode.GOODBYE:
        if (this.goodbyeReply !== null) {
          this.goodbyeReply();
          this.goodbyeReply = null;
        } else {
          this.send(goodbye({}, CloseUri.GOODBYE_AND_OUT));
        }
        return;
      default:
        return;
    }
  };

  private readonly onDecodeError = (error: Error): void => {
    this.emit('error', error);
    this.transport?.close(1007, 'undecodable frame');
  };

  private readonly onDrain = (): void => {
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const waiter of waiters) waiter();
  };

  private onRevoked(id: number | undefined): void {
    if (id === undefined) return;
    const record = this.registrations.get(id);
    this.registrations.delete(id);
    if (record !== undefined) this.registered.delete(record);
  }

  private onEvent(subscriptionId: number, event: WampEvent): void {
    const record = this.subscriptions.get(subscriptionId);
    if (record === undefined) return;
    for (const handler of record.handlers) {
      try {
        handler(event);
      } catch (error) {
        this.emit('error', error);
      }
    }
  }

  private onInvocation(id: number, registrationId: number, details: Dict, args: unknown[], kwargs: KwArgs): void {
    const record = this.registrations.get(registrationId);
    if (record === undefined) {
      this.send(errorMessage(MessageCode.INVOCATION, id, {}, ErrorUri.NO_SUCH_REGISTRATION));
      return;
    }
    const controller = new AbortController();
    this.invocations.set(id, controller);
    const procedure = typeof details.procedure === 'string' ? details.procedure : record.procedure;
    const answer = (message: Message) => {
      if (this.invocations.get(id) !== controller) return; // interrupted, or the connection is gone
      this.invocations.delete(id);
      this.send(message);
    };
    new Promise<RawReturn | undefined>((resolve) =>
      resolve(record.handler({ args, kwargs, details, procedure, signal: controller.signal })),
    ).then(
      (result) => answer(yieldResult(id, {}, result?.args, result?.kwargs)),
      (error: unknown) => answer(toErrorMessage(id, error)),
    );
  }

  private onInterrupt(id: number): void {
    const controller = this.invocations.get(id);
    if (controller === undefined) return;
    this.invocations.delete(id);
    controller.abort(new DOMException('the call was canceled', 'AbortError'));
    this.send(errorMessage(MessageCode.INVOCATION, id, {}, ErrorUri.CANCELED));
  }

  private abortInvocations(): void {
    for (const controller of this.invocations.values())
      controller.abort(new DOMException('connection closed', 'AbortError'));
    this.invocations.clear();
  }
}

/** A callee's failure as an ERROR: a `WampError` keeps its URI and payload; anything else sends its message only. */
function toErrorMessage(id: number, error: unknown): Message {
  if (error instanceof WampError || (error instanceof Error && error.name === 'WampError')) {
    const wamp = error as WampError;
    return errorMessage(MessageCode.INVOCATION, id, {}, wamp.uri, wamp.args, wamp.kwargs);
  }
  const message = error instanceof Error ? error.message : String(error);
  return errorMessage(MessageCode.INVOCATION, id, {}, RUNTIME_ERROR_URI, [message]);
}
