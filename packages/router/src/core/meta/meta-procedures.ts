// The meta API of one realm as this router alone answers it: every procedure table together, run with their
// failures turned into error answers.
import { ErrorUri, type KwArgs, WampError } from '@wamp/protocol';
import type { MetaAnswer } from '../fabric.js';
import { historyProcedures, historyQueries } from './history-procedures.js';
import type { MetaContext, MetaProcedure } from './meta-procedure.js';
import { registrationProcedures } from './registration-procedures.js';
import { routerProcedures } from './router-procedures.js';
import { sessionProcedures } from './session-procedures.js';
import { subscriptionProcedures } from './subscription-procedures.js';
import { testamentProcedures } from './testament-procedures.js';
import type { TestamentRules } from './testament-rules.js';

/**
 * The meta procedures of a realm, by name.
 *
 * @example
 * ```ts
 * const procedures = new MetaProcedures({ realm, fabric: null }, new TestamentRules(limits, serializer));
 * procedures.answer('wamp.session.count', [], {}, caller); // { result: [3] }
 * ```
 */
export class MetaProcedures {
  /** The procedures the meta session registers; the queries nobody can call (see `KEPT_EVENTS`) are not among them. */
  readonly names: readonly string[];
  private readonly table: ReadonlyMap<string, MetaProcedure>;

  constructor(context: MetaContext, testamentRules: TestamentRules) {
    const registered = {
      ...sessionProcedures(context),
      ...testamentProcedures(context, testamentRules),
      ...registrationProcedures(context),
      ...subscriptionProcedures(context),
      ...historyProcedures(context),
      // The router's own, for the dashboard: only while it is on.
      ...(context.realm.admin === null ? {} : routerProcedures(context.realm.admin, context.realm)),
    };
    this.names = Object.keys(registered);
    this.table = new Map(Object.entries({ ...registered, ...historyQueries(context) }));
  }

  /**
   * Runs a meta procedure (or query) on this router's view alone: for a call to this router, or for another node
   * of a cluster that gathers every node's answer.
   */
  answer(procedure: string, args: unknown[], kwargs: KwArgs, caller: number): MetaAnswer {
    const handler = this.table.get(procedure);
    if (handler === undefined) return { error: ErrorUri.NO_SUCH_PROCEDURE };
    try {
      return { result: handler(args, kwargs, caller) };
    } catch (failure) {
      if (failure instanceof WampError) return { error: failure.uri, args: failure.args };
      return { error: ErrorUri.INVALID_ARGUMENT, args: [String(failure)] };
    }
  }
}
