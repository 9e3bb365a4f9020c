import type {
  Dict,
  KwArgs,
  CallOptions as WampCallOptions,
  PublishOptions as WampPublishOptions,
} from '@wamp/protocol';

/** A call's answer, exactly as WAMP carries it: positional and keyword results and the RESULT details. */
export interface RawResult {
  args: unknown[];
  kwargs: KwArgs;
  details: Dict;
}

/** What a raw callee returns: positional and/or keyword results, or nothing. */
export interface RawReturn {
  args?: unknown[];
  kwargs?: KwArgs;
}

/** An invocation as a callee sees it. */
export interface Invocation {
  /** Positional arguments. */
  args: unknown[];
  /** Keyword arguments. */
  kwargs: KwArgs;
  /** INVOCATION details (e.g. `caller` when disclosed, `procedure` for pattern registrations). */
  details: Dict;
  /** The procedure called. */
  procedure: string;
  /** Aborted when the dealer interrupts the call (caller canceled, timeout, caller gone). */
  signal: AbortSignal;
}

/** An event as a subscriber sees it. */
export interface WampEvent<Args extends unknown[] = unknown[]> {
  args: Args;
  kwargs: KwArgs;
  /** EVENT details (e.g. `publisher` when disclosed, `topic` for pattern subscriptions). */
  details: Dict;
}

/** Options of a call. */
export interface CallOptions extends Omit<WampCallOptions, 'timeout'> {
  /** Keyword arguments. */
  kwargs?: KwArgs;
  /** Aborts the call: it rejects at once with the signal's reason, and CANCEL is sent when the router supports it. */
  signal?: AbortSignal;
  /** Deadline in ms: enforced locally (rejects with a `TimeoutError`), and sent to the router when it supports call timeouts. */
  timeout?: number;
}

/** Options of a publication. */
export interface PublishOptions extends WampPublishOptions {
  /** Keyword arguments. */
  kwargs?: KwArgs;
}
