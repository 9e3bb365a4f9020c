/**
 * The connection closed while a request was pending, or before the session could be used. Carries the
 * WebSocket close code and reason.
 *
 * @example
 * ```ts
 * try { await session.call('com.example.slow'); } catch (e) {
 *   if (e instanceof ConnectionClosedError) console.log('lost the router', e.code);
 * }
 * ```
 */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;

  constructor(code: number, reason: string, wasClean: boolean, message?: string) {
    super(message ?? `connection closed (${code}${reason ? ` ${reason}` : ''})`);
    this.code = code;
    this.reason = reason;
    this.wasClean = wasClean;
  }
}

/** The reason a promise rejects with when its signal was aborted without a reason of its own. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}
