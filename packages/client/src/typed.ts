// Session, the typed session: RawSession with every URI, argument list and result checked against a contract.
import type { WelcomeDetails } from '@wamp/protocol';
import type { RawHandler, Registration } from './callee.js';
import type { SessionEvents, SessionState } from './connection.js';
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
import { type EventStream, type EventStreamOptions, openEventStream } from './event-stream.js';
import type { ConnectOptions } from './options.js';
import { type ProgressiveCall, progressiveCall } from './progressive.js';
import { RawSession } from './session.js';
import type { EventSink, Subscription } from './subscriber.js';
import type {
  CallOptions,
  Invocation,
  PublishOptions,
  RawReturn,
  RegisterOptions,
  SubscribeOptions,
  WampEvent,
} from './types.js';
import { isThenable, ValidatingSink, validateArgs } from './validation.js';

/**
 * Options of {@link Session.connect}: the connection's, plus the contract.
 *
 * @example
 * ```ts
 * const options: SessionOptions<typeof api> = { url, realm: 'realm1', api, reconnect: { maxAttempts: 20 } };
 * ```
 */
export interface SessionOptions<Api extends ApiDefinition = Untyped> extends ConnectOptions {
  /** The contract from `defineApi`: calls, registrations, publications and subscriptions are checked against it. */
  api?: Api;
}

/** Arguments of a call or publication: optional when the contract allows none (and without a contract). */
type ArgsParameter<Args extends unknown[], Options> = [] extends Args
  ? [args?: Args, options?: Options]
  : [args: Args, options?: Options];

function toReturn(value: unknown): RawReturn | undefined {
  return value === undefined ? undefined : { args: [value] };
}

/** Adapts a typed handler (arguments in, one value out) to the raw engine, validating first when asked. */
function rawHandler(
  handler: (args: never, invocation: Invocation) => unknown,
  schema: StandardSchemaV1<unknown, unknown[]> | undefined,
): RawHandler {
  const run = handler as (args: unknown[], invocation: Invocation) => unknown;
  return (invocation) => {
    const args = schema === undefined ? invocation.args : validateArgs(schema, invocation.args);
    if (isThenable(args))
      return Promise.resolve(args)
        .then((valid) => run(valid, invocation))
        .then(toReturn);
    const result = run(args, invocation);
    return isThenable(result) ? Promise.resolve(result).then(toReturn) : toReturn(result);
  };
}

