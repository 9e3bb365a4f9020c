// WAMP IDs: their range, and the generators of global (random) and session-scoped (sequential) IDs.
/** The largest WAMP ID, 2^53: every integer up to it is exact in an IEEE-754 double. */
export const MAX_ID = 2 ** 53;

/**
 * True for a WAMP ID: an integer in [1, 2^53]. Internal to the package (parse and the option rules).
 *
 * @example
 * ```ts
 * isId(1); // true
 * isId(0); // false
 * ```
 */
export function isId(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID;
}

const TWO_POW_21 = 2 ** 21;

/**
 * A global-scope ID (sessions, publications): drawn uniformly at random from [1, 2^53], as the spec requires.
 * Uses `crypto.getRandomValues`, present in browsers and Node 20.
 *
 * @example
 * ```ts
 * const sessionId = globalId();
 * ```
 */
export function globalId(): number {
  // 53 random bits: 32 from one word and 21 from another, giving a uniform integer in [0, 2^53 - 1].
  const words = randomWords();
  const value = (words[0]! % TWO_POW_21) * 2 ** 32 + words[1]!;
  return value + 1;
}

// Random words are drawn in batches: one getRandomValues call per 512 IDs instead of one per ID.
const BATCH = 1024;
const pool = new Uint32Array(BATCH);
const pair = new Uint32Array(2);
let poolIndex = BATCH;

function randomWords(): Uint32Array {
  if (poolIndex >= BATCH) {
    crypto.getRandomValues(pool);
    poolIndex = 0;
  }
  pair[0] = pool[poolIndex++]!;
  pair[1] = pool[poolIndex++]!;
  return pair;
}

/**
 * Sequential IDs for the session scope (request IDs, each direction) and the router scope
 * (subscriptions, registrations): 1, 2, 3 … wrapping to 1 after 2^53, as the spec requires.
 *
 * @example
 * ```ts
 * const requests = new ScopedIdGenerator();
 * requests.next(); // 1
 * requests.next(); // 2
 * ```
 */
export class ScopedIdGenerator {
  private last: number;

  /** `start` is the last ID handed out; the first `next()` returns `start + 1`. */
  constructor(start = 0) {
    this.last = start;
  }

  /** The next ID in sequence. */
  next(): number {
    this.last = this.last >= MAX_ID ? 1 : this.last + 1;
    return this.last;
  }
}
