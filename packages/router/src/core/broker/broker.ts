import {
  ErrorUri,
  error,
  event,
  globalId,
  isReservedUri,
  MessageCode,
  type PublishMessage,
  published,
  type ScopedIdGenerator,
  type SubscribeMessage,
  subscribed,
  type UnsubscribeMessage,
  unsubscribed,
} from '@wamp/protocol';
import type { ResolvedOptions } from '../../options.js';
import { acceptableUri, LIMIT_REACHED, tooDeep } from '../limits.js';
import type { RouterSession } from '../session.js';
import type { Fanout } from './fanout.js';
import { Subscription } from './subscriptions.js';

/** Shared by every EVENT without details; never mutated, and encoded synchronously. */
const NO_DETAILS = Object.freeze({});

/**
 * The broker of one realm: subscriptions and publication routing. Exact topics are found with one `Map`
 * lookup, and each EVENT is encoded once per serializer (see {@link Fanout}).
 */
export class Broker {
  private readonly exact = new Map<string, Subscription>();
  private readonly byId = new Map<number, Subscription>();

  private readonly limits: ResolvedOptions['limits'];
  private readonly uriCheck: ResolvedOptions['uriCheck'];

  constructor(
    private readonly subscriptionIds: ScopedIdGenerator,
    private readonly fanout: Fanout,
    options: ResolvedOptions,
  ) {
    this.limits = options.limits;
    this.uriCheck = options.uriCheck;
  }

  /** Number of subscriptions (not subscribers) in the realm. */
  get subscriptionCount(): number {
    return this.byId.size;
  }

  subscribe(session: RouterSession, message: SubscribeMessage): void {
    const [, request, options, topic] = message;
    const match = options.match ?? 'exact';
    if (match !== 'exact') {
      session.send(
        error(MessageCode.SUBSCRIBE, request, {}, ErrorUri.INVALID_ARGUMENT, [
          `match "${String(match)}" is not supported`,
        ]),
      );
      return;
    }
    if (!acceptableUri(topic, this.uriCheck, this.limits.maxUriLength)) {
      session.send(error(MessageCode.SUBSCRIBE, request, {}, ErrorUri.INVALID_URI, [`invalid topic URI "${topic}"`]));
      return;
    }
    let subscription = this.exact.get(topic);
    if (
      (subscription === undefined || !session.subscriptions.has(subscription)) &&
      session.subscriptions.size >= this.limits.maxSubscriptionsPerSession
    ) {
      session.send(
        error(MessageCode.SUBSCRIBE, request, {}, LIMIT_REACHED, [
          `limit of ${this.limits.maxSubscriptionsPerSession} subscriptions per session reached`,
        ]),
      );
      return;
    }
    if (subscription === undefined) {
      subscription = new Subscription(this.subscriptionIds.next(), topic, match);
      this.exact.set(topic, subscription);
      this.byId.set(subscription.id, subscription);
    }
    // Subscribing twice is not an error: the session gets the same subscription ID and each event once.
    subscription.subscribers.add(session);
    session.subscriptions.add(subscription);
    session.send(subscribed(request, subscription.id));
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

  publish(session: RouterSession, message: PublishMessage): void {
    // Index access rather than destructuring: this runs for every publication.
    const request = message[1];
    const options = message[2];
    const topic = message[3];
    const acknowledge = options.acknowledge === true;
    if (!acceptableUri(topic, this.uriCheck, this.limits.maxUriLength) || isReservedUri(topic)) {
      // Without `acknowledge` the publisher asked for no answer, errors included (spec: PUBLISH).
      if (acknowledge) {
        session.send(error(MessageCode.PUBLISH, request, {}, ErrorUri.INVALID_URI, [`invalid topic URI "${topic}"`]));
      }
      return;
    }
    if (tooDeep(message[4], this.limits.maxPayloadDepth) || tooDeep(message[5], this.limits.maxPayloadDepth)) {
      if (acknowledge) {
        session.send(
          error(MessageCode.PUBLISH, request, {}, ErrorUri.INVALID_ARGUMENT, [
            `payload nested deeper than ${this.limits.maxPayloadDepth} levels`,
          ]),
        );
      }
      return;
    }
    const publication = globalId();
    const subscription = this.exact.get(topic);
    if (subscription !== undefined) {
      const excluded = options.exclude_me === false ? null : session;
      this.fanout.send(
        event(subscription.id, publication, NO_DETAILS, message[4], message[5]),
        subscription.subscribers,
        excluded,
      );
    }
    if (acknowledge) session.send(published(request, publication));
  }

  /** Drops every subscription of a leaving session; O(its own subscriptions). */
  removeSession(session: RouterSession): void {
    for (const subscription of session.subscriptions) this.detach(session, subscription);
  }

  private detach(session: RouterSession, subscription: Subscription): void {
    session.subscriptions.delete(subscription);
    subscription.subscribers.delete(session);
    if (subscription.subscribers.size === 0) {
      this.exact.delete(subscription.topic);
      this.byId.delete(subscription.id);
    }
  }
}
