// The broker of one realm: its subscriptions, and the routing of publications to their subscribers.
import {
  ErrorUri,
  type EventDetails,
  error,
  event,
  globalId,
  isReservedUri,
  isValidPattern,
  type MatchPolicy,
  MessageCode,
  type PublishMessage,
  type ScopedIdGenerator,
  type SubscribeMessage,
  subscribed,
  type UnsubscribeMessage,
  unsubscribed,
} from '@wamp/protocol';
import type { ResolvedOptions } from '../../options.js';
import { isRouterUri } from '../admin.js';
import type { Publication, PubSubFabric, TopicRef } from '../fabric.js';
import { acceptableUri, LIMIT_REACHED } from '../limits.js';
import { UriMatcher } from '../matching/uri-matcher.js';
import type { MetaEvents } from '../meta/meta-events.js';
import { describeDefect, payloadDefect } from '../payload-check.js';
import type { Verdict } from '../permissions.js';
import { tellRevoked } from '../revocation.js';
import type { RouterSession } from '../session.js';
import type { RouterTracer } from '../tracing.js';
import { eventDetails, receiverLists, retainedFromRecord, withTopic } from './event-details.js';
import type { Fanout } from './fanout.js';
import { EventHistory } from './history.js';
import { acknowledgePublish, refusePublish } from './publish-answers.js';
import { ReceiverFilter } from './receivers.js';
import { sendRetained } from './retained.js';
import { Retention } from './retention.js';
import { Subscription } from './subscriptions.js';

/**
 * The broker of one realm: subscriptions (exact, prefix and wildcard) and publication routing. Exact topics are
 * one `Map` lookup and pattern subscriptions are looked up in O(topic length) (see {@link UriMatcher}); each
 * EVENT is encoded once per serializer (see {@link Fanout}).
 */
export class Broker {
  private readonly subscriptions = new UriMatcher<Subscription>();
  private readonly byId = new Map<number, Subscription>();
  /** Reused for every publication's pattern lookup. */
  private readonly matched: Subscription[] = [];
  /** The realm's retained events (event retention). */
  private readonly retention: Retention;
  /** The realm's event history (the meta API's `get_events` reads it). */
  readonly history: EventHistory;
  private readonly limits: ResolvedOptions['limits'];
  private readonly uriCheck: ResolvedOptions['uriCheck'];
  /** Spans for publications, while tracing is on. */
  private readonly tracer: RouterTracer | null;

  constructor(
    private readonly subscriptionIds: ScopedIdGenerator,
    private readonly fanout: Fanout,
    options: ResolvedOptions,
    private readonly meta: MetaEvents,
    private readonly realmName: string,
    /** The cluster, when this router is one node of several; null for a router on its own. */
    private readonly fabric: PubSubFabric | null,
  ) {
    this.limits = options.limits;
    this.uriCheck = options.uriCheck;
    this.tracer = options.tracing;
    this.history = new EventHistory(options.eventHistory, options.limits.maxHistoryBytesPerRealm);
    this.retention = new Retention(options.limits, fabric, realmName);
  }

  /** Number of subscriptions (not subscribers) in the realm. */
  get subscriptionCount(): number {
    return this.byId.size;
  }

