/**
 * Leaving a router for good: GOODBYE and a bounded wait for its reply, then the WebSocket close, and a terminated
 * transport when the close does not complete in time.
 */
import { goodbye } from '@wamp/protocol';
import type { Transport } from './neutral-transport.js';

const GOODBYE_TIMEOUT_MS = 2_000;
const CLOSE_TIMEOUT_MS = 2_000;

/**
 * Sends GOODBYE with `reason` when `reply` is given and waits for it (or for `closed`), then closes the transport
 * and waits for `closed`, terminating the transport if it does not come. Each wait lasts 2 s at most.
 *
 * @example
 * ```ts
 * await leave(transport, CloseUri.CLOSE_REALM, goodbyeReply.promise, transportClosed.promise);
 * ```
 */
export async function leave(
  transport: Transport,
  reason: string,
  reply: Promise<void> | null,
  closed: Promise<void>,
): Promise<void> {
  if (reply !== null) {
    transport.send(goodbye({}, reason));
    await within(Promise.race([reply, closed]), GOODBYE_TIMEOUT_MS);
  }
  transport.close(1000, '');
  if (!(await within(closed, CLOSE_TIMEOUT_MS))) transport.terminate();
}

/** True when `promise` settles within `ms`; the timer never outlives the wait. */
function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}
