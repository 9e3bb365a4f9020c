// A fixed-bucket histogram kept as plain numbers: what the router observes per call or per publication while
// metrics are on, read by the metrics endpoint.

/**
 * Counts of observed values per bucket (`bounds` are the buckets' upper bounds, inclusive; one more bucket holds
 * the rest) and their sum. Observing is a short scan of the bounds and two additions: nothing is allocated.
 *
 * @example
 * ```ts
 * const sizes = new Histogram([1, 10, 100]);
 * sizes.observe(7); // counts: [0, 1, 0, 0]
 * ```
 */
export class Histogram {
  readonly counts: Float64Array;
  sum = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    this.counts[bucket] = this.counts[bucket]! + 1;
    this.sum += value;
  }
}
