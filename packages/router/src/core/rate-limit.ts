/** What happens to a session that sends faster than its rate. */
export type RateOverflow = 'backpressure' | 'disconnect';

/**
 * How fast one session may send, as token buckets: one for messages, one for the bytes of their frames. Each
 * bucket holds `burstSeconds` of its rate and refills continuously. A field left out is inherited from the
 * level above (see {@link RateLimitOptions}); a rate left out everywhere is not counted.
 *
 * @example
 * ```ts
 * const rate: RateLimit = { messagesPerSecond: 1000, bytesPerSecond: 4 * 1024 * 1024, overflow: 'disconnect' };
 * ```
 */
export interface RateLimit {
  /** Messages per second. */
  messagesPerSecond?: number;
  /** Bytes of inbound frames per second. */
  bytesPerSecond?: number;
  /** Seconds of rate a bucket holds: the burst allowed after a quiet spell. Default 1. */
  burstSeconds?: number;
  /**
   * Past the rate: `backpressure` stops reading the session's socket until the buckets refill (TCP slows the client
   * down, nothing is lost), `disconnect` closes the connection with 1008. Default `backpressure`.
   */
  overflow?: RateOverflow;
}

/**
 * `limits.rateLimit`: rates for every session, with overrides for the sessions of a realm and for an authrole. A
 * session gets the defaults, then its realm's fields over them, then its role's fields over those; `false` at a
 * level clears what it would inherit (a role set to `false` is not limited at all).
 *
 * @example
 * ```ts
 * const rateLimit: RateLimitOptions = {
 *   messagesPerSecond: 500,
 *   realms: { internal: false },
 *   roles: { guest: { messagesPerSecond: 20, overflow: 'disconnect' } },
 * };
 * ```
 */
export interface RateLimitOptions extends RateLimit {
  /** Overrides for the sessions of a realm, by realm name. */
  realms?: Record<string, RateLimit | false>;
  /** Overrides for the sessions of an authrole (in every realm), by role name. */
  roles?: Record<string, RateLimit | false>;
}

/** The rate one session is held to, every field settled; a rate of `Infinity` is not counted. */
export interface SessionRate {
  messagesPerSecond: number;
  bytesPerSecond: number;
  burstSeconds: number;
  overflow: RateOverflow;
}

/**
 * The rate for a session of `realm` with `authrole`, or null when it is not limited (the hot path then pays
 * nothing). Called once per session, when it joins.
 *
 * @example
 * ```ts
 * rateFor({ messagesPerSecond: 100, roles: { admin: false } }, 'realm1', 'admin'); // null
 * ```
 */
export function rateFor(options: RateLimitOptions | false, realm: string, authrole: string): SessionRate | null {
  if (options === false) return null;
  const byRole = options.roles?.[authrole];
  if (byRole === false) return null;
  const byRealm = options.realms?.[realm];
  // A field of the role, else of the realm, else the default; a realm set to false hides the defaults.
  const defaults: RateLimit = options;
  const pick = <K extends keyof RateLimit>(key: K): RateLimit[K] | undefined =>
    byRole?.[key] ?? (byRealm === false ? undefined : (byRealm?.[key] ?? defaults[key]));
  const messagesPerSecond = pick('messagesPerSecond');
  const bytesPerSecond = pick('bytesPerSecond');
  if (messagesPerSecond === undefined && bytesPerSecond === undefined) return null;
  return {
    messagesPerSecond: messagesPerSecond ?? Number.POSITIVE_INFINITY,
    bytesPerSecond: bytesPerSecond ?? Number.POSITIVE_INFINITY,
    burstSeconds: pick('burstSeconds') ?? 1,
    overflow: pick('overflow') ?? 'backpressure',
  };
}

/**
 * A session's two token buckets. A message is always let through and may leave a bucket in debt; the answer is
 * how long the debt takes to repay, so a paused reader resumes exactly when the rate allows the next message.
 * Plain numbers only: charging allocates nothing.
 *
 * @example
 * ```ts
 * const buckets = new TokenBuckets(rate, performance.now());
 * const waitMs = buckets.take(frameBytes, performance.now()); // 0 within the rate
 * ```
 */
export class TokenBuckets {
  private messages: number;
  private bytes: number;
  private last: number;
  private readonly messageCapacity: number;
  private readonly byteCapacity: number;
  /** Refill per millisecond; 0 for a rate not counted, whose bucket then stays at Infinity. */
  private readonly messagesPerMs: number;
  private readonly bytesPerMs: number;

  constructor(
    readonly rate: SessionRate,
    now: number,
  ) {
    this.messageCapacity = rate.messagesPerSecond * rate.burstSeconds;
    this.byteCapacity = rate.bytesPerSecond * rate.burstSeconds;
    this.messagesPerMs = Number.isFinite(rate.messagesPerSecond) ? rate.messagesPerSecond / 1000 : 0;
    this.bytesPerMs = Number.isFinite(rate.bytesPerSecond) ? rate.bytesPerSecond / 1000 : 0;
    this.messages = this.messageCapacity;
    this.bytes = this.byteCapacity;
    this.last = now;
  }

  /** Takes one message of `frameBytes`; returns 0 while within the rate, else the milliseconds until it is again. */
  take(frameBytes: number, now: number): number {
    const elapsed = now - this.last;
    this.last = now;
    const messages = Math.min(this.messageCapacity, this.messages + elapsed * this.messagesPerMs) - 1;
    const bytes = Math.min(this.byteCapacity, this.bytes + elapsed * this.bytesPerMs) - frameBytes;
    this.messages = messages;
    this.bytes = bytes;
    if (messages >= 0 && bytes >= 0) return 0;
    return Math.max(messages < 0 ? -messages / this.messagesPerMs : 0, bytes < 0 ? -bytes / this.bytesPerMs : 0);
  }
}
