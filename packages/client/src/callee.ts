// The callee role of a session: its registrations, kept across reconnects, and each INVOCATION run to its YIELD
// or ERROR.

import {
  type Dict,
  ErrorUri,
  error as errorMessage,
  type InterruptMessage,
  type InvocationMessage,
  isWampError,
  type KwArgs,
  MessageCode,
  register,
  type UnregisteredDetails,
  unregister,
  yieldResult,
} from '@wamp/protocol';
import type { Connection } from './connection.js';
import { EventQueue } from './event-queue.js';
import { Deferred, IdRequest, type PendingRequests } from './requests.js';
import type { HandlerSpan, SessionTracer } from './tracing.js';
import type { Invocation, RawInput, RawReturn, RegisterOptions } from './types.js';
import { isThenable } from './validation.js';

/**
 * The URI a callee's exception goes out with when it is not a `WampError`: the spec defines none, and Autobahn
 * uses this one, so mixed deployments agree. Only the exception's message is sent, never its stack.
 *
 * @example
 * ```ts
 * catch (e) { if (isWampError(e) && e.uri === RUNTIME_ERROR_URI) console.log('the callee crashed:', e.args[0]); }
 * ```
 */
export const RUNTIME_ERROR_URI = 'wamp.error.runtime_error';

/**
 * A raw procedure: gets the whole invocation, returns positional and/or keyword results (or nothing), maybe
 * asynchronously.
 *
 * @example
 * ```ts
 * const handler: RawHandler = ({ args, kwargs }) => ({ args: [args.length], kwargs });
 * ```
 */
export type RawHandler = (invocation: Invocation) => RawReturn | undefined | Promise<RawReturn | undefined>;

/**
 * A registration; `unregister()` removes it. It survives reconnects: the session registers it again.
 *
 * @example
 * ```ts
 * const registration = await session.register('com.example.add', ([a, b]) => a + b);
 * await registration.unregister();
 * ```
 */
export interface Registration {
  readonly procedure: string;
  /** The router's registration ID; it changes when the session reconnects, and is 0 while disconnected. */
  readonly id: number;
  /** Unregisters; only locally while the session is not open. */
  unregister(): Promise<void>;
}

/** One procedure the application registered, kept across reconnects. */
class RegistrationRecord implements Registration {
  /** The router's registration ID; 0 while not registered. */
  id = 0;

  constructor(
    private readonly callee: Callee,
    readonly procedure: string,
    readonly options: RegisterOptions,
    readonly handler: RawHandler,
  ) {}

  unregister(): Promise<void> {
    return this.callee.unregister(this);
  }
}

/** One running invocation; its `AbortController` exists only once the handler reads `signal`. */
class RunningInvocation implements Invocation {
  private controller: AbortController | undefined;
  readonly receiveProgress: boolean;
  /** Further input of a progressive call invocation; null for an ordinary call. */
  readonly input: EventQueue<RawInput> | null;
  /** The handler's span, while the session's tracing is on; ends with the YIELD or ERROR. */
  span: HandlerSpan | null = null;

  constructor(
    readonly request: number,
    readonly args: unknown[],
    readonly kwargs: KwArgs,
    readonly details: Dict,
    readonly procedure: string,
    private readonly callee: Callee,
  ) {
    this.receiveProgress = details.receive_progress === true;
    // The caller streams more input: it arrives as further INVOCATIONs with this request ID.
    this.input = details.progress === true ? new EventQueue<RawInput>({ buffer: 1024, overflow: 'error' }) : null;
  }

  progress(args?: unknown[], kwargs?: KwArgs): void {
    if (this.receiveProgress) this.callee.sendProgress(this, args, kwargs);
  }

  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  abort(reason: string): void {
    this.controller?.abort(new DOMException(reason, 'AbortError'));
  }
}

/**
 * The callee role: registrations (restored after reconnects), INVOCATION → handler → YIELD or ERROR, and
 * INTERRUPT, which aborts the invocation's signal.
 *
 * @example
 * ```ts
 * const callee = new Callee(connection, requests);
 * await callee.register('com.example.add', ({ args }) => ({ args: [args[0] + args[1]] }), {});
 * ```
 */
export class Callee {
  private readonly registered = new Set<RegistrationRecord>();
  private readonly byId = new Map<number, RegistrationRecord>();
  private readonly running = new Map<number, RunningInvocation>();

  constructor(
    private readonly connection: Connection,
    private readonly requests: PendingRequests,
    /** Handler spans, while the session's tracing is on. */
    private readonly tracer: SessionTracer | null = null,
  ) {}

  async register(procedure: string, handler: RawHandler, options: RegisterOptions): Promise<Registration> {
    if (this.connection.state !== 'open') throw this.connection.notOpen(`register ${procedure}`);
    const record = new RegistrationRecord(this, procedure, options, handler);
    await this.send(record);
    return record;
  }

  async unregister(record: RegistrationRecord): Promise<void> {
    const id = record.id;
    this.registered.delete(record);
    this.byId.delete(id);
    record.id = 0;
    if (id === 0 || this.connection.state !== 'open') return;
    const request = new Deferred<unknown>();
    this.connection.send(unregister(this.requests.add(request), id));
    await request.promise;
  }

