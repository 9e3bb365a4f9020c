import type { ScopedIdGenerator, Serializer } from '@wamp/protocol';
import type { ResolvedOptions } from '../options.js';
import { Broker } from './broker/broker.js';
import { Fanout } from './broker/fanout.js';
import { Dealer } from './dealer/dealer.js';
import type { SessionMeta } from './meta/session-meta.js';
import type { RouterSession } from './session.js';

/** Router-wide ID sequences: subscription and registration IDs are router-scoped in the spec. */
export interface RouterScopeIds {
  subscriptions: ScopedIdGenerator;
  registrations: ScopedIdGenerator;
}

/**
 * One realm: an isolated namespace with its own sessions, broker and dealer. Nothing crosses between realms.
 */
export class Realm {
  readonly sessions = new Map<number, RouterSession>();
  readonly broker: Broker;
  readonly dealer: Dealer;
  /** The realm's meta API session, once the router started it. */
  meta: SessionMeta | null = null;
  /** Sessions that are the router's own (the meta API), left out of counts and limits. */
  private trustedCount = 0;

  constructor(
    readonly name: string,
    options: ResolvedOptions,
    serializers: readonly Serializer[],
    ids: RouterScopeIds,
  ) {
    this.broker = new Broker(ids.subscriptions, new Fanout(serializers, options.limits.slowConsumer), options);
    this.dealer = new Dealer(ids.registrations, options);
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
    if (session.trusted) this.trustedCount--;
    else this.meta?.sessionLeft(session);
  }
}
