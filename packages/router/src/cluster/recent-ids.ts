/**
 * The last `capacity` IDs seen, to drop a message that arrives twice: NATS delivers a message once per matching
 * subscription of a connection, and a node's interest subjects can overlap (`com.a.b` and `com.a.>`). Copies of
 * one message arrive back to back, so a short window suffices. O(1) per ID, fixed memory.
 *
 * @example
 * ```ts
 * const recent = new RecentIds(4096);
 * recent.firstTime(7); // true
 * recent.firstTime(7); // false
 * ```
 */
export class RecentIds {
  private readonly seen = new Set<number>();
  private readonly ring: number[];
  private next = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<number>(capacity).fill(0);
  }

  /** True the first time `id` is seen within the window, and remembers it. */
  firstTime(id: number): boolean {
    if (this.seen.has(id)) return false;
    const evicted = this.ring[this.next]!;
    if (evicted !== 0) this.seen.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
    this.seen.add(id);
    return true;
  }
}
