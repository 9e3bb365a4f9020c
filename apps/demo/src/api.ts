import { defineApi, proc, topic } from '@wamp/client';

/** The realm the demo lives in. */
export const DEMO_REALM = 'demo';

/** A chat line as the page publishes it. */
export interface ChatLine {
  name: string;
  text: string;
}

/**
 * The contract between the page and the backend: both sides import it, so a change to an argument or result
 * type is a compile error on whichever side disagrees.
 */
export const api = defineApi({
  procedures: {
    'com.demo.add': proc<[a: number, b: number], number>(),
    /** Fails with `com.demo.error.division_by_zero` when `b` is 0. */
    'com.demo.divide': proc<[a: number, b: number], number>(),
    'com.demo.reverse': proc<[text: string], string>(),
    /** Streams `from`, `from - 1`, … '1' (as strings) as progressive results, one every 300 ms, then returns 'liftoff'. */
    'com.demo.countdown': proc<[from: number], string>(),
  },
  topics: {
    'com.demo.chat': topic<[line: ChatLine]>(),
    /** The backend's clock, once a second: ISO time and the number of sessions it has seen join. */
    'com.demo.tick': topic<[time: string]>(),
  },
});

/** The error the divide procedure sends for a zero divisor. */
export const DIVISION_BY_ZERO = 'com.demo.error.division_by_zero';
