// The client's payload and option types: raw results and returns, invocations, events, and each request's options.
import type {
  Dict,
  KwArgs,
  CallOptions as WampCallOptions,
  PublishOptions as WampPublishOptions,
  RegisterOptions as WampRegisterOptions,
  SubscribeOptions as WampSubscribeOptions,
} from '@wamp/protocol';

/** The spec's named keys of an options dict, without its open index signature, so a typo is a compile error. */
type Known<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };

/** Implementation-specific options: the spec reserves keys starting with `_` for them. */
interface CustomOptions {
  [key: `_${string}`]: unknown;
}

/**
 * One chunk of a progressive call invocation's input, as the callee receives it.
 *
 * @example
 * ```ts
 * for await (const { args }: RawInput of invocation.input!) upload(args[0]);
 * ```
 */
export interface RawInput {
  args: unknown[];
  kwargs: KwArgs;
}

/**
 * A call's answer, exactly as WAMP carries it: positional and keyword results and the RESULT details. The shape
 * never depends on the values.
 *
 * @example
 * ```ts
 * const { args, kwargs, details }: RawResult = await session.raw.call('com.example.stats');
 * ```
 */
export interface RawResult {
  args: unknown[];
  kwargs: KwArgs;
  details: Dict;
}

/**
 * What a raw callee returns: positional and/or keyword results, or nothing.
 *
 * @example
 * ```ts
 * await session.raw.register('com.example.split', ({ args }) => ({ args: [1, 2], kwargs: { total: 3 } }));
 * ```
 */
export interface RawReturn {
  args?: unknown[];
  kwargs?: KwArgs;
}

/**
 * An invocation as a callee sees it.
 *
 * @example
 * ```ts
 * await session.register('com.example.report', async (args, { signal, kwargs }) => build(kwargs, { signal }));
 * ```
 */
export interface Invocation {
  /** Positional arguments. */
  readonly args: unknown[];
  /** Keyword arguments. */
  readonly kwargs: KwArgs;
  /** INVOCATION details (e.g. `caller` when disclosed, `procedure` for pattern registrations). */
  readonly details: Dict;
  /** The procedure called. */
  readonly procedure: string;
  /** Aborted when the dealer interrupts the call (caller canceled, timeout) or the connection is lost. */
  readonly signal: AbortSignal;
  /** True when the caller asked for progressive results (`receive_progress`). */
  readonly receiveProgress: boolean;
  /**
   * For a progressive call invocation (the caller streams its input): the chunks after the first, ending with
   * the caller's final one. Null for an ordinary call.
   */
  readonly input: AsyncIterableIterator<RawInput> | null;
  /**
   * Sends a partial result before the handler's final one; a no-op unless the caller asked for progressive
   * results, so a handler can always call it.
   */
  progress(args?: unknown[], kwargs?: KwArgs): void;
}

/**
 * An event as a subscriber sees it.
 *
 * @example
 * ```ts
 * await session.subscribe('com.example.tick', (args, event: WampEvent) => console.log(event.details.publisher));
 * ```
 */
export interface WampEvent<Args extends unknown[] = unknown[]> {
  args: Args;
  kwargs: KwArgs;
  /** EVENT details (e.g. `publisher` when disclosed, `topic` for pattern subscriptions). */
  details: Dict;
}

/**
 * Options of a call: keyword arguments, cancellation, a deadline, and the spec's CALL options.
 *
 * @example
 * ```ts
 * await session.call('com.example.report', [], { signal: AbortSignal.timeout(5_000), kwargs: { year: 2024 } });
 * ```
 */
export interface CallOptions
  extends Omit<Known<WampCallOptions>, 'timeout' | 'receive_progress' | 'progress'>,
    CustomOptions {
  /** Keyword arguments. */
  kwargs?: KwArgs;
  /** Aborts the call: it rejects at once with the signal's reason, and CANCEL is sent when the router supports it. */
  signal?: AbortSignal;
  /** Deadline in ms: enforced locally (rejects with a `TimeoutError`), and sent to the router when it supports call timeouts. */
  timeout?: number;
  /**
   * Receives each partial result of a progressive call (`receive_progress`) before the final one resolves the
   * call. Only asked for when the router announces `progressive_call_results`.
   */
  onProgress?: (partial: RawResult) => void;
}

/**
 * Options of a publication: keyword arguments and the spec's PUBLISH options.
 *
 * @example
 * ```ts
 * await session.publish('com.example.chat', ['hi'], { acknowledge: true, exclude_me: false, kwargs: { from: 'ada' } });
 * ```
 */
export interface PublishOptions extends Known<WampPublishOptions>, CustomOptions {
  /** Keyword arguments. */
  kwargs?: KwArgs;
}

/**
 * Options of a subscription (the spec's SUBSCRIBE options).
 *
 * @example
 * ```ts
 * await session.subscribe('com.example', (args, event) => console.log(event.details.topic), { match: 'prefix' });
 * ```
 */
export interface SubscribeOptions extends Known<WampSubscribeOptions>, CustomOptions {}

/**
 * Options of a registration (the spec's REGISTER options).
 *
 * @example
 * ```ts
 * await session.register('com.example.work', handler, { invoke: 'roundrobin' });
 * ```
 */
export interface RegisterOptions extends Known<WampRegisterOptions>, CustomOptions {}
