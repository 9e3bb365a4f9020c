// Event history in the meta API: `wamp.subscription.get_events`, and the query for a history log's kept events
// that lets a cluster gather every node's before filtering.
import type { HistoryEntry } from '../broker/history.js';
import { type MetaContext, type MetaTable, matchOption } from './meta-procedure.js';
import { subscriptionOf } from './subscription-procedures.js';

/**
 * A query answered like a meta procedure but never registered (no client can call it): the kept events of the
 * history log of `[topic, match]`, unfiltered and oldest first, as `[entries]`. The name is the one the cluster's
 * nodes ask each other under.
 */
export const KEPT_EVENTS = 'wamp.cluster.history';

/**
 * Kept events as `wamp.subscription.get_events` answers them.
 *
 * @example
 * ```ts
 * describeEvents(subscription.id, entries); // [{ timestamp: '2025-…Z', subscription, publication, topic, args, kwargs }]
 * ```
 */
export function describeEvents(subscription: number, events: readonly HistoryEntry[]): Record<string, unknown>[] {
  return events.map((entry) => ({
    timestamp: new Date(entry.time).toISOString(),
    subscription,
    publication: entry.publication,
    topic: entry.topic,
    args: entry.args ?? [],
    kwargs: entry.kwargs ?? {},
  }));
}

/**
 * `wamp.subscription.get_events` on this router's kept events: `[subscription]` and the filters in kwargs
 * (`limit`, `reverse`, publication and time ranges).
 *
 * @example
 * ```ts
 * const table = historyProcedures({ realm, fabric: null });
 * table['wamp.subscription.get_events']!([subscriptionId], { limit: 10 }, caller); // [[…the last 10 events]]
 * ```
 */
export function historyProcedures({ realm }: MetaContext): MetaTable {
  return {
    'wamp.subscription.get_events': (args, kwargs) => {
      const subscription = subscriptionOf(realm.broker, args[0]);
      return [
        describeEvents(
          subscription.id,
          realm.broker.history.query(subscription.topic, subscription.match, kwargs) ?? [],
        ),
      ];
    },
  };
}

/**
 * The unregistered {@link KEPT_EVENTS} query of a realm.
 *
 * @example
 * ```ts
 * historyQueries({ realm, fabric })[KEPT_EVENTS]!(['com.log', 'exact'], {}, 0); // [[…entries]]
 * ```
 */
export function historyQueries({ realm }: MetaContext): MetaTable {
  return {
    [KEPT_EVENTS]: (args) => [realm.broker.history.entriesOf(String(args[0]), matchOption({ match: args[1] })) ?? []],
  };
}
