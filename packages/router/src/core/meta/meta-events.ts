// The MetaEvents interface: what the broker and dealer report for the meta API's `on_*` events.
import type { Subscription } from '../broker/subscriptions.js';
import type { Registration } from '../dealer/registrations.js';
import type { RouterSession } from '../session.js';

/**
 * What the broker and dealer report for the meta API's events (`wamp.registration.on_*`,
 * `wamp.subscription.on_*`). The realm implements it and forwards to its meta session, leaving out what
 * concerns the router's own sessions.
 */
export interface MetaEvents {
  registrationCreated(session: RouterSession, registration: Registration): void;
  registered(session: RouterSession, registration: Registration): void;
  unregistered(session: RouterSession, registration: Registration): void;
  registrationDeleted(session: RouterSession, registration: Registration): void;
  subscriptionCreated(session: RouterSession, subscription: Subscription): void;
  subscribed(session: RouterSession, subscription: Subscription): void;
  unsubscribed(session: RouterSession, subscription: Subscription): void;
  subscriptionDeleted(session: RouterSession, subscription: Subscription): void;
}
