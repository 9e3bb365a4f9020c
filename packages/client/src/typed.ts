import { type RegisterOptions, type SubscribeOptions, WampError } from '@wamp/protocol';
import type {
  ApiDefinition,
  ArgsOf,
  EventArgsOf,
  ProcedureUri,
  ResultOf,
  StandardSchemaV1,
  TopicUri,
  Untyped,
} from './contract.js';
import { EventQueue, type EventQueueOptions } from './event-queue.js';
import { type ConnectOptions, RawSession, type Registration, type SessionState, type Subscription } from './session.js';
import type { CallOptions, Invocation, PublishOptions, WampEvent } from './types.js';

/** Options of {@link Session.connect}. */
export interface SessionOptions<Api extends ApiDefinition> extends ConnectOptions {
  /** The contract from `defineApi`: calls, registrations, publications and subscriptions are checked against it. */
  api?: Api;
}

/** Arguments of a call or publication, optional when the contract allows none (and without a contract). */
type ArgsParameter<Args extends unknown[], Options> = [] extends Args
  ? [args?: Args, options?: Options]
  : [args: Args, options?: Options];

/** An async iterator of events that also says when its subscription is in place. */
export interface EventStream<Args extends unknown[]> extends AsyncIterableIterator<WampEvent<Args>> {
  /** Resolves once the router confirmed the subscription; rejects when it refused. */
  readonly ready: Promise<void>;
  /** Events the overflow policy dropped because the consumer was slower than the publisher. */
  readonly dropped: number;
  /** Stops the stream and unsubscribes; `break` in a `for await` loop calls it. */
  return(): Promise<IteratorResult<WampEvent<Args>>>;
}

async function validated<Args extends unknown[]>(
  schema: StandardSchemaV1<unknown, Args> | undefined,
  args: unknown[],
): Promise<Args> {
  if (schema === undefined) return args as Args;
  const outcome = await schema['~standard'].validate(args);
  if (outcome.issues !== undefined) {
    throw new WampError(
      'wamp.error.invalid_argument',
      outcome.issues.map((issue) => issue.message),
    );
  }
  return outcome.value;
}

/**
 * A WAMP session. With a contract (`api`), every URI, argument list and result is type-checked; `raw` is the
 * untyped engine underneath, whose results are always `{ args, kwargs, details }`.
 *
 * @example
 * ```ts
 * const session = await Session.connect({ url: 'ws://127.0.0.1:8080/ws', realm: 'realm1', api });
 * await session.register('com.example.add', ([a, b]) => a + b);
 * const sum = await session.call('com.example.add', [1, 2]); // number
 * ```
 */
export class Session<Api extends ApiDefinition = Untyped> {
  private constructor(
    /** The untyped engine: results as `{ args, kwargs, details }`, any URI. */
    readonly raw: RawSession,
    private readonly api: Api | undefined,
  ) {}

  /**
   * Connects, joins the realm, and resolves with the open session.
   *
   * @example
   * ```ts
   * const session = await Session.connect({ url, realm: 'realm1', serializers: [cbor], signal: AbortSignal.timeout(5_000) });
   * ```
   */
  static async connect<Api extends ApiDefinition = Untyped>(options: SessionOptions<Api>): Promise<Session<Api>> {
    const { api, ...connectOptions } = options;
    return new Session<Api>(await RawSession.open(connectOptions), api);
  }

  /** The router's session ID; 0 while reconnecting. */
  get id(): number {
    return this.raw.id;
  }

  /** `connecting`, `open`, `closing` or `closed`. */
  get state(): SessionState {
    return this.raw.state;
  }

  /** The state as WebSocket's `readyState` number (0–3). */
  get readyState(): 0 | 1 | 2 | 3 {
    return this.raw.readyState;
  }

  /** Bytes queued for sending. */
  get bufferedAmount(): number {
    return this.raw.bufferedAmount;
  }

  /**
   * Listens to `state` changes, `open` (after each join), `close` (code, reason, whether it will reconnect) or
   * `error` (a handler threw, a restore failed). Returns a function that stops listening.
   *
   * @example
   * ```ts
   * session.on('state', (state) => console.log(state)); // connecting → open → …
   * ```
   */
  on: RawSession['on'] = (event, listener) => this.raw.on(event, listener);

  /**
   * Resolves once the outbound queue is below its high-water mark.
   *
   * @example
   * ```ts
   * for (const reading of readings) {
   *   await session.publish('com.example.reading', [reading]);
   *   if (session.bufferedAmount > 1 << 20) await session.drain();
   * }
   * ```
   */
  drain(): Promise<void> {
    return this.raw.drain();
  }

  /**
   * Calls a procedure and resolves with its result (the first positional result). Rejects with a `WampError`
   * for an error from the callee or router, a `ConnectionClosedError` when the connection goes, or the signal's
   * reason (`AbortError`, `TimeoutError`).
   *
   * @example
   * ```ts
   * const sum = await session.call('com.example.add', [1, 2], { timeout: 5_000 });
   * ```
   */
  async call<Uri extends ProcedureUri<Api>>(
    procedure: Uri,
    ...[args, options]: ArgsParameter<ArgsOf<Api, Uri>, CallOptions>
  ): Promise<ResultOf<Api, Uri>> {
    const result = await this.raw.call(procedure, args, options);
    return result.args[0] as ResultOf<Api, Uri>;
  }

