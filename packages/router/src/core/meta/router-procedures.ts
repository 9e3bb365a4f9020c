// The router's own procedures (`router.realm.list`, `router.session.stats`, `router.registration.stats`,
// `router.tap.*`): what the operator dashboard reads that the spec's meta API does not have. Only admins may call
// them.
import { ErrorUri, type KwArgs, WampError } from '@wamp/protocol';
import type { RouterAdmin } from '../admin.js';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import type { SessionTap } from '../tap.js';
import type { MetaTable } from './meta-procedure.js';

/** Sessions `router.session.stats` describes at most in one answer, unless asked for fewer. */
export const MAX_STATS_SESSIONS = 1000;

/** What `router.session.stats` says of a session: its counters and its outbound queue, read now. */
function sessionStats(session: RouterSession, now: number): Record<string, unknown> {
  const transport = session.transport;
  return {
    session: session.id,
    peer: transport.peer.remoteAddress,
    ageMs: now - session.joinedAt,
    messagesIn: session.messagesIn,
    messagesOut: session.messagesOut,
    queuedBytes: transport.bufferedAmount,
    highWaterMark: transport.highWaterMark,
    slow: transport.readyState === 1 && !transport.isWritable(),
    droppedEvents: session.droppedEvents,
    tapped: session.tap !== null,
  };
}

function describeTap(tap: SessionTap, after: number): Record<string, unknown> {
  return { session: tap.targetId, active: tap.active, messages: tap.since(after) };
}

/** A positional argument that must be a session ID. */
function sessionIdOf(value: unknown): number {
  if (!Number.isSafeInteger(value)) throw new WampError(ErrorUri.INVALID_ARGUMENT, ['expected a session ID']);
  return value as number;
}

/** The `limit` kwarg: how many entries an answer may hold, at most {@link MAX_STATS_SESSIONS}. */
function limitOf(kwargs: KwArgs): number {
  const limit = kwargs.limit ?? MAX_STATS_SESSIONS;
  if (!Number.isSafeInteger(limit) || (limit as number) < 1) {
    throw new WampError(ErrorUri.INVALID_ARGUMENT, ['limit must be a whole number of at least 1']);
  }
  return Math.min(limit as number, MAX_STATS_SESSIONS);
}

/**
 * The `router.*` procedures of a realm, for its admins (see {@link RouterAdmin.isAdmin}); anyone else is refused
 * with `wamp.error.not_authorized`, whatever the realm's roles allow. They answer for this realm's sessions, and
 * for this node alone in a cluster; `router.realm.list` names every realm of the router.
 *
 * @example
 * ```ts
 * const table = routerProcedures(admin, realm);
 * table['router.tap.start']!([target], {}, adminSessionId); // [{ session, limit, payloadChars }]
 * ```
 */
export function routerProcedures(admin: RouterAdmin, realm: Realm): MetaTable {
  const adminSession = (caller: number): RouterSession => {
    const session = realm.sessions.get(caller);
    if (!admin.isAdmin(session)) {
      throw new WampError(ErrorUri.NOT_AUTHORIZED, [
        `${caller} is not a dashboard admin: router.* procedures are for the dashboard's token or dashboard.adminRoles`,
      ]);
    }
    return session;
  };
  const client = (id: unknown): RouterSession => {
    const session = realm.sessions.get(sessionIdOf(id));
    if (session === undefined || session.trusted) throw new WampError(ErrorUri.NO_SUCH_SESSION);
    return session;
  };
  const { taps } = admin;
  return {
    'router.realm.list': (_args, _kwargs, caller) => {
      adminSession(caller);
      const realms = [...admin.realms()].map((each) => ({
        realm: each.name,
        sessions: each.clientCount,
        registrations: each.dealer.registrationCount - (each.meta === null ? 0 : each.meta.registeredCount),
        subscriptions: each.broker.subscriptionCount,
      }));
      return [realms.sort((a, b) => (a.realm < b.realm ? -1 : a.realm > b.realm ? 1 : 0))];
    },
    // The busiest sessions first (messages in and out), or those named in the first argument.
    'router.session.stats': (args, kwargs, caller) => {
      adminSession(caller);
      const limit = limitOf(kwargs);
      const now = Date.now();
      if (Array.isArray(args[0])) {
        const named = args[0].slice(0, limit).map(sessionIdOf);
        const found = named.map((id) => realm.sessions.get(id)).filter((s) => s !== undefined && !s.trusted);
        return [(found as RouterSession[]).map((session) => sessionStats(session, now))];
      }
      const sessions = [...realm.sessions.values()].filter((session) => !session.trusted);
      sessions.sort((a, b) => b.messagesIn + b.messagesOut - (a.messagesIn + a.messagesOut));
      return [sessions.slice(0, limit).map((session) => sessionStats(session, now))];
    },
    // Every client registration of the realm with its calls on this node, busiest first.
    'router.registration.stats': (_args, kwargs, caller) => {
      adminSession(caller);
      // The meta API's own (held by trusted sessions only) are not shown, as in wamp.registration.list.
      const registrations = [...realm.dealer.registrations.all()].filter((entry) =>
        entry.callees.some((callee) => !callee.trusted),
      );
      registrations.sort((a, b) => b.calls - a.calls);
      return [
        registrations.slice(0, limitOf(kwargs)).map((entry) => ({
          registration: entry.id,
          procedure: entry.procedure,
          match: entry.match,
          calls: entry.calls,
        })),
      ];
    },
    'router.tap.start': (args, _kwargs, caller) => {
      taps.start(adminSession(caller), client(args[0]));
      const { tapMessages, tapPayloadChars } = taps.limits;
      return [{ session: args[0], limit: tapMessages, payloadChars: tapPayloadChars }];
    },
    'router.tap.stop': (args, _kwargs, caller) => {
      if (!taps.stop(adminSession(caller), sessionIdOf(args[0]))) throw new WampError(ErrorUri.NO_SUCH_SESSION);
      return [];
    },
    // The messages after `seq` args[1] (default 0: all kept); only for an admin watching the tap.
    'router.tap.read': (args, _kwargs, caller) => {
      const watcher = adminSession(caller);
      const tap = taps.of(sessionIdOf(args[0]));
      if (tap === undefined || !tap.watchers.has(watcher)) {
        throw new WampError(ErrorUri.NO_SUCH_SESSION, ['this session is not tapped for you: router.tap.start first']);
      }
      const after = args[1] ?? 0;
      if (!Number.isSafeInteger(after))
        throw new WampError(ErrorUri.INVALID_ARGUMENT, ['expected a seq to read after']);
      return [describeTap(tap, after as number)];
    },
  };
}
