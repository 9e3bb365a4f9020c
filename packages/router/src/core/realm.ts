// One realm: its sessions, broker and dealer, and the meta events it forwards to its meta session.
import type { ScopedIdGenerator, Serializer } from '@wamp/protocol';
import type { ResolvedOptions } from '../options.js';
import type { RouterAdmin } from './admin.js';
import { Broker } from './broker/broker.js';
import { Fanout } from './broker/fanout.js';
import type { Subscription } from './broker/subscriptions.js';
import type { RouterCounters } from './counters.js';
import { Dealer } from './dealer/dealer.js';
import type { Registration } from './dealer/registrations.js';
import type { Fabric } from './fabric.js';
import type { MetaEvents } from './meta/meta-events.js';
import type { MetaSession } from './meta/meta-session.js';
import { Permissions } from './permissions.js';
import type { RouterSession } from './session.js';

/** Router-wide ID sequences: subscription and registration IDs are router-scoped in the spec. */
export interface RouterScopeIds {
  subscriptions: ScopedIdGenerator;
  registrations: ScopedIdGenerator;
}

/**
 * One realm: an isolated namespace with its own sessions, broker and dealer. Nothing crosses between realms.
 */
export class Realm implements MetaEvents {
  readonly sessions = new Map<number, RouterSession>();
  readonly broker: Broker;
  readonly dealer: Dealer;
  /** The realm's meta API session, once the router started it. */
  meta: MetaSession | null = null;
  /** What each role may do; null when the realm configures no roles, and every session may do everything. */
  readonly authorizer: Permissions | null;
  /** Sessions that are the router's own (the meta API), left out of counts and limits. */
  private trustedCount = 0;

  constructor(
    readonly name: string,
    options: ResolvedOptions,
    serializers: readonly Serializer[],
    ids: RouterScopeIds,
    fabric: Fabric | null,
    counters: RouterCounters,
    /** The dashboard's admins and taps; null while the dashboard is off. */
    readonly admin: RouterAdmin | null = null,
  ) {
    const roles = options.auth[name]?.roles;
    // Dynamic authorizers are procedures of this realm, called through its meta session.
    this.authorizer =
      roles === undefined
        ? null
        : new Permissions(
            roles,
            (procedure, args, timeoutMs) =>
              this.meta === null
                ? Promise.reject(new Error(`realm ${name} has no meta session`))
                : this.meta.call(procedure, args, timeoutMs),
            admin?.roles,
          );
    const fanout = new Fanout(serializers, options.limits.slowConsumer, counters);
    this.broker = new Broker(ids.subscriptions, fanout, options, this, name, fabric);
    this.dealer = new Dealer(
      ids.registrations,
      options,
      this,
      name,
      fabric,
      (id) => this.sessions.get(id),
      counters.calls,
    );
  }

  join(session: RouterSession): void {
    this.sessions.set(session.id, session);
    if (session.trusted) this.trustedCount++;
    else this.meta?.sessionJoined(session);
  }

  /** Client sessions in the realm, the router's own not counted. */
  get clientCount(): number {
    return this.sessions.size - this.trustedCount;
  }

  /** Removes a session and everything it held; O(its own subscriptions, registrations and calls). */
  leave(session: RouterSession): void {
    if (!this.sessions.delete(session.id)) return;
    this.broker.removeSession(session);
    this.dealer.removeSession(session);
    this.admin?.sessionLeft(session);
    if (session.trusted) this.trustedCount--;
    else if (this.meta !== null) {
      this.meta.publishTestaments(session);
      this.meta.sessionLeft(session);
    }
  }

  // MetaEvents: forwarded to the meta session, except what concerns the router's own sessions.

  registrationCreated(session: RouterSession, registration: Registration): void {
    if (!session.trusted) this.meta?.registrationEvent('wamp.registration.on_create', session, registration, true);
  }

  registered(session: RouterSession, registration: Registration): void {
    if (!session.trusted) this.meta?.registrationEvent('wamp.registration.on_register', session, registration, false);
  }

  unregistered(session: RouterSession, registration: Registration): void {
    if (!session.trusted) this.meta?.registrationEvent('wamp.registration.on_unregister', session, registration, false);
  }

  registrationDeleted(session: RouterSession, registration: Registration): void {
    if (!session.trusted) this.meta?.registrationEvent('wamp.registration.on_delete', session, registration, false);
  }

  subscriptionCreated(session: RouterSession, subscription: Subscription): void {
    if (!session.trusted) this.meta?.subscriptionEvent('wamp.subscription.on_create', session, subscription, true);
  }

  subscribed(session: RouterSession, subscription: Subscription): void {
    if (!session.trusted) this.meta?.subscriptionEvent('wamp.subscription.on_subscribe', session, subscription, false);
  }

  unsubscribed(session: RouterSession, subscription: Subscription): void {
    if (!session.trusted)
      this.meta?.subscriptionEvent('wamp.subscription.on_unsubscribe', session, subscription, false);
  }

  subscriptionDeleted(session: RouterSession, subscription: Subscription): void {
    if (!session.trusted) this.meta?.subscriptionEvent('wamp.subscription.on_delete', session, subscription, false);
  }
}
