/** What a full event buffer does with a new event. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error';

/** Options of an event iterator. */
export interface EventQueueOptions {
  /** Events held for a slow consumer. Default 256. */
  buffer?: number;
  /** When the buffer is full: drop the oldest event (default), drop the new one, or end the iterator with an error. */
  overflow?: OverflowPolicy;
}

/**
 * A bounded queue behind an async iterator: producers `push`, one consumer awaits `next()`. It never grows past
 * its buffer; `dropped` counts what the overflow policy discarded.
 *
 * @example
 * ```ts
 * const queue = new EventQueue<number>({ buffer: 2, overflow: 'drop-oldest' });
 * queue.push(1); queue.push(2); queue.push(3); // 1 is dropped
 * ```
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  dropped = 0;
  private readonly items: T[] = [];
  private readonly capacity: number;
  private readonly overflow: OverflowPolicy;
  private waiter: ((result: IteratorResult<T>) => void) | null = null;
  private failWaiter: ((error: unknown) => void) | null = null;
  private ended = false;
  private failure: unknown = undefined;
  private readonly onReturn: () => void;

  constructor(options: EventQueueOptions = {}, onReturn: () => void = () => {}) {
    this.capacity = options.buffer ?? 256;
    this.overflow = options.overflow ?? 'drop-oldest';
    this.onReturn = onReturn;
  }

  push(item: T): void {
    if (this.ended) return;
    const waiter = this.waiter;
    if (waiter !== null) {
      this.waiter = null;
      this.failWaiter = null;
      waiter({ value: item, done: false });
      return;
    }
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.dropped++;
    if (this.overflow === 'drop-oldest') {
      this.items.shift();
      this.items.push(item);
    } else if (this.overflow === 'error') {
      this.fail(new RangeError(`event buffer of ${this.capacity} overflowed: the consumer is too slow`));
    }
  }

  /** Ends the iteration once the buffered events are consumed. */
  end(): void {
    this.ended = true;
    if (this.waiter !== null && this.items.length === 0) {
      this.waiter({ value: undefined, done: true });
      this.waiter = null;
    }
  }

  /** Ends the iteration with an error, after the buffered events. */
  fail(error: unknown): void {
    this.failure = error;
    this.ended = true;
    if (this.failWaiter !== null && this.items.length === 0) {
      this.failWaiter(error);
      this.waiter = null;
      this.failWaiter = null;
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => {
      this.waiter = resolve;
      this.failWaiter = reject;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.end();
    this.onReturn();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