/**
 * A WAMP session. With a contract (`api`), every URI, argument list and result is type-checked and a call
 * resolves with its single result; `raw` is the untyped engine underneath, whose results are always
 * `{ args, kwargs, details }`.
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
    /** The untyped engine: any URI, results as `{ args, kwargs, details }`. */
    readonly raw: RawSession,
    private readonly api: Api | undefined,
  ) {}

  /**
   * Connects, joins the realm, and resolves with the open session. A failed first connection is not retried;
   * it rejects with
   *
   * - a `WampError` when the router answers ABORT: `uri` is its reason, `message` adds the router's explanation
   *   (`wamp.error.no_such_realm: no realm named "realm2" exists on this router`);
   * - a `ConnectionError` when no connection opens: `code` is `'network'` (refused, DNS failure, TLS; the system
   *   error is the `cause`), `'http'` (the router refused the upgrade, with its `status`) or `'handshake'` (no
   *   WAMP subprotocol in common);
   * - a `ConnectionClosedError` when the connection closes before the router's WELCOME;
   * - a `TypeError` naming a bad option, or the signal's reason.
   *
   * @example
   * ```ts
   * try {
   *   const session = await Session.connect({ url, realm: 'realm1', serializers: [cbor], signal: AbortSignal.timeout(5_000) });
   * } catch (e) {
   *   if (e instanceof ConnectionError) console.error('router unreachable:', e.code, e.message);
   *   else if (isWampError(e)) console.error('router refused the session:', e.message);
   *   else throw e;
   * }
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

  /** The router's WELCOME details from the latest join: roles and features, `authid`, `authrole`. */
  get welcome(): WelcomeDetails {
    return this.raw.welcome;
  }

  /** `connecting`, `open`, `closing` or `closed`. */
  get state(): SessionState {
    return this.raw.state;
  }

  /** The state as WebSocket's `readyState` number (0–3). */
  get readyState(): 0 | 1 | 2 | 3 {
    return this.raw.readyState;
  }

  /** Bytes queued for sending and not yet written to the network. */
  get bufferedAmount(): number {
    return this.raw.bufferedAmount;
  }

  /**
   * Listens to `state` changes, `open` (after each join, once registrations and subscriptions are back), `close`
   * (code, reason, the router's reason, whether it will reconnect) or `error` (a handler threw, a restore was
   * refused, the router broke the protocol). Returns a function that stops listening.
   *
   * @example
   * ```ts
   * session.on('state', (state) => console.log(state)); // … closed → connecting → open
   * ```
   */
  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    return this.raw.on(event, listener);
  }

  /**
   * Resolves once the outbound queue is below its high-water mark; rejects if the connection closes first.
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
   * Calls a procedure and resolves with its result (the first positional result; use `raw.call` for all of
   * them). Rejects with a `WampError` from the callee or router, a `ConnectionClosedError` when the connection
   * goes, or at once with the signal's reason (abort) or a `TimeoutError` (timeout).
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
   * Calls a procedure that streams partial results (progressive call results): iterate the partial results,
   * then await `result` for the final one. A callee sends partials with `invocation.progress([value])`.
   *
   * @example
   * ```ts
   * const countdown = session.progressive('com.example.countdown', [3]);
   * for await (const n of countdown) console.log(n); // 3, 2, 1
   * console.log(await countdown.result);              // 'liftoff'
   * ```
   */
  progressive<Uri extends ProcedureUri<Api>>(
    procedure: Uri,
    ...[args, options]: ArgsParameter<ArgsOf<Api, Uri>, CallOptions>
  ): ProgressiveCall<ResultOf<Api, Uri>> {
    return progressiveCall<ResultOf<Api, Uri>>(this.raw, procedure, args, options);
  }

  /**
   * Registers a procedure. The handler gets the positional arguments (validated by the contract's schema, when
   * there is one) and the invocation (kwargs, details, an `AbortSignal` that fires on INTERRUPT); what it returns
   * is the result. Throw a `WampError` to send an error with your URI; any other exception goes out as
   * `wamp.error.runtime_error` with its message only.
   *
   * @example
   * ```ts
   * await session.register('com.example.add', ([a, b]) => a + b);
   * ```
   */
  register<Uri extends ProcedureUri<Api>>(
    procedure: Uri,
    handler: (args: ArgsOf<Api, Uri>, invocation: Invocation) => ResultOf<Api, Uri> | Promise<ResultOf<Api, Uri>>,
    options?: RegisterOptions,
  ): Promise<Registration> {
    const schema = this.api?.procedures[procedure]?.schema;
    return this.raw.register(procedure, rawHandler(handler, schema), options);
  }

  /**
   * Publishes an event. Resolves once sent, or once the broker confirmed it with `acknowledge: true`.
   *
   * @example
   * ```ts
   * await session.publish('com.example.tick', [42], { acknowledge: true });
   * ```
   */
  publish<Uri extends TopicUri<Api>>(
    topic: Uri,
    ...[args, options]: ArgsParameter<EventArgsOf<Api, Uri>, PublishOptions>
  ): Promise<void> {
    return this.raw.publish(topic, args, options);
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
  subscribe<Uri extends TopicUri<Api>>(topic: Uri, options?: EventStreamOptions): EventStream<EventArgsOf<Api, Uri>>;
  subscribe<Uri extends TopicUri<Api>>(
    topic: Uri,
    handlerOrOptions?:
      | ((args: EventArgsOf<Api, Uri>, event: WampEvent<EventArgsOf<Api, Uri>>) => void)
      | EventStreamOptions,
    options?: SubscribeOptions,
  ): Promise<Subscription> | EventStream<EventArgsOf<Api, Uri>> {
    if (typeof handlerOrOptions !== 'function') return this.events(topic, handlerOrOptions);
    const handler = handlerOrOptions as (args: unknown[], event: WampEvent) => void;
    return this.raw.subscribe(topic, this.validating(topic, new TypedSink(handler, this.raw)), options);
  }

  /**
   * Events of a topic as an async iterator. A slow consumer never makes memory grow: at most `buffer` events
   * wait (default 256), and `overflow` says what happens to more: `drop-oldest` (default), `drop-newest`, or
   * `error` (the loop throws an `EventOverflowError`). Leaving the loop unsubscribes; `signal` stops it.
   *
   * @example
   * ```ts
   * for await (const { args } of session.events('com.example.tick', { buffer: 64, overflow: 'drop-oldest' })) {
   *   render(args[0]);
   * }
   * ```
   */
  events<Uri extends TopicUri<Api>>(topic: Uri, options: EventStreamOptions = {}): EventStream<EventArgsOf<Api, Uri>> {
    return openEventStream(options, (sink, subscribeOptions) =>
      this.raw.subscribe(topic, this.validating(topic, sink), subscribeOptions),
    );
  }

  /**
   * Leaves the realm and closes the connection; pending calls reject, iterators end, and no reconnect follows.
   * Resolves once the connection is closed.
   *
   * @example
   * ```ts
   * await session.close();
   * ```
   */
  close(): Promise<void> {
    return this.raw.close();
  }

  /**
   * Same as {@link Session.close}: the WAMP name for it.
   *
   * @example
   * ```ts
   * await session.leave();
   * ```
   */
  leave(): Promise<void> {
    return this.raw.close();
  }

  private validating(topic: string, sink: EventSink): EventSink {
    const schema = this.api?.topics[topic]?.schema;
    return schema === undefined ? sink : new ValidatingSink(schema, sink, this.report);
  }

  private readonly report = (error: unknown): void => this.raw.reportError(error);
}

/** A typed callback subscriber: gets the arguments first, then the whole event. */
class TypedSink implements EventSink {
  constructor(
    private readonly handler: (args: unknown[], event: WampEvent) => void,
    private readonly raw: RawSession,
  ) {}

  push(event: WampEvent): void {
    try {
      this.handler(event.args, event);
    } catch (error) {
      this.raw.reportError(error);
    }
  }

  end(): void {}
}
