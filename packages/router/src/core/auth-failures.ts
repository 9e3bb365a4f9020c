/** How long the n-th failure in a row waits before its refusal goes out: 250 ms doubling, at most 8 s. */
function delayFor(failures: number): number {
  return Math.min(8_000, 250 * 2 ** Math.min(failures - 1, 5));
}

const FORGET_AFTER_MS = 15 * 60_000;
const MAX_TRACKED = 10_000;

/**
 * Slows down repeated authentication failures from one address: each failure in a row delays the refusal longer,
 * so guessing secrets gets slow while an honest typo costs a quarter second. Bounded in memory; an address is
 * forgotten after 15 minutes without failures, or after a success.
 *
 * @example
 * ```ts
 * const wait = failures.failed('203.0.113.7'); // ms to wait before sending ABORT
 * ```
 */
export class AuthFailures {
  private readonly byAddress = new Map<string, { count: number; last: number }>();

  /** Records a failure and returns how long to hold the refusal, in ms. */
  failed(address: string): number {
    const now = Date.now();
    const entry = this.byAddress.get(address);
    const count = entry !== undefined && now - entry.last < FORGET_AFTER_MS ? entry.count + 1 : 1;
    this.byAddress.delete(address);
    if (this.byAddress.size >= MAX_TRACKED) this.byAddress.delete(this.byAddress.keys().next().value!);
    this.byAddress.set(address, { count, last: now });
    return delayFor(count);
  }

  succeeded(address: string): void {
    this.byAddress.delete(address);
  }
}

/** The address part of `ip:port` (also for `[v6]:port`). */
export function addressOf(remote: string): string {
  const colon = remote.lastIndexOf(':');
  return colon === -1 ? remote : remote.slice(0, colon);
}
