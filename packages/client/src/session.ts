// RawSession, the untyped session engine: calls, registrations, subscriptions and publications over one connection.
import {
  CloseUri,
  call,
  cancel,
  type KwArgs,
  type Message,
  MessageCode,
  publish,
  WampError,
  type WelcomeDetails,
} from '@wamp/protocol';
import { Callee, type RawHandler, type Registration } from './callee.js';
import { Connection, type SessionEvents, type SessionState } from './connection.js';
import { abortReason, type ConnectionClosedError } from './errors.js';
import { type EventStream, type EventStreamOptions, openEventStream } from './event-stream.js';
import { type ConnectOptions, resolveOptions } from './options.js';
import { type CallOwner, Deferred, PendingCall, PendingRequests } from './requests.js';
import { type EventSink, Subscriber, type Subscription } from './subscriber.js';
import type { SessionTracer } from './tracing.js';
import type { CallOptions, PublishOptions, RawResult, RegisterOptions, SubscribeOptions, WampEvent } from './types.js';

/** A callback subscriber: a throw is reported, and the other handlers still get the event. */
class CallbackSink implements EventSink {
  constructor(
    private readonly handler: (event: WampEvent) => void,
    private readonly connection: Connection,
  ) {}

  push(event: WampEvent): void {
    try {
      this.handler(event);
    } catch (error) {
      this.connection.reportError(error);
    }
  }

  end(): void {}
}

/** A progressive call invocation in progress: more input, the last input, and the callee's result. */
export interface ProgressiveInput {
  /** The final result, as `call` would give it. */
  readonly result: Promise<RawResult>;
  /** Sends another chunk of input. */
  send(args?: unknown[], kwargs?: KwArgs): void;
  /** Sends the last chunk of input. */
  end(args?: unknown[], kwargs?: KwArgs): void;
}

/**
 * The untyped WAMP session engine: one session over a transport, rejoined after reconnects. Any URI is accepted,
 * and call results always come as `{ args, kwargs, details }`. Most code uses the typed `Session`, whose `raw`
 * property is this engine.
 *
 * @example
 * ```ts
 * const raw = await RawSession.open({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1' });
 * const { args, kwargs } = await raw.call('com.example.add', [1, 2]);
 * ```
 */
export class RawSession {
  private readonly connection: Connection;
  private readonly requests = new PendingRequests();
  private readonly callee: Callee;
  private readonly subscriber: Subscriber;
  private readonly callOwner: CallOwner;
  /** Trace context for CALL and PUBLISH options, while the `tracing` option is on. */
  private readonly tracer: SessionTracer | null;

  private constructor(options: ConnectOptions) {
    const resolved = resolveOptions(options);
    this.tracer = resolved.tracing;
    this.connection = new Connection(resolved, {
      dispatch: (message) => this.dispatch(message),
      restore: async () => {
        await Promise.all([...this.callee.restore(), ...this.subscriber.restore()]);
      },
      lost: (error) => this.lost(error),
      ended: () => {
        this.callee.ended();
        this.subscriber.ended();
      },
    });
    this.callee = new Callee(this.connection, this.requests, this.tracer);
    this.subscriber = new Subscriber(this.connection, this.requests, this.tracer);
    this.callOwner = { abandon: (id) => this.abandon(id) };
  }

  /**
   * Validates the options, connects, joins the realm and resolves once the session is open. Rejects with the
   * router's ABORT as a `WampError` (its `message` with the router's explanation), a `ConnectionError` when no
   * connection opens, a `ConnectionClosedError` when it closes before WELCOME, a `TypeError` naming a bad
   * option, or the signal's reason; a failed first connection is not retried (see `Session.connect`).
   *
   * @example
   * ```ts
   * const raw = await RawSession.open({ url, realm: 'realm1', reconnect: false });
   * ```
   */
  static async open(options: ConnectOptions): Promise<RawSession> {
    const session = new RawSession(options);
    await session.connection.open(options.signal);
    return session;
  }

  /** The router's session ID; 0 while not joined. */
  get id(): number {
    return this.connection.id;
  }

  /** The router's WELCOME details (roles, features, authid, authrole) from the latest join. */
  get welcome(): WelcomeDetails {
    return this.connection.welcome;
  }

  /** `connecting`, `open`, `closing` or `closed`. */
  get state(): SessionState {
    return this.connection.state;
  }

  /** The state as WebSocket's `readyState` number (0–3). */
  get readyState(): 0 | 1 | 2 | 3 {
    return this.connection.readyState;
  }

  /** Bytes queued for sending and not yet written to the network. */
  get bufferedAmount(): number {
    return this.connection.bufferedAmount;
  }

