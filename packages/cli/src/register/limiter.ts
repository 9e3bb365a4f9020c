// At most N tasks at once and at most M waiting: what keeps `wamp register` from starting a process per call
// without bound.

/**
 * Thrown by {@link Limiter.run} when every slot is taken and the queue is full.
 *
 * @example
 * ```ts
 * try { await limiter.run(task); } catch (error) { if (error instanceof LimiterFull) refuse(); }
 * ```
 */
export class LimiterFull extends Error {
  override readonly name = 'LimiterFull';
}

interface Waiter {
  start(): void;
}

/**
 * Runs tasks with at most `concurrency` at once; up to `queue` more wait their turn, in order; past that
 * {@link Limiter.run} refuses at once with {@link LimiterFull}. A waiting task whose signal aborts leaves the queue.
 *
 * @example
 * ```ts
 * const limiter = new Limiter(4, 100);
 * const result = await limiter.run(() => work(), signal);
 * ```
 */
export class Limiter {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(
    readonly concurrency: number,
    readonly queue: number,
  ) {}

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** Tasks waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running >= this.concurrency) await this.slot(signal);
    else this.running++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // The slot passes to the next waiter as it is: `running` stays the same.
      if (next !== undefined) next.start();
      else this.running--;
    }
  }

  private slot(signal: AbortSignal | undefined): Promise<void> {
    if (this.waiting.length >= this.queue) {
      return Promise.reject(new LimiterFull(`${this.running} running and ${this.waiting.length} waiting`));
    }
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', leave);
          resolve();
        },
      };
      const leave = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', leave, { once: true });
      this.waiting.push(waiter);
    });
  }
}
