import { ScopedIdGenerator } from '@wamp/protocol';

/** A request waiting for its answer: how to settle it, and what to do when it is canceled. */
export interface Pending {
  resolve(message: unknown[]): void;
  reject(error: unknown): void;
}

/**
 * Outbound request IDs (session scope, 1, 2, 3 …) and the requests waiting for an answer. Every pending
 * request settles: with its answer, or with the error given to {@link rejectAll} when the connection closes.
 *
 * @example
 * ```ts
 * const id = requests.add({ resolve, reject });
 * transport.send(call(id, {}, 'com.example.add', [1, 2]));
 * ```
 */
export class PendingRequests {
  private readonly ids = new ScopedIdGenerator();
  private readonly pending = new Map<number, Pending>();

  /** Registers a request and returns its new ID. */
  add(entry: Pending): number {
    const id = this.ids.next();
    this.pending.set(id, entry);
    return id;
  }

  /** A fresh request ID for a request that expects no answer (PUBLISH without acknowledge). */
  nextId(): number {
    return this.ids.next();
  }

  /** Removes and returns the request with `id`, if still pending. */
  take(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (entry !== undefined) this.pending.delete(id);
    return entry;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Rejects every pending request with `error`. */
  rejectAll(error: unknown): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) entry.reject(error);
  }
}