  /**
   * Listens to `state`, `open`, `close` or `error`; returns a function that stops listening.
   *
   * @example
   * ```ts
   * const off = raw.on('close', ({ code, willReconnect }) => console.log(code, willReconnect));
   * ```
   */
  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    return this.connection.on(event, listener);
  }

  /**
   * Hands an error to the session's `error` listeners, or to `console.error` when there are none. The session
   * reports its own this way: a handler that threw, a restore the router refused, a protocol violation.
   *
   * @example
   * ```ts
   * raw.subscribe('com.example.tick', (event) => render(event).catch((e) => raw.reportError(e)));
   * ```
   */
  reportError(error: unknown): void {
    this.connection.reportError(error);
  }

  /**
   * True when the router announced `feature` for `role` in WELCOME.
   *
   * @example
   * ```ts
   * if (raw.routerSupports('dealer', 'call_canceling')) console.log('CANCEL reaches the callee');
   * ```
   */
  routerSupports(role: 'broker' | 'dealer', feature: string): boolean {
    return this.connection.routerSupports(role, feature);
  }

  /**
   * Resolves once the outbound queue is below its high-water mark; rejects with a `ConnectionClosedError` if the
   * connection closes first.
   *
   * @example
   * ```ts
   * if (raw.bufferedAmount > 1 << 20) await raw.drain();
   * ```
   */
  drain(): Promise<void> {
    return this.connection.drain();
  }

  /**
   * Calls a procedure; resolves with every part of the result. Rejects with a `WampError` (the callee's or the
   * router's), a `ConnectionClosedError`, or the signal's reason / a `TimeoutError` at once on abort or timeout.
   *
   * @example
   * ```ts
   * const { args, kwargs } = await raw.call('com.example.search', ['wamp'], { kwargs: { limit: 10 }, timeout: 5_000 });
   * ```
   */
  call(procedure: string, args?: unknown[], options?: CallOptions): Promise<RawResult> {
    const started = this.startCall(procedure, args, options, false);
    return started instanceof PendingCall ? started.promise : started;
  }

  /**
   * A progressive call invocation: the first chunk of input goes out now, more with `send`, the last with `end`;
   * the callee sees one invocation with all of them. Needs a router announcing `progressive_call_invocations`.
   *
   * @example
   * ```ts
   * const upload = raw.callWithInput('com.example.upload', [chunk1]);
   * upload.send([chunk2]);
   * upload.end([chunk3]);
   * const { args } = await upload.result;
   * ```
   */
  callWithInput(procedure: string, args?: unknown[], options?: CallOptions): ProgressiveInput {
    if (!this.connection.routerSupports('dealer', 'progressive_call_invocations')) {
      const refused = Promise.reject(new TypeError('the router does not announce progressive_call_invocations'));
      return { result: refused, send() {}, end() {} };
    }
    const started = this.startCall(procedure, args, options, true);
    if (!(started instanceof PendingCall)) return { result: started, send() {}, end() {} };
    let open = true;
    const chunk = (final: boolean, more?: unknown[], kwargs?: KwArgs) => {
      if (!open || this.requests.get(started.id) !== started) return;
      open = !final;
      this.connection.send(call(started.id, final ? {} : { progress: true }, procedure, more, kwargs));
    };
    return {
      result: started.promise,
      send: (more, kwargs) => chunk(false, more, kwargs),
      end: (more, kwargs) => chunk(true, more, kwargs),
    };
  }

  /** Sends a CALL and tracks it; a rejected promise when it cannot be sent. */
  private startCall(
    procedure: string,
    args: unknown[] | undefined,
    options: CallOptions | undefined,
    progressiveInput: boolean,
  ): PendingCall | Promise<never> {
    if (this.connection.state !== 'open') return Promise.reject(this.connection.notOpen(`call ${procedure}`));
    let wampOptions: Record<string, unknown> = {};
    let kwargs: CallOptions['kwargs'];
    let signal: AbortSignal | undefined;
    let timeout: number | undefined;
    let onProgress: CallOptions['onProgress'];
    if (options !== undefined) {
      ({ signal, timeout, kwargs, onProgress, ...wampOptions } = options);
      if (signal?.aborted) return Promise.reject(abortReason(signal));
      if (timeout !== undefined && timeout > 0 && this.connection.routerSupports('dealer', 'call_timeout')) {
        wampOptions.timeout = timeout;
      }
      if (onProgress !== undefined && this.connection.routerSupports('dealer', 'progressive_call_results')) {
        wampOptions.receive_progress = true;
      }
    }
    if (progressiveInput) wampOptions.progress = true;
    this.tracer?.inject(wampOptions);
    const pending = new PendingCall(this.callOwner, procedure, signal, timeout, onProgress);
    pending.id = this.requests.add(pending);
    this.connection.send(call(pending.id, wampOptions, procedure, args, kwargs));
    return pending;
  }

  /**
   * Registers a procedure whose handler gets the whole invocation and returns `{ args, kwargs }` (or nothing).
   * It is registered again after every reconnect.
   *
   * @example
   * ```ts
   * await raw.register('com.example.both', ({ args, kwargs }) => ({ args: [args.length], kwargs }));
   * ```
   */
  register(procedure: string, handler: RawHandler, options: RegisterOptions = {}): Promise<Registration> {
    return this.callee.register(procedure, handler, options);
  }

  /**
   * Subscribes a callback (or an {@link EventSink}) to a topic, resolving once the router confirmed. It is
   * subscribed again after every reconnect.
   *
   * @example
   * ```ts
   * await raw.subscribe('com.example.tick', ({ args, kwargs, details }) => console.log(args, kwargs, details));
   * ```
   */
  subscribe(
    topic: string,
    handler: ((event: WampEvent) => void) | EventSink,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const sink = typeof handler === 'function' ? new CallbackSink(handler, this.connection) : handler;
    return this.subscriber.subscribe(topic, sink, options);
  }

  /**
   * Events of a topic as an async iterator with a bounded buffer (see `Session.events`).
   *
   * @example
   * ```ts
   * for await (const { args, kwargs } of raw.events('com.example.tick', { buffer: 64 })) console.log(args, kwargs);
   * ```
   */
  events(topic: string, options: EventStreamOptions = {}): EventStream {
    return openEventStream(options, (sink, subscribeOptions) =>
      this.subscriber.subscribe(topic, sink, subscribeOptions),
    );
  }

  /**
   * Publishes an event. Resolves once sent, or with `acknowledge: true` once the broker confirmed it.
   *
   * @example
   * ```ts
   * await raw.publish('com.example.tick', [1], { kwargs: { source: 'sensor' }, acknowledge: true });
   * ```
   */
  publish(topic: string, args?: unknown[], options?: PublishOptions): Promise<void> {
    if (this.connection.state !== 'open') return Promise.reject(this.connection.notOpen(`publish to ${topic}`));
    if (options === undefined) {
      const traced = {};
      this.tracer?.inject(traced);
      this.connection.send(publish(this.requests.nextId(), traced, topic, args));
      return Promise.resolve();
    }
    const { kwargs, ...wampOptions } = options;
    this.tracer?.inject(wampOptions);
    if (wampOptions.acknowledge !== true) {
      this.connection.send(publish(this.requests.nextId(), wampOptions, topic, args, kwargs));
      return Promise.resolve();
    }
    const request = new Deferred<unknown>();
    this.connection.send(publish(this.requests.add(request), wampOptions, topic, args, kwargs));
    return request.promise.then(ignore);
  }

  /**
   * Leaves the realm (GOODBYE with `reason`), closes the connection, and settles everything pending; no reconnect
   * follows. Resolves once the connection is closed.
   *
   * @example
   * ```ts
   * await raw.close();
   * ```
   */
  close(reason: string = CloseUri.CLOSE_REALM): Promise<void> {
    return this.connection.close(reason);
  }

  private dispatch(message: Message): boolean {
    switch (message[0]) {
      case MessageCode.RESULT:
        if (message[2].progress === true) this.requests.get(message[1])?.progress?.(message);
        else this.requests.take(message[1])?.settle(message);
        return true;
      case MessageCode.REGISTERED:
      case MessageCode.SUBSCRIBED:
      case MessageCode.PUBLISHED:
        this.requests.take(message[1])?.settle(message);
        return true;
      case MessageCode.UNREGISTERED:
        if (message[1] === 0) this.callee.revoked(message[2]);
        else this.requests.take(message[1])?.settle(message);
        return true;
      case MessageCode.UNSUBSCRIBED:
        if (message[1] === 0) this.subscriber.revoked(message[2]);
        else this.requests.take(message[1])?.settle(message);
        return true;
      case MessageCode.ERROR:
        this.requests
          .take(message[2])
          ?.fail(new WampError(message[4], message[5] ?? [], { kwargs: message[6] ?? {}, details: message[3] }));
        return true;
      case MessageCode.EVENT:
        this.subscriber.event(message);
        return true;
      case MessageCode.INVOCATION:
        this.callee.invoke(message);
        return true;
      case MessageCode.INTERRUPT:
        this.callee.interrupt(message);
        return true;
      default:
        return false;
    }
  }

  private lost(error: ConnectionClosedError): void {
    this.requests.rejectAll(error);
    this.callee.lost();
    this.subscriber.lost();
  }

  /** A call gave up (abort or timeout): forget it, and CANCEL it when the router can. */
  private abandon(id: number): void {
    if (this.requests.take(id) === undefined) return;
    // Without call canceling on the router, a late RESULT is simply dropped.
    if (this.connection.routerSupports('dealer', 'call_canceling')) {
      this.connection.send(cancel(id, { mode: 'killnowait' }));
    }
  }
}

function ignore(): void {}