  /** Registers everything again under the new session; a refusal is reported and retried on the next join. */
  restore(): Promise<unknown>[] {
    return [...this.registered].map((record) =>
      this.send(record).catch((error: unknown) => {
        if (isWampError(error)) this.connection.reportError(error);
      }),
    );
  }

  invoke(message: InvocationMessage): void {
    const request = message[1];
    const ongoing = this.running.get(request);
    if (ongoing?.input != null) {
      // More input for a progressive call invocation; the last chunk has no `progress`.
      ongoing.input.push({ args: message[4] ?? [], kwargs: message[5] ?? {} });
      if (message[3].progress !== true) ongoing.input.end();
      return;
    }
    const record = this.byId.get(message[2]);
    if (record === undefined) {
      this.connection.send(errorMessage(MessageCode.INVOCATION, request, {}, ErrorUri.NO_SUCH_REGISTRATION));
      return;
    }
    const details = message[3];
    const procedure = typeof details.procedure === 'string' ? details.procedure : record.procedure;
    const invocation = new RunningInvocation(request, message[4] ?? [], message[5] ?? {}, details, procedure, this);
    this.running.set(request, invocation);
    let outcome: RawReturn | undefined | Promise<RawReturn | undefined>;
    try {
      if (this.tracer === null) outcome = record.handler(invocation);
      else {
        // The handler, and what it calls and publishes, runs in its span: the caller's trace goes on there.
        invocation.span = this.tracer.invocation(record.procedure, procedure, details);
        outcome = invocation.span.run(record.handler, invocation);
      }
    } catch (error) {
      this.fail(invocation, error);
      return;
    }
    if (isThenable(outcome)) {
      outcome.then(
        (result) => this.yield(invocation, result),
        (error: unknown) => this.fail(invocation, error),
      );
    } else {
      this.yield(invocation, outcome);
    }
  }

  /** A partial result of a running invocation, while it still runs. */
  sendProgress(invocation: RunningInvocation, args: unknown[] | undefined, kwargs: KwArgs | undefined): void {
    if (this.running.get(invocation.request) !== invocation) return;
    this.connection.send(yieldResult(invocation.request, { progress: true }, args, kwargs));
  }

  interrupt(message: InterruptMessage): void {
    const invocation = this.running.get(message[1]);
    if (invocation === undefined) return;
    this.running.delete(message[1]);
    invocation.span?.fail(ErrorUri.CANCELED);
    invocation.abort(message[2].reason ?? 'the call was canceled');
    invocation.input?.end(new DOMException('the call was canceled', 'AbortError'));
    this.connection.send(errorMessage(MessageCode.INVOCATION, message[1], {}, ErrorUri.CANCELED));
  }

  /** UNREGISTERED with request 0: the dealer revoked a registration. */
  revoked(details: UnregisteredDetails | undefined): void {
    const record = details?.registration === undefined ? undefined : this.byId.get(details.registration);
    if (record === undefined) return;
    this.byId.delete(record.id);
    this.registered.delete(record);
    record.id = 0;
  }

  /** The connection is gone: running invocations are aborted, registrations wait for the next join. */
  lost(): void {
    for (const invocation of this.running.values()) {
      invocation.span?.fail(ErrorUri.CANCELED);
      invocation.abort('the connection closed');
    }
    this.running.clear();
    for (const record of this.registered) record.id = 0;
    this.byId.clear();
  }

  /** The session is over. */
  ended(): void {
    this.lost();
    this.registered.clear();
  }

  private send(record: RegistrationRecord): Promise<number> {
    const request = new IdRequest((id) => {
      record.id = id;
      this.byId.set(id, record);
      this.registered.add(record);
    });
    this.connection.send(register(this.requests.add(request), record.options as Dict, record.procedure));
    return request.promise;
  }

  /** Answers once: an interrupted invocation, or one of a lost connection, is already answered. */
  private finish(invocation: RunningInvocation): boolean {
    if (this.running.get(invocation.request) !== invocation) return false;
    this.running.delete(invocation.request);
    return true;
  }

  private yield(invocation: RunningInvocation, result: RawReturn | undefined): void {
    if (!this.finish(invocation)) return;
    this.connection.send(yieldResult(invocation.request, {}, result?.args, result?.kwargs));
    invocation.span?.end();
  }

  /** A `WampError` keeps its URI and payload; anything else is reported here and sends its message only. */
  private fail(invocation: RunningInvocation, error: unknown): void {
    if (!this.finish(invocation)) return;
    if (isWampError(error)) {
      this.connection.send(
        errorMessage(MessageCode.INVOCATION, invocation.request, {}, error.uri, error.args, error.kwargs),
      );
      invocation.span?.fail(error.uri);
      return;
    }
    this.connection.reportError(error);
    const text = error instanceof Error ? error.message : String(error);
    this.connection.send(errorMessage(MessageCode.INVOCATION, invocation.request, {}, RUNTIME_ERROR_URI, [text]));
    invocation.span?.fail(RUNTIME_ERROR_URI, error);
  }
}
