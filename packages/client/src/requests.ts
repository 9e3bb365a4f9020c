// A session's requests waiting for their answer, by request ID: the table, and the kinds of request (calls among them).
import { type Dict, type KwArgs, type Message, ScopedIdGenerator } from '@wamp/protocol';
import { abortReason } from './errors.js';
import type { RawResult } from './types.js';

/**
 * A request waiting for its answer. Objects rather than closures: a call allocates one of these, not five
 * functions.
 *
 * @example
 * ```ts
 * requests.take(message[1])?.settle(message);
 * ```
 */
export interface Pending {
  /** The answer arrived (RESULT, REGISTERED, SUBSCRIBED, …). */
  settle(message: Message): void;
  /** An ERROR answered it, the connection closed, or it was abandoned. */
  fail(error: unknown): void;
  /** A partial answer arrived (a progressive RESULT); the request stays pending. */
  progress?(message: Message): void;
}

/**
 * Outbound request IDs (session scope: 1, 2, 3 … from every join) and the requests waiting for an answer.
 * Every pending request settles: with its answer, or with the error given to {@link PendingRequests.rejectAll}
 * when the connection closes.
 *
 * @example
 * ```ts
 * const request = new Deferred<Message>();
 * transport.send(register(requests.add(request), {}, 'com.example.add'));
 * ```
 */
export class PendingRequests {
  private ids = new ScopedIdGenerator();
  private readonly pending = new Map<number, Pending>();

  /** Registers a request and returns its new ID. */
  add(entry: Pending): number {
    const id = this.ids.next();
    this.pending.set(id, entry);
    return id;
  }

  /** A fresh request ID for a request that expects no answer (PUBLISH without acknowledge). */
  nextId(): number {
    return this.ids.next();
  }

  /** The request with `id`, if still pending, left in place. */
  get(id: number): Pending | undefined {
    return this.pending.get(id);
  }

  /** Removes and returns the request with `id`, if still pending. */
  take(id: number): Pending | undefined {
    const entry = this.pending.get(id);
    if (entry !== undefined) this.pending.delete(id);
    return entry;
  }

  /** How many requests wait for an answer. */
  get size(): number {
    return this.pending.size;
  }

  /** Rejects every pending request with `error` and restarts the IDs at 1, for the next session. */
  rejectAll(error: unknown): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.ids = new ScopedIdGenerator();
    for (const entry of entries) entry.fail(error);
  }
}

/**
 * A promise with its settle functions, as a {@link Pending} request resolving with the answer message.
 *
 * @example
 * ```ts
 * const request = new Deferred<Message>();
 * const answer = await request.promise;
 * ```
 */
export class Deferred<T> implements Pending {
  readonly promise: Promise<T>;
  resolve!: (value: T) => void;
  reject!: (error: unknown) => void;

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  settle(message: Message): void {
    this.resolve(message as T);
  }

  fail(error: unknown): void {
    this.reject(error);
  }
}

/**
 * A REGISTER or SUBSCRIBE waiting for its ID. `onId` runs synchronously when the answer arrives, so an
 * INVOCATION or EVENT right behind it in the same frame batch already finds its handler.
 *
 * @example
 * ```ts
 * const request = new IdRequest((id) => byId.set(id, record));
 * transport.send(subscribe(requests.add(request), {}, 'com.example.tick'));
 * ```
 */
export class IdRequest extends Deferred<number> {
  constructor(private readonly onId: (id: number) => void) {
    super();
  }

  override settle(message: Message): void {
    const id = message[2] as number;
    this.onId(id);
    this.resolve(id);
  }
}

/**
 * What a call needs from its session to give up on itself.
 *
 * @example
 * ```ts
 * const owner: CallOwner = { abandon: (id) => requests.take(id) && transport.send(cancel(id, {})) };
 * ```
 */
export interface CallOwner {
  /** Forgets request `id` and tells the router, when it supports call canceling. */
  abandon(id: number): void;
}

function toResult(message: Message): RawResult {
  return {
    args: (message[3] as unknown[] | undefined) ?? [],
    kwargs: (message[4] as KwArgs | undefined) ?? {},
    details: message[2] as Dict,
  };
}

function onCallTimeout(call: PendingCall): void {
  call.giveUp(new DOMException(`call to ${call.procedure} timed out after ${call.timeout} ms`, 'TimeoutError'));
}

/**
 * A CALL waiting for its RESULT, with its abort signal and local deadline. It is its own abort listener
 * (`handleEvent`) and its timer gets it as an argument, so no closure is allocated per call.
 *
 * @example
 * ```ts
 * const pending = new PendingCall(session, 'com.example.add', signal, 5_000);
 * pending.id = requests.add(pending);
 * return pending.promise;
 * ```
 */
export class PendingCall extends Deferred<RawResult> {
  /** The request ID; set right after `requests.add`. */
  id = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly owner: CallOwner,
    readonly procedure: string,
    private readonly signal: AbortSignal | undefined,
    readonly timeout: number | undefined,
    private readonly onProgress?: (partial: RawResult) => void,
  ) {
    super();
    signal?.addEventListener('abort', this, { once: true });
    if (timeout !== undefined && timeout > 0) this.timer = setTimeout(onCallTimeout, timeout, this);
  }

  override settle(message: Message): void {
    this.cleanup();
    this.resolve(toResult(message));
  }

  progress(message: Message): void {
    this.onProgress?.(toResult(message));
  }

  override fail(error: unknown): void {
    this.cleanup();
    this.reject(error);
  }

  /** Rejects at once with `reason` and abandons the request; a late answer is dropped. */
  giveUp(reason: unknown): void {
    this.owner.abandon(this.id);
    this.fail(reason);
  }

  /** The signal's abort event. */
  handleEvent(): void {
    this.giveUp(abortReason(this.signal!));
  }

  private cleanup(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this);
  }
}
