// Flow control of one client session: backpressure on what it is sent, and the rate limit on what it sends.
import { ReadyState } from '@wamp/transport';
import { type SessionRate, TokenBuckets } from './rate-limit.js';
import type { RouterSession } from './session.js';

/** Why a session's socket is not read; bits, since both can hold at once and reading resumes when none does. */
const OUTBOUND_FULL = 1;
const RATE_LIMITED = 2;

/**
 * Flow control of one client session, both ways.
 *
 * - Outbound: once the session's queue passes the high-water mark, its socket is no longer read, so it cannot
 *   ask for more until the queue drains below the low-water mark (TCP backpressure; nothing is dropped). Only the
 *   reading side stops: the session's writes keep draining, so a paused callee still gets its invocations and
 *   a paused caller its results. Past `limits.outboundHardLimit` (output the session did not ask for in that
 *   moment: results of calls in flight, invocations, events) it is disconnected.
 * - Inbound: the session's rate limit, if it has one, as token buckets charged per message.
 *
 * @example
 * ```ts
 * const flow = new SessionFlow(session, limits.outboundHardLimit);
 * transport.ondrain = flow.onDrain;
 * ```
 */
export class SessionFlow {
  /** The session's token buckets; null when it has no rate limit, which is all the hot path then checks. */
  buckets: TokenBuckets | null = null;
  private pausedFor = 0;
  private refillTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly canPause: boolean;

  constructor(
    private readonly session: RouterSession,
    private readonly hardLimit: number,
  ) {
    this.canPause = typeof session.transport.pauseReading === 'function';
  }

  /** Holds the session to `rate` from now on (null: no limit). */
  limitRate(rate: SessionRate | null): void {
    this.buckets = rate === null ? null : new TokenBuckets(rate, performance.now());
  }

  /**
   * Charges one inbound message to the buckets (call only when `buckets` is set). False when the session was
   * disconnected for it, and the message must not be handled.
   */
  admit(frameBytes: number): boolean {
    const buckets = this.buckets!;
    const waitMs = buckets.take(frameBytes, performance.now());
    if (waitMs === 0) return true;
    // A transport that cannot be paused cannot be slowed down either.
    if (buckets.rate.overflow === 'disconnect' || !this.canPause) {
      // Frames still arriving after the cut (the rest of its TCP read) are dropped without a word.
      if (this.session.transport.readyState === ReadyState.OPEN) {
        const { messagesPerSecond, bytesPerSecond } = buckets.rate;
        this.disconnect('rate limit exceeded (limits.rateLimit)', { messagesPerSecond, bytesPerSecond });
      }
      return false;
    }
    if (this.refillTimer === undefined) {
      this.pause(RATE_LIMITED);
      this.refillTimer = setTimeout(this.onRefilled, Math.ceil(waitMs));
    }
    return true;
  }

  /** After an inbound message was handled: stops reading while the outbound queue is past its high-water mark. */
  afterRead(): void {
    const transport = this.session.transport;
    if ((this.pausedFor & OUTBOUND_FULL) === 0 && !transport.isWritable() && transport.readyState === ReadyState.OPEN) {
      this.pause(OUTBOUND_FULL);
    }
  }

  /** After a write to the session: disconnects it once its queue is past the hard limit. */
  afterWrite(): void {
    const bufferedAmount = this.session.transport.bufferedAmount;
    if (bufferedAmount > this.hardLimit && this.session.transport.readyState === ReadyState.OPEN) {
      this.disconnect('outbound queue over limits.outboundHardLimit', { bufferedAmount, limit: this.hardLimit });
    }
  }

  /** The transport's `ondrain`: the queue is below its low-water mark again. */
  readonly onDrain = (): void => {
    this.resume(OUTBOUND_FULL);
  };

  /** Ends what is pending once the connection closed. */
  stop(): void {
    clearTimeout(this.refillTimer);
    this.refillTimer = undefined;
  }

  private readonly onRefilled = (): void => {
    this.refillTimer = undefined;
    this.resume(RATE_LIMITED);
  };

  private pause(reason: number): void {
    if (this.pausedFor === 0) this.session.transport.pauseReading?.();
    this.pausedFor |= reason;
  }

  private resume(reason: number): void {
    if ((this.pausedFor & reason) === 0) return;
    this.pausedFor &= ~reason;
    if (this.pausedFor === 0) this.session.transport.resumeReading?.();
  }

  private disconnect(reason: string, detail: Record<string, number>): void {
    const session = this.session;
    session.log.warn({ session: session.id || undefined, ...detail }, `session disconnected: ${reason}`);
    this.stop();
    session.cut(reason);
  }
}
