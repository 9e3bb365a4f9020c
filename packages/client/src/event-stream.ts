// A subscription as an async iterator of its events (`events()`), with a buffer, and a signal that ends it.
import { abortReason } from './errors.js';
import { EventQueue, type EventQueueOptions } from './event-queue.js';
import type { EventSink, Subscription } from './subscriber.js';
import type { SubscribeOptions, WampEvent } from './types.js';

/**
 * Options of an event iterator: the subscription's options, the buffer and overflow policy, and a signal that
 * stops it.
 *
 * @example
 * ```ts
 * const options: EventStreamOptions = { match: 'prefix', buffer: 1_000, overflow: 'drop-newest', signal };
 * ```
 */
export interface EventStreamOptions extends SubscribeOptions, EventQueueOptions {
  /** Stops the iterator: the loop throws the signal's reason, and the subscription ends. */
  signal?: AbortSignal;
}

/**
 * Events of a subscription as an async iterator, with a bounded buffer. Leaving a `for await` loop (or
 * `return()`) unsubscribes; when the session closes for good the loop ends after the buffered events.
 *
 * @example
 * ```ts
 * const stream = session.subscribe('com.example.tick');
 * await stream.ready; // subscribed: publications from now on arrive
 * for await (const { args } of stream) console.log(args[0]);
 * ```
 */
export interface EventStream<Args extends unknown[] = unknown[]> extends AsyncIterableIterator<WampEvent<Args>> {
  /** Resolves once the router confirmed the subscription; rejects when it refused (and the loop throws too). */
  readonly ready: Promise<void>;
  /** Events the overflow policy dropped because the consumer was slower than the publisher. */
  readonly dropped: number;
  /** Stops the stream and unsubscribes; `break` in a `for await` loop calls it. */
  return(): Promise<IteratorResult<WampEvent<Args>>>;
}

class Stream extends EventQueue<WampEvent> implements EventStream, EventSink {
  readonly ready: Promise<void>;
  private subscription: Subscription | undefined;
  private isStopped = false;

  constructor(
    subscribe: (sink: EventSink) => Promise<Subscription>,
    queueOptions: EventQueueOptions,
    private readonly signal: AbortSignal | undefined,
  ) {
    super(queueOptions);
    if (signal?.aborted) {
      this.abort(abortReason(signal));
      this.ready = Promise.reject(abortReason(signal));
    } else {
      signal?.addEventListener('abort', this, { once: true });
      this.ready = subscribe(this).then((subscription) => {
        this.subscription = subscription;
        if (this.isStopped) void subscription.unsubscribe().catch(ignore);
      });
    }
    this.ready.catch((error: unknown) => this.end(error));
  }

  /** The signal's abort event. */
  handleEvent(): void {
    this.abort(abortReason(this.signal!));
  }

  override end(error?: unknown): void {
    super.end(error);
    this.signal?.removeEventListener('abort', this);
  }

  protected override stop(): void {
    if (this.isStopped) return;
    this.isStopped = true;
    this.signal?.removeEventListener('abort', this);
    void this.subscription?.unsubscribe().catch(ignore);
  }
}

function ignore(): void {}

/**
 * Opens an event stream: splits the stream's options from the subscription's, and calls `subscribe` with the
 * stream as the sink.
 *
 * @example
 * ```ts
 * const stream = openEventStream({ buffer: 64, match: 'prefix' }, (sink, options) =>
 *   subscriber.subscribe('com.example', sink, options),
 * );
 * ```
 */
export function openEventStream<Args extends unknown[]>(
  options: EventStreamOptions,
  subscribe: (sink: EventSink, options: SubscribeOptions) => Promise<Subscription>,
): EventStream<Args> {
  const { buffer, overflow, signal, ...subscribeOptions } = options;
  const queueOptions: EventQueueOptions = {};
  if (buffer !== undefined) queueOptions.buffer = buffer;
  if (overflow !== undefined) queueOptions.overflow = overflow;
  return new Stream((sink) => subscribe(sink, subscribeOptions), queueOptions, signal) as unknown as EventStream<Args>;
}
