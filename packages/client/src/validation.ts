// Run-time validation of incoming arguments with a contract's Standard Schema validators, for callees and events.
import { ErrorUri, WampError } from '@wamp/protocol';
import type { StandardSchemaV1 } from './contract.js';
import type { EventSink } from './subscriber.js';
import type { WampEvent } from './types.js';

type Outcome<T> = Awaited<ReturnType<StandardSchemaV1<unknown, T>['~standard']['validate']>>;

/**
 * True for a promise or any other thenable.
 *
 * @example
 * ```ts
 * const out = handler(invocation);
 * if (isThenable(out)) out.then(send, fail); else send(out);
 * ```
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.issues !== undefined) {
    throw new WampError(
      ErrorUri.INVALID_ARGUMENT,
      outcome.issues.map((issue) => issue.message),
    );
  }
  return outcome.value;
}

/**
 * Runs a Standard Schema validator over positional arguments: the validated (possibly transformed) value, or a
 * `WampError` `wamp.error.invalid_argument` listing the issues. Synchronous for synchronous validators.
 *
 * @example
 * ```ts
 * const [a, b] = validateArgs(z.tuple([z.number(), z.number()]), invocation.args); // may be a promise
 * ```
 */
export function validateArgs<T>(schema: StandardSchemaV1<unknown, T>, args: unknown[]): T | Promise<T> {
  const outcome = schema['~standard'].validate(args);
  return isThenable(outcome) ? Promise.resolve(outcome).then(unwrap<T>) : unwrap(outcome);
}

/**
 * A sink that validates each event's arguments before passing it on; an invalid event is dropped and reported.
 * With an asynchronous validator, events may reach the target out of order.
 *
 * @example
 * ```ts
 * const sink = new ValidatingSink(schema, stream, (error) => session.reportError(error));
 * ```
 */
export class ValidatingSink implements EventSink {
  constructor(
    private readonly schema: StandardSchemaV1<unknown, unknown[]>,
    private readonly target: EventSink,
    private readonly report: (error: unknown) => void,
  ) {}

  push(event: WampEvent): void {
    let args: unknown[] | Promise<unknown[]>;
    try {
      args = validateArgs(this.schema, event.args);
    } catch (error) {
      this.report(error);
      return;
    }
    if (!isThenable(args)) {
      this.target.push(args === event.args ? event : { args, kwargs: event.kwargs, details: event.details });
      return;
    }
    args.then((valid) => this.target.push({ args: valid, kwargs: event.kwargs, details: event.details }), this.report);
  }

  end(error?: unknown): void {
    this.target.end(error);
  }
}
