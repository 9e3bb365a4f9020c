// The testament meta procedures (`wamp.session.add_testament`, `wamp.session.flush_testaments`): a session leaves
// events to be published when it ends; the cluster keeps a copy in case this node dies with the session.
import { ErrorUri, WampError } from '@wamp/protocol';
import type { RouterSession } from '../session.js';
import type { MetaContext, MetaTable } from './meta-procedure.js';
import { type TestamentRules, testamentScope } from './testament-rules.js';

/**
 * The testament procedures of a realm: each acts on the calling session's own testaments, checked by `rules`.
 *
 * @example
 * ```ts
 * const table = testamentProcedures({ realm, fabric }, new TestamentRules(limits, serializer));
 * table['wamp.session.add_testament']!(['com.example.gone', ['bye']], {}, caller); // []
 * ```
 */
export function testamentProcedures({ realm, fabric }: MetaContext, rules: TestamentRules): MetaTable {
  const callerSession = (caller: number): RouterSession => {
    const session = realm.sessions.get(caller);
    if (session === undefined) throw new WampError(ErrorUri.NO_SUCH_SESSION);
    return session;
  };
  return {
    'wamp.session.add_testament': (args, kwargs, caller) => {
      const session = callerSession(caller);
      const testament = rules.accept(args, kwargs, session.testaments);
      session.testaments ??= { detached: [], destroyed: [] };
      session.testaments[testamentScope(kwargs.scope)].push(testament);
      fabric?.keepTestaments({ realm: realm.name, session: session.id, testaments: session.testaments });
      return [];
    },
    'wamp.session.flush_testaments': (_args, kwargs, caller) => {
      const session = callerSession(caller);
      const testaments = session.testaments;
      if (testaments !== null) {
        testaments[testamentScope(kwargs.scope)] = [];
        fabric?.keepTestaments({ realm: realm.name, session: session.id, testaments });
      }
      return [];
    },
  };
}
