// The bounded buffer behind event iterators: an async iterator of pushed items, with a policy for when it is full.
import { EventOverflowError } from './errors.js';

/**
 * What a full event buffer does with one more event: drop the oldest buffered event, drop the new one, or end
 * the iterator with an {@link EventOverflowError}.
 *
 * @example
 * ```ts
 * const overflow: OverflowPolicy = 'drop-newest';
 * ```
 */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/**
 * Options of an event iterator.
 *
 * @example
 * ```ts
 * for await (const event of session.subscribe(topic, { buffer: 64, overflow: 'drop-oldest', signal })) {}
 * ```
 */
export interface EventQueueOptions {
  /** Events held for a slow consumer. Default 256. */
  buffer?: number;
  /** When the buffer is full: drop the oldest event (default), drop the new one, or end the iterator with an error. */
  overflow?: OverflowPolicy;
}

/** Consumed slots at the front are compacted away once there are this many and they are half the array. */
const COMPACT_AT = 1024;

/**
 * A bounded queue behind an async iterator: producers `push`, one consumer awaits `next()`. It never holds more
 * than `buffer` items; `dropped` counts what the overflow policy discarded. `onStop` runs once when the
 * consumer stops early (`return()`, `break`) or the queue fails on overflow.
 *
 * @example
 * ```ts
 * const queue = new EventQueue<number>({ buffer: 2, overflow: 'drop-oldest' });
 * queue.push(1); queue.push(2); queue.push(3); // 1 is dropped
 * ```
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  /** Items discarded by the overflow policy. */
  dropped = 0;
  private items: (T | undefined)[] = [];
  private head = 0;
  private readonly capacity: number;
  private readonly overflow: OverflowPolicy;
  private resolveNext: ((result: IteratorResult<T>) => void) | null = null;
  private rejectNext: ((error: unknown) => void) | null = null;
  private ended = false;
  private failed = false;
  private failure: unknown;
  private stopped = false;

  constructor(
    options: EventQueueOptions = {},
    private readonly onStop?: () => void,
  ) {
    const { buffer = 256, overflow = 'drop-oldest' } = options;
    if (!(Number.isInteger(buffer) && buffer >= 1)) throw new RangeError('options.buffer must be an integer >= 1');
    if (overflow !== 'drop-oldest' && overflow !== 'drop-newest' && overflow !== 'error') {
      throw new RangeError("options.overflow must be 'drop-oldest', 'drop-newest' or 'error'");
    }
    this.capacity = buffer;
    this.overflow = overflow;
  }

  /** Items waiting for the consumer. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item, or hands it straight to a waiting consumer; applies the overflow policy when full. */
  push(item: T): void {
    if (this.ended) return;
    const resolve = this.resolveNext;
    if (resolve !== null) {
      this.resolveNext = null;
      this.rejectNext = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.size < this.capacity) {
      this.items.push(item);
      return;
    }
    this.dropped++;
    if (this.overflow === 'drop-oldest') {
      this.shift();
      this.items.push(item);
    } else if (this.overflow === 'error') {
      this.end(new EventOverflowError(this.capacity));
      this.stop();
    }
  }

  /** Ends the iteration once the buffered items are consumed; with an error, the iterator then throws it. */
  end(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (error !== undefined) {
      this.failed = true;
      this.failure = error;
    }
    if (this.size > 0) return;
    const resolve = this.resolveNext;
    const reject = this.rejectNext;
    this.resolveNext = null;
    this.rejectNext = null;
    if (this.failed) reject?.(this.failure);
    else resolve?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    if (this.size > 0) return Promise.resolve({ value: this.shift(), done: false });
    if (this.failed) {
      this.failed = false;
      return Promise.reject(this.failure);
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.resolveNext = resolve;
      this.rejectNext = reject;
    });
  }

  /** Stops: discards the buffer and ends. `break` in a `for await` loop calls it. */
  return(): Promise<IteratorResult<T>> {
    this.items = [];
    this.head = 0;
    this.end();
    this.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Stops at once: discards the buffer, and a waiting or later `next()` rejects with `reason`. */
  abort(reason: unknown): void {
    this.items = [];
    this.head = 0;
    this.end(reason);
    this.stop();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Runs `onStop` once. */
  protected stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.onStop?.();
  }

  private shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}
