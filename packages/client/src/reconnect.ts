/**
 * The reconnect loop: waits out the policy's delay before each attempt to join again, until one succeeds, the
 * session is closed, or the policy gives up.
 */
import { abortReason } from './errors.js';
import type { ResolvedOptions } from './options.js';

/** The resolved reconnect policy (reconnecting on). */
export type ReconnectPolicy = Exclude<ResolvedOptions['reconnect'], false>;

/**
 * Calls `join` after each of `policy`'s delays, with `beforeAttempt` first each time. Resolves with null once a
 * join succeeded or `signal` aborted, or with the reason it gave up (attempts used up, or `retryDelay` threw).
 *
 * @example
 * ```ts
 * const gaveUp = await retryJoin(policy, lifetime.signal, () => setState('connecting'), (signal) => join(signal));
 * if (gaveUp !== null) finish({ code: 1006, reason: gaveUp, wasClean: false });
 * ```
 */
export async function retryJoin(
  policy: ReconnectPolicy,
  signal: AbortSignal,
  beforeAttempt: () => void,
  join: (signal: AbortSignal) => Promise<void>,
): Promise<string | null> {
  let lastError: unknown;
  let attempt = 1;
  for (; attempt <= policy.maxAttempts; attempt++) {
    beforeAttempt();
    let delay: number;
    try {
      delay = policy.retryDelay(attempt);
    } catch (error) {
      lastError = error;
      break;
    }
    try {
      await sleep(delay, signal);
      await join(signal);
      return null;
    } catch (error) {
      if (signal.aborted) return null;
      lastError = error;
    }
  }
  const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
  return `gave up reconnecting after ${Math.min(attempt, policy.maxAttempts)} attempts${cause}`;
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
