// The session meta procedures (`wamp.session.count`, `list`, `get`, `kill`, `kill_by_*`, `kill_all`): what a
// router knows of the sessions of one realm, and how an operator ends them.
import { ErrorUri, isValidUri, type KwArgs, WampError } from '@wamp/protocol';
import type { RouterSession } from '../session.js';
import type { MetaContext, MetaTable } from './meta-procedure.js';

const KILLED = 'wamp.close.killed';

/**
 * What `wamp.session.get` and `wamp.session.on_join` say about a session. The peer address only with `peer`: the
 * `get` answer carries it until `PeerAddresses` (peer-address.ts) trims it for the caller, `on_join` (which goes to every
 * subscriber) never does.
 *
 * @example
 * ```ts
 * describeSession(session, false); // { session: 42, authid: 'alice', authrole: 'user', …, transport: { protocol } }
 * ```
 */
export function describeSession(session: RouterSession, peer: boolean): Record<string, unknown> {
  const transport: Record<string, unknown> = { protocol: session.transport.protocol };
  if (peer) transport.peer = session.transport.peer.remoteAddress;
  return {
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: session.authprovider,
    transport,
  };
}

/** The authroles `count` and `list` are restricted to (their first argument), or null for every role. */
function authroleFilter(args: unknown[]): Set<unknown> | null {
  return Array.isArray(args[0]) ? new Set(args[0]) : null;
}

/** Ends `targets` with GOODBYE and the reason (and message) the caller gave; their IDs. */
function kill(targets: RouterSession[], kwargs: KwArgs): number[] {
  const reason = kwargs.reason ?? KILLED;
  if (typeof reason !== 'string' || !isValidUri(reason))
    throw new WampError(ErrorUri.INVALID_URI, ['reason must be a URI']);
  const message = typeof kwargs.message === 'string' ? kwargs.message : undefined;
  for (const target of targets) target.goodbye(reason, 1000, message);
  return targets.map((target) => target.id);
}

/**
 * The session meta procedures of a realm, on this router's sessions; the router's own sessions are never counted,
 * listed, described or killed.
 *
 * @example
 * ```ts
 * const table = sessionProcedures({ realm, fabric: null });
 * table['wamp.session.count']!([], {}, caller); // [3]
 * ```
 */
export function sessionProcedures({ realm }: MetaContext): MetaTable {
  const clients = () => [...realm.sessions.values()].filter((session) => !session.trusted);
  const withRoles = (args: unknown[]) => {
    const roles = authroleFilter(args);
    return clients().filter((session) => roles === null || roles.has(session.authrole));
  };
  const client = (id: unknown) => {
    const session = realm.sessions.get(id as number);
    if (session === undefined || session.trusted) throw new WampError(ErrorUri.NO_SUCH_SESSION);
    return session;
  };
  const othersWhere = (caller: number, keep: (session: RouterSession) => boolean) =>
    clients().filter((session) => session.id !== caller && keep(session));
  return {
    'wamp.session.count': (args) => [withRoles(args).length],
    'wamp.session.list': (args) => [withRoles(args).map((session) => session.id)],
    'wamp.session.get': (args) => [describeSession(client(args[0]), true)],
    'wamp.session.kill': (args, kwargs, caller) => {
      const session = client(args[0]);
      // The caller cannot kill itself: no *other* session has its ID.
      if (session.id === caller) throw new WampError(ErrorUri.NO_SUCH_SESSION);
      kill([session], kwargs);
      return [];
    },
    'wamp.session.kill_by_authid': (args, kwargs, caller) => [
      kill(
        othersWhere(caller, (session) => session.authid === args[0]),
        kwargs,
      ),
    ],
    'wamp.session.kill_by_authrole': (args, kwargs, caller) => [
      kill(
        othersWhere(caller, (session) => session.authrole === args[0]),
        kwargs,
      ).length,
    ],
    'wamp.session.kill_all': (_args, kwargs, caller) => [
      kill(
        othersWhere(caller, () => true),
        kwargs,
      ).length,
    ],
  };
}
