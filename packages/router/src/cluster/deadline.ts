// A wait with a bound, for leaving the cluster when NATS may be gone.

/**
 * Waits for `work` (fulfilled or rejected alike), but no longer than `ms`.
 *
 * @example
 * ```ts
 * await withDeadline(connection.drain(), 2_000);
 * ```
 */
export function withDeadline(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}
