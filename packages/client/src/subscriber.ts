// The subscriber role of a session: its subscriptions, kept across reconnects and shared per topic, and each EVENT
// handed to their sinks.
import {
  type Dict,
  type EventMessage,
  isWampError,
  subscribe,
  type UnsubscribedDetails,
  unsubscribe,
} from '@wamp/protocol';
import type { Connection } from './connection.js';
import { Deferred, IdRequest, type PendingRequests } from './requests.js';
import type { SessionTracer } from './tracing.js';
import type { SubscribeOptions, WampEvent } from './types.js';

/**
 * Where a subscription's events go: a callback wrapper or an event stream's queue.
 *
 * @example
 * ```ts
 * const sink: EventSink = { push: (event) => console.log(event.args), end: () => {} };
 * ```
 */
export interface EventSink {
  /** One event. */
  push(event: WampEvent): void;
  /** No more events: the session ended or the broker revoked the subscription. */
  end(error?: unknown): void;
}

/**
 * One handler's subscription; `unsubscribe()` removes it. It survives reconnects: the session subscribes again.
 *
 * @example
 * ```ts
 * const subscription = await session.subscribe('com.example.tick', ([n]) => console.log(n));
 * await subscription.unsubscribe();
 * ```
 */
export interface Subscription {
  readonly topic: string;
  /** The router's subscription ID; it changes when the session reconnects, and is 0 while disconnected. */
  readonly id: number;
  /** Unsubscribes this handler; the session sends UNSUBSCRIBE when it was the topic's last. */
  unsubscribe(): Promise<void>;
}

/** One router subscription, shared by every handler of the same topic and options. */
class SubscriptionRecord {
  id = 0;
  readonly sinks = new Set<EventSink>();
  /** The record already holding this one's router subscription, when the broker returned its ID. */
  mergedInto: SubscriptionRecord | undefined;

  constructor(
    readonly topic: string,
    readonly options: SubscribeOptions,
  ) {}
}

class SubscriptionHandle implements Subscription {
  constructor(
    private readonly subscriber: Subscriber,
    private readonly record: SubscriptionRecord,
    private readonly sink: EventSink,
  ) {}

  get topic(): string {
    return this.record.topic;
  }

  get id(): number {
    return this.record.id;
  }

  unsubscribe(): Promise<void> {
    return this.subscriber.unsubscribe(this.record, this.sink);
  }
}

/** Hands one event to every sink of a subscription. */
function deliver(sinks: Set<EventSink>, event: WampEvent): void {
  for (const sink of sinks) sink.push(event);
}

/**
 * The subscriber role: subscriptions (restored after reconnects) and EVENT delivery to their sinks. Handlers of
 * one topic share the router's subscription, and the last to leave sends UNSUBSCRIBE.
 *
 * @example
 * ```ts
 * const subscriber = new Subscriber(connection, requests);
 * await subscriber.subscribe('com.example.tick', { push: console.log, end() {} }, {});
 * ```
 */
export class Subscriber {
  private readonly subscribed = new Set<SubscriptionRecord>();
  private readonly byId = new Map<number, SubscriptionRecord>();

  constructor(
    private readonly connection: Connection,
    private readonly requests: PendingRequests,
    /** Delivery spans, while the session's tracing is on. */
    private readonly tracer: SessionTracer | null = null,
  ) {}

  async subscribe(topic: string, sink: EventSink, options: SubscribeOptions): Promise<Subscription> {
    if (this.connection.state !== 'open') throw this.connection.notOpen(`subscribe to ${topic}`);
    const record = new SubscriptionRecord(topic, options);
    record.sinks.add(sink);
    await this.send(record);
    return new SubscriptionHandle(this, record.mergedInto ?? record, sink);
  }

  async unsubscribe(record: SubscriptionRecord, sink: EventSink): Promise<void> {
    if (!record.sinks.delete(sink) || record.sinks.size > 0) return;
    const id = record.id;
    this.subscribed.delete(record);
    this.byId.delete(id);
    record.id = 0;
    if (id === 0 || this.connection.state !== 'open') return;
    const request = new Deferred<unknown>();
    this.connection.send(unsubscribe(this.requests.add(request), id));
    await request.promise;
  }

  /** Subscribes everything again under the new session; a refusal is reported and retried on the next join. */
  restore(): Promise<unknown>[] {
    return [...this.subscribed].map((record) =>
      this.send(record).catch((error: unknown) => {
        if (isWampError(error)) this.connection.reportError(error);
      }),
    );
  }

  event(message: EventMessage): void {
    const record = this.byId.get(message[1]);
    if (record === undefined) return;
    const event: WampEvent = { args: message[4] ?? [], kwargs: message[5] ?? {}, details: message[3] };
    if (this.tracer === null) {
      deliver(record.sinks, event);
      return;
    }
    // The handlers, and what they call and publish, run in the delivery's span: the publisher's trace goes on there.
    const span = this.tracer.event(record.topic, record.options.match, message);
    span.run((delivered) => deliver(record.sinks, delivered), event);
    span.end();
  }

  /** UNSUBSCRIBED with request 0: the broker revoked a subscription; its handlers and streams end. */
  revoked(details: UnsubscribedDetails | undefined): void {
    const record = details?.subscription === undefined ? undefined : this.byId.get(details.subscription);
    if (record === undefined) return;
    this.byId.delete(record.id);
    this.subscribed.delete(record);
    record.id = 0;
    for (const sink of record.sinks) sink.end();
    record.sinks.clear();
  }

  /** The connection is gone: subscriptions wait for the next join. */
  lost(): void {
    for (const record of this.subscribed) record.id = 0;
    this.byId.clear();
  }

  /** The session is over: every stream ends. */
  ended(): void {
    this.lost();
    for (const record of this.subscribed) for (const sink of record.sinks) sink.end();
    this.subscribed.clear();
  }

  private send(record: SubscriptionRecord): Promise<number> {
    const request = new IdRequest((id) => this.bind(record, id));
    this.connection.send(subscribe(this.requests.add(request), record.options as Dict, record.topic));
    return request.promise;
  }

  /**
   * Files a subscription under its router ID as SUBSCRIBED arrives. The broker answers every SUBSCRIBE to one
   * topic with the same ID, so a second handler joins the record already holding it.
   */
  private bind(record: SubscriptionRecord, id: number): void {
    const existing = this.byId.get(id);
    if (existing !== undefined && existing !== record) {
      for (const sink of record.sinks) existing.sinks.add(sink);
      record.mergedInto = existing;
      this.subscribed.delete(record);
      return;
    }
    record.id = id;
    this.byId.set(id, record);
    this.subscribed.add(record);
  }
}