  /**
   * `verdict` is the realm authorizer's answer for this subscription (the session asked it before). Returns a
   * promise when the subscription must wait for the cluster (a topic new to this node); SUBSCRIBED follows then.
   */
  subscribe(session: RouterSession, message: SubscribeMessage, verdict: Verdict): Promise<void> | undefined {
    const [, request, options, topic] = message;
    const match = options.match ?? 'exact';
    if (
      topic.length > this.limits.maxUriLength ||
      !isValidPattern(topic, match, this.uriCheck) ||
      (isRouterUri(topic) && !session.trusted)
    ) {
      session.send(error(MessageCode.SUBSCRIBE, request, {}, ErrorUri.INVALID_URI, [`invalid topic URI "${topic}"`]));
      return undefined;
    }
    if (verdict === 'deny') {
      session.send(error(MessageCode.SUBSCRIBE, request, {}, ErrorUri.NOT_AUTHORIZED));
      return undefined;
    }
    const subscription = this.subscriptions.get(topic, match);
    if (
      (subscription === undefined || !session.subscriptions.has(subscription)) &&
      session.subscriptions.size >= this.limits.maxSubscriptionsPerSession
    ) {
      session.send(
        error(MessageCode.SUBSCRIBE, request, {}, LIMIT_REACHED, [
          `limit of ${this.limits.maxSubscriptionsPerSession} subscriptions per session reached`,
        ]),
      );
      return undefined;
    }
    const fabric = this.fabric;
    const getRetained = options.get_retained === true;
    if (fabric === null || (subscription !== undefined && !getRetained)) {
      this.addSubscriber(session, request, topic, match, getRetained);
      return undefined;
    }
    // In a cluster: a topic new to this node needs other nodes' publications routed here before SUBSCRIBED says
    // they will come (the hold taken for it becomes the subscription's), and retained events are the cluster's.
    const ref: TopicRef = { realm: this.realmName, topic, match };
    const held = subscription === undefined;
    const interest = held ? fabric.follow(ref) : undefined;
    const retained = getRetained ? fabric.retained(ref) : undefined;
    return Promise.all([interest, retained]).then(
      ([, records]) => {
        // The session may have left while the cluster was asked.
        if (session.realm?.broker !== this) {
          if (held) fabric.unfollow(ref);
          return;
        }
        const joined = this.addSubscriber(session, request, topic, match, false, held);
        if (records !== undefined) sendRetained(session, joined, records.map(retainedFromRecord));
      },
      (failure: unknown) => {
        if (held) fabric.unfollow(ref);
        throw failure;
      },
    );
  }

  /**
   * Adds the session to the subscription (created if new), sends SUBSCRIBED, and returns the subscription. `held`:
   * a hold of the fabric was taken for it (see {@link PubSubFabric.follow}), which a new subscription keeps.
   */
  private addSubscriber(
    session: RouterSession,
    request: number,
    topic: string,
    match: MatchPolicy,
    getRetained: boolean,
    held = false,
  ): Subscription {
    let subscription = this.subscriptions.get(topic, match);
    const created = subscription === undefined;
    if (subscription === undefined) {
      subscription = new Subscription(this.newSubscriptionId(topic, match), topic, match);
      this.subscriptions.set(topic, match, subscription);
      this.byId.set(subscription.id, subscription);
    }
    // Subscribing twice is not an error: the session gets the same subscription ID and each event once.
    const added = !session.subscriptions.has(subscription);
    subscription.subscribers.add(session);
    session.subscriptions.add(subscription);
    session.send(subscribed(request, subscription.id));
    if (created) this.meta.subscriptionCreated(session, subscription);
    if (created !== held && this.fabric !== null) {
      const ref = { realm: this.realmName, topic, match };
      if (created) this.fabric.follow(ref);
      else this.fabric.unfollow(ref);
    }
    if (added) this.meta.subscribed(session, subscription);
    if (getRetained) sendRetained(session, subscription, this.retention.local.values());
    return subscription;
  }

  /** A subscription ID: the next of this router, or in a cluster the same one on every node (a hash). */
  private newSubscriptionId(topic: string, match: MatchPolicy): number {
    if (this.fabric === null) return this.subscriptionIds.next();
    const id = this.fabric.subscriptionId({ realm: this.realmName, topic, match });
    if (!this.byId.has(id)) return id;
    // Two topics with one hash (about one chance in 2^53 per pair): unique here, if not the same on every node.
    return this.subscriptionIds.next();
  }

