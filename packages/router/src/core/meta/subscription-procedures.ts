// The subscription meta procedures (`wamp.subscription.*` but `get_events`): what the broker of one realm holds,
// and the administrative removal of a subscriber.
import { ErrorUri, WampError } from '@wamp/protocol';
import type { Broker } from '../broker/broker.js';
import type { Subscription } from '../broker/subscriptions.js';
import { byPolicy, type MetaContext, type MetaTable, matchOption } from './meta-procedure.js';

/**
 * `wamp.subscription.get` and `on_create` details.
 *
 * @example
 * ```ts
 * describeSubscription(subscription); // { id, created: '2025-…Z', uri: 'com.example.news', match: 'exact' }
 * ```
 */
export function describeSubscription(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    created: subscription.created.toISOString(),
    uri: subscription.topic,
    match: subscription.match,
  };
}

/**
 * The subscription with ID `id`, or `wamp.error.no_such_subscription`.
 *
 * @example
 * ```ts
 * const subscription = subscriptionOf(realm.broker, args[0]);
 * ```
 */
export function subscriptionOf(broker: Broker, id: unknown): Subscription {
  const subscription = broker.subscriptionById(id as number);
  if (subscription === undefined) throw new WampError(ErrorUri.NO_SUCH_SUBSCRIPTION);
  return subscription;
}

/**
 * The subscription procedures of a realm.
 *
 * @example
 * ```ts
 * const table = subscriptionProcedures({ realm, fabric: null });
 * table['wamp.subscription.count_subscribers']!([subscriptionId], {}, caller); // [2]
 * ```
 */
export function subscriptionProcedures({ realm }: MetaContext): MetaTable {
  const broker = realm.broker;
  const subscription = (id: unknown) => subscriptionOf(broker, id);
  return {
    'wamp.subscription.list': () => [byPolicy(broker.allSubscriptions())],
    'wamp.subscription.lookup': (args) => [broker.lookup(args[0] as string, matchOption(args[1]))?.id ?? null],
    'wamp.subscription.match': (args) => {
      const found = broker.matching(args[0] as string).map((subscription) => subscription.id);
      return [found.length > 0 ? found : null];
    },
    'wamp.subscription.get': (args) => [describeSubscription(subscription(args[0]))],
    'wamp.subscription.list_subscribers': (args) => [
      [...subscription(args[0]).subscribers].map((subscriber) => subscriber.id),
    ],
    'wamp.subscription.count_subscribers': (args) => [subscription(args[0]).subscribers.size],
    // Administrative removal (subscription revocation); the name follows Crossbar.io's meta API.
    'wamp.subscription.remove': (args, kwargs) => {
      const found = subscription(args[0]);
      const reason = typeof kwargs.reason === 'string' ? kwargs.reason : undefined;
      const subscribers = [...found.subscribers].filter(
        (subscriber) => args[1] === undefined || subscriber.id === args[1],
      );
      for (const subscriber of subscribers) broker.revoke(subscriber, found, reason);
      return [subscribers.map((subscriber) => subscriber.id)];
    },
  };
}
