/**
 * The connection closed while a request was pending, or before the router's WELCOME while connecting, or the
 * session was not open when a request was made. Carries the WebSocket close code and reason, and the reason URI of the router's GOODBYE or ABORT when it
 * sent one. Match it by `name === 'ConnectionClosedError'` as well as with `instanceof`.
 *
 * @example
 * ```ts
 * try { await session.call('com.example.slow'); } catch (e) {
 *   if (e instanceof ConnectionClosedError) console.log('lost the router', e.code, e.wampReason);
 * }
 * ```
 */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  /** The WebSocket close code (1000 normal, 1001 going away, 1006 dropped, …). */
  readonly code: number;
  /** The WebSocket close reason. */
  readonly reason: string;
  /** True when the closing handshake completed. */
  readonly wasClean: boolean;
  /** The router's GOODBYE or ABORT reason, e.g. `wamp.close.system_shutdown`, when it sent one. */
  readonly wampReason: string | undefined;

  constructor(code: number, reason: string, wasClean: boolean, message?: string, wampReason?: string) {
    super(message ?? `connection closed (${code}${reason ? ` ${reason}` : ''})`);
    this.code = code;
    this.reason = reason;
    this.wasClean = wasClean;
    this.wampReason = wampReason;
  }
}

/**
 * An event iterator with `overflow: 'error'` received more events than its buffer holds: the consumer is slower
 * than the publisher. The loop throws it after the buffered events, and the subscription ends.
 *
 * @example
 * ```ts
 * try { for await (const e of session.subscribe(topic, { buffer: 16, overflow: 'error' })) await slow(e); }
 * catch (e) { if (e instanceof EventOverflowError) console.log('fell behind by more than', e.buffer); }
 * ```
 */
export class EventOverflowError extends Error {
  override readonly name = 'EventOverflowError';
  /** The buffer size that overflowed. */
  readonly buffer: number;

  constructor(buffer: number) {
    super(`event buffer of ${buffer} overflowed: the consumer is slower than the publisher`);
    this.buffer = buffer;
  }
}

/**
 * The reason a promise rejects with when its signal was aborted: the signal's own reason, as `fetch` does.
 *
 * @example
 * ```ts
 * if (signal.aborted) return Promise.reject(abortReason(signal));
 * ```
 */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Reports an error nobody listens for, rather than swallowing it.
 *
 * @example
 * ```ts
 * if (listeners.size === 0) reportUnhandled(error);
 * ```
 */
export function reportUnhandled(error: unknown): void {
  console.error('[@wamp/client]', error);
}