  unsubscribe(session: RouterSession, message: UnsubscribeMessage): void {
    const [, request, subscriptionId] = message;
    const subscription = this.byId.get(subscriptionId);
    if (subscription === undefined || !session.subscriptions.has(subscription)) {
      session.send(error(MessageCode.UNSUBSCRIBE, request, {}, ErrorUri.NO_SUCH_SUBSCRIPTION));
      return;
    }
    this.detach(session, subscription);
    session.send(unsubscribed(request));
  }

  /**
   * `verdict` is the realm authorizer's answer for this publication (the session asked it before). Returns a
   * promise for a retained publication in a cluster: PUBLISHED follows once the cluster keeps it.
   */
  publish(session: RouterSession, message: PublishMessage, verdict: Verdict): Promise<void> | undefined {
    // Index access rather than destructuring: this runs for every publication.
    const request = message[1];
    const options = message[2];
    const topic = message[3];
    const acknowledge = options.acknowledge === true;
    if (!acceptableUri(topic, this.uriCheck, this.limits.maxUriLength) || (isReservedUri(topic) && !session.trusted)) {
      this.refuse(session, message, ErrorUri.INVALID_URI, `invalid topic URI "${topic}"`);
      return;
    }
    const defect = payloadDefect(message[4], message[5], this.limits);
    if (defect !== undefined) {
      this.refuse(session, message, ErrorUri.INVALID_ARGUMENT, describeDefect(defect));
      return;
    }
    if (verdict === 'deny') {
      this.refuse(session, message, ErrorUri.NOT_AUTHORIZED, undefined);
      return;
    }
    const publication = globalId();
    const span =
      this.tracer === null
        ? null
        : this.tracer.startPublication({ realm: this.realmName, publisher: session, publication, message });
    const excluded = options.exclude_me === false ? 0 : session.id;
    const filter = ReceiverFilter.from(options);
    const details = eventDetails(session, options, verdict === 'allow-disclosed', span?.carrier);
    const receivers = this.fabric === null ? null : receiverLists(options);
    // In a cluster the other nodes come first: a publication too big for NATS is refused before anyone gets it.
    const notSent = this.fabric?.publish({
      realm: this.realmName,
      id: publication,
      topic,
      args: message[4],
      kwargs: message[5],
      details,
      excludedSession: excluded,
      receivers,
    });
    if (notSent !== undefined) {
      span?.end(0, ErrorUri.INVALID_ARGUMENT);
      refusePublish(session, message, ErrorUri.INVALID_ARGUMENT, notSent);
      return undefined;
    }
    this.fanout.counters.eventsPublished++;
    if (this.history.enabled) this.history.record(topic, publication, message[4], message[5]);
    const notRetained =
      options.retain === true ? this.retention.keep(publication, message, details, filter, receivers) : undefined;
    const sent = this.route(publication, topic, details, message[4], message[5], excluded, filter);
    span?.end(sent);
    if (notRetained instanceof Promise) {
      // PUBLISHED (and the session's next messages) once the cluster keeps the event for late subscribers.
      return notRetained.then((why) => {
        if (acknowledge) acknowledgePublish(session, request, publication, why);
      });
    }
    if (acknowledge) acknowledgePublish(session, request, publication, notRetained);
    return undefined;
  }

  /** Refuses a PUBLISH before it was routed (see {@link refusePublish}), in its span too while tracing is on. */
  private refuse(session: RouterSession, message: PublishMessage, uri: string, why: string | undefined): void {
    refusePublish(session, message, uri, why);
    this.tracer?.refusePublication({ realm: this.realmName, publisher: session, publication: 0, message }, uri);
  }

  /** Delivers a publication made on another node to this node's matching subscribers. */
  deliver(publication: Publication): void {
    const filter = publication.receivers === null ? null : ReceiverFilter.from(publication.receivers);
    if (this.history.enabled)
      this.history.record(publication.topic, publication.id, publication.args, publication.kwargs);
    this.route(
      publication.id,
      publication.topic,
      publication.details,
      publication.args,
      publication.kwargs,
      publication.excludedSession,
      filter,
    );
  }

