// A call with progressive results as an async iterator of the partial results, with the final result beside it.
import { EventQueue } from './event-queue.js';
import type { RawSession } from './session.js';
import type { CallOptions } from './types.js';

/** A call that streams partial results: iterate the partial results, await `result` for the final one. */
export interface ProgressiveCall<Result> extends AsyncIterableIterator<Result> {
  /** The final result; rejects as a plain call would. */
  readonly result: Promise<Result>;
}

/**
 * Makes a call asking for progressive results and exposes them as an async iterator (first positional result
 * of each partial RESULT) that ends when the final result arrives, or throws when the call fails. At most
 * 1,024 partial results wait for a slow consumer; older ones are dropped first.
 *
 * @example
 * ```ts
 * const call = progressiveCall(raw, 'com.example.count', [3]);
 * for await (const partial of call) console.log(partial);
 * console.log(await call.result);
 * ```
 */
export function progressiveCall<Result>(
  raw: RawSession,
  procedure: string,
  args: unknown[] | undefined,
  options: CallOptions = {},
): ProgressiveCall<Result> {
  const queue = new EventQueue<Result>({ buffer: 1024, overflow: 'drop-oldest' });
  const result = raw
    .call(procedure, args, { ...options, onProgress: (partial) => queue.push(partial.args[0] as Result) })
    .then((final) => final.args[0] as Result);
  result.then(
    () => queue.end(),
    (error: unknown) => queue.end(error),
  );
  return Object.assign(queue, { result });
}