  /**
   * Registers a procedure. The handler gets the positional arguments (validated by the contract's schema, when
   * there is one) and the invocation (kwargs, details, an `AbortSignal` that fires on INTERRUPT); what it returns
   * is the result. Throw a `WampError` to send an application error with your URI.
   *
   * @example
   * ```ts
   * await session.register('com.example.add', ([a, b]) => a + b);
   * ```
   */
  async register<Uri extends ProcedureUri<Api>>(
    procedure: Uri,
    handler: (args: ArgsOf<Api, Uri>, invocation: Invocation) => ResultOf<Api, Uri> | Promise<ResultOf<Api, Uri>>,
    options?: RegisterOptions,
  ): Promise<Registration> {
    const schema = this.api?.procedures[procedure]?.schema as StandardSchemaV1<unknown, ArgsOf<Api, Uri>> | undefined;
    return this.raw.register(
      procedure,
      async (invocation) => {
        const result = await handler(await validated(schema, invocation.args), invocation);
        return result === undefined ? undefined : { args: [result] };
      },
      options,
    );
  }

  /**
   * Publishes an event. Resolves once sent, or once the broker confirmed it with `acknowledge: true`.
   *
   * @example
   * ```ts
   * await session.publish('com.example.tick', [42], { acknowledge: true });
   * ```
   */
  async publish<Uri extends TopicUri<Api>>(
    topic: Uri,
    ...[args, options]: ArgsParameter<EventArgsOf<Api, Uri>, PublishOptions>
  ): Promise<void> {
    await this.raw.publish(topic, args, options);
  }

  /**
   * Subscribes a handler to a topic, resolving once the router confirmed. Without a handler, returns an async
   * iterator of events with a bounded buffer (see {@link Session.events}).
   *
   * @example
   * ```ts
   * const sub = await session.subscribe('com.example.tick', ([n]) => console.log(n));
   * for await (const event of session.subscribe('com.example.tick')) console.log(event.args[0]);
   * ```
   */
  subscribe<Uri extends TopicUri<Api>>(
    topic: Uri,
    handler: (args: EventArgsOf<Api, Uri>, event: WampEvent<EventArgsOf<Api, Uri>>) => void,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  subscribe<Uri extends TopicUri<Api>>(
    topic: Uri,
    options?: SubscribeOptions & EventQueueOptions,
  ): EventStream<EventArgsOf<Api, Uri>>;
  subscribe<Uri extends TopicUri<Api>>(
    topic: Uri,
    handlerOrOptions?:
      | ((args: EventArgsOf<Api, Uri>, event: WampEvent<EventArgsOf<Api, Uri>>) => void)
      | (SubscribeOptions & EventQueueOptions),
    options?: SubscribeOptions,
  ): Promise<Subscription> | EventStream<EventArgsOf<Api, Uri>> {
    if (typeof handlerOrOptions !== 'function') return this.events(topic, handlerOrOptions);
    return this.raw.subscribe(
      topic,
      (event) => handlerOrOptions(event.args as EventArgsOf<Api, Uri>, event as WampEvent<EventArgsOf<Api, Uri>>),
      options,
    );
  }

  /**
   * Events of a topic as an async iterator. A slow consumer never makes memory grow: at most `buffer` events
   * wait (default 256), and `overflow` says what happens to more: `drop-oldest` (default), `drop-newest`, or
   * `error` (the iterator throws). Leaving the loop unsubscribes.
   *
   * @example
   * ```ts
   * for await (const { args } of session.events('com.example.tick', { buffer: 64, overflow: 'drop-oldest' })) {
   *   render(args[0]);
   * }
   * ```
   */
  events<Uri extends TopicUri<Api>>(
    topic: Uri,
    options: SubscribeOptions & EventQueueOptions = {},
  ): EventStream<EventArgsOf<Api, Uri>> {
    const { buffer, overflow, ...subscribeOptions } = options;
    let subscription: Subscription | undefined;
    let stopped = false;
    const queue = new EventQueue<WampEvent<EventArgsOf<Api, Uri>>>(
      { ...(buffer !== undefined && { buffer }), ...(overflow !== undefined && { overflow }) },
      () => {
        stopped = true;
        void subscription?.unsubscribe();
      },
    );
    const ready = this.raw
      .subscribe(topic, (event) => queue.push(event as WampEvent<EventArgsOf<Api, Uri>>), subscribeOptions)
      .then((created) => {
        subscription = created;
        if (stopped) void created.unsubscribe();
      });
    ready.catch((error: unknown) => queue.fail(error));
    const offClose = this.raw.on('state', (state) => {
      if (state !== 'closed') return;
      offClose();
      queue.end();
    });
    return Object.assign(queue, {
      ready,
      get dropped() {
        return queue.dropped;
      },
    });
  }

  /**
   * Leaves the realm and closes the connection; pending calls reject and iterators end. No reconnect follows.
   *
   * @example
   * ```ts
   * await session.close();
   * ```
   */
  close(): Promise<void> {
    return this.raw.close();
  }

  /** Same as {@link Session.close}: the WAMP name for it. */
  leave(): Promise<void> {
    return this.raw.close();
  }
}