  /** Sends a publication's EVENT to every local subscriber of every matching subscription; returns how many got it. */
  private route(
    publication: number,
    topic: string,
    details: EventDetails,
    args: unknown[] | undefined,
    kwargs: Record<string, unknown> | undefined,
    excluded: number,
    filter: ReceiverFilter | null,
  ): number {
    const exact = this.subscriptions.get(topic, 'exact');
    let sent = 0;
    if (exact !== undefined) {
      sent = this.fanout.send(event(exact.id, publication, details, args, kwargs), exact.subscribers, excluded, filter);
    }
    if (this.subscriptions.hasPatterns) {
      const matched = this.matched;
      this.subscriptions.collectPatterns(topic, matched);
      // Pattern subscribers learn the concrete topic; a session in several matching subscriptions gets the
      // event once per subscription, as the spec says.
      const patternDetails = matched.length === 0 ? details : withTopic(details, topic);
      for (const subscription of matched) {
        sent += this.fanout.send(
          event(subscription.id, publication, patternDetails, args, kwargs),
          subscription.subscribers,
          excluded,
          filter,
        );
      }
      matched.length = 0;
    }
    this.fanout.counters.fanoutSizes?.observe(sent);
    return sent;
  }

  /** Drops every subscription of a leaving session; O(its own subscriptions). */
  removeSession(session: RouterSession): void {
    for (const subscription of session.subscriptions) this.detach(session, subscription);
  }

  private detach(session: RouterSession, subscription: Subscription): void {
    session.subscriptions.delete(subscription);
    subscription.subscribers.delete(session);
    this.meta.unsubscribed(session, subscription);
    if (subscription.subscribers.size === 0) {
      this.subscriptions.delete(subscription.topic, subscription.match);
      this.byId.delete(subscription.id);
      this.meta.subscriptionDeleted(session, subscription);
      this.fabric?.unfollow({ realm: this.realmName, topic: subscription.topic, match: subscription.match });
    }
  }

  /**
   * Removes `session` from a subscription on the router's own initiative (subscription revocation). A subscriber
   * that announced `subscription_revocation` is told with UNSUBSCRIBED `[35, 0, {subscription, reason}]`.
   */
  revoke(session: RouterSession, subscription: Subscription, reason: string | undefined): void {
    if (!session.subscriptions.has(subscription)) return;
    this.detach(session, subscription);
    tellRevoked(session, 'subscription', subscription.id, reason);
  }

  // ---- read access for the meta API (`wamp.subscription.*`)

  /** The subscription with this ID. */
  subscriptionById(id: number): Subscription | undefined {
    return this.byId.get(id);
  }

  /** Every subscription of the realm. */
  allSubscriptions(): IterableIterator<Subscription> {
    return this.byId.values();
  }

  /** The subscription stored under exactly this topic and policy. */
  lookup(topic: string, match: MatchPolicy): Subscription | undefined {
    return this.subscriptions.get(topic, match);
  }

  /**
   * True when a publication to `topic` could reach anyone or anything: a subscriber here, another node (which this
   * node does not track per topic), or the event history.
   */
  isHeard(topic: string): boolean {
    if (this.fabric !== null || this.history.enabled || this.subscriptions.get(topic, 'exact') !== undefined) {
      return true;
    }
    if (!this.subscriptions.hasPatterns) return false;
    const matched = this.matched;
    this.subscriptions.collectPatterns(topic, matched);
    const heard = matched.length > 0;
    matched.length = 0;
    return heard;
  }

  /** Every subscription an event to `topic` would reach. */
  matching(topic: string): Subscription[] {
    const found: Subscription[] = [];
    const exact = this.subscriptions.get(topic, 'exact');
    if (exact !== undefined) found.push(exact);
    this.subscriptions.collectPatterns(topic, found);
    return found;
  }
}
