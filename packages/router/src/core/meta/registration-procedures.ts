// The registration meta procedures (`wamp.registration.*`): what the dealer of one realm holds, and the
// administrative removal of a callee. The registrations of the router's own sessions are not shown.
import { ErrorUri, WampError } from '@wamp/protocol';
import type { Registration } from '../dealer/registrations.js';
import { byPolicy, type MetaContext, type MetaTable, matchOption } from './meta-procedure.js';

/**
 * `wamp.registration.get` and `on_create` details.
 *
 * @example
 * ```ts
 * describeRegistration(registration); // { id, created: '2025-…Z', uri: 'com.example.add', match: 'exact', invoke: 'single' }
 * ```
 */
export function describeRegistration(registration: Registration): Record<string, unknown> {
  return {
    id: registration.id,
    created: registration.created.toISOString(),
    uri: registration.procedure,
    match: registration.match,
    invoke: registration.invoke,
  };
}

/**
 * The registration procedures of a realm. A callee on another node of the cluster is removed by that node (asked
 * through the fabric).
 *
 * @example
 * ```ts
 * const table = registrationProcedures({ realm, fabric: null });
 * table['wamp.registration.match']!(['com.example.add'], {}, caller); // [registrationId] or [null]
 * ```
 */
export function registrationProcedures({ realm, fabric }: MetaContext): MetaTable {
  const dealer = realm.dealer;
  const visible = (registration: Registration | undefined) =>
    registration?.callees.some((callee) => !callee.trusted) ? registration.id : null;
  /** A registration held by a client session; the meta API's own are not shown. */
  const clientRegistration = (id: unknown): Registration => {
    const registration = dealer.registrations.byId(id as number);
    if (registration === undefined || registration.callees.every((callee) => callee.trusted)) {
      throw new WampError(ErrorUri.NO_SUCH_REGISTRATION);
    }
    return registration;
  };
  return {
    'wamp.registration.list': () => [
      byPolicy([...dealer.registrations.all()].filter((registration) => visible(registration) !== null)),
    ],
    'wamp.registration.lookup': (args) => [visible(dealer.registrations.get(args[0] as string, matchOption(args[1])))],
    'wamp.registration.match': (args) => [visible(dealer.registrations.best(args[0] as string))],
    'wamp.registration.get': (args) => [describeRegistration(clientRegistration(args[0]))],
    'wamp.registration.list_callees': (args) => [clientRegistration(args[0]).callees.map((callee) => callee.id)],
    'wamp.registration.count_callees': (args) => [clientRegistration(args[0]).callees.length],
    // Administrative removal (registration revocation); the name follows Crossbar.io's meta API.
    'wamp.registration.remove': (args, kwargs) => {
      const registration = clientRegistration(args[0]);
      const reason = typeof kwargs.reason === 'string' ? kwargs.reason : undefined;
      const callees = registration.callees.filter((callee) => args[1] === undefined || callee.id === args[1]);
      for (const callee of callees) {
        const local = realm.sessions.get(callee.id);
        // A callee of another node of the cluster: that node revokes it.
        if (local !== undefined) dealer.revoke(local, registration, reason);
        else fabric?.revokeRemote({ realm: realm.name, callee, registration: registration.id, reason });
      }
      return [callees.map((callee) => callee.id)];
    },
  };
}
