/**
 * How long to wait before reconnect attempt `attempt` (1-based), in milliseconds.
 *
 * @example
 * ```ts
 * const linear: RetryDelay = (attempt) => Math.min(attempt * 1_000, 10_000);
 * ```
 */
export type RetryDelay = (attempt: number) => number;

/**
 * Exponential backoff with full jitter: a random delay between 0 and `min(maxMs, baseMs · 2^(attempt-1))`.
 * Jitter spreads the reconnects of many clients after a router restart.
 *
 * @example
 * ```ts
 * const delay = exponentialBackoff({ baseMs: 250, maxMs: 30_000 });
 * delay(1); // 0–250 ms
 * delay(5); // 0–4,000 ms
 * ```
 */
export function exponentialBackoff({
  baseMs = 250,
  maxMs = 30_000,
}: {
  baseMs?: number;
  maxMs?: number;
} = {}): RetryDelay {
  return (attempt) => Math.random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}
