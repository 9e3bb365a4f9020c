// Event retention on a router on its own: the last retained event of each topic of a realm, within byte bounds,
// and their delivery to a new subscriber.
import { type EventDetails, event, matchesPattern } from '@wamp/protocol';
import type { RouterSession } from '../session.js';
import type { ReceiverFilter } from './receivers.js';
import type { Subscription } from './subscriptions.js';

/** A retained event: what a late subscriber asking for it receives. */
export interface RetainedEvent {
  topic: string;
  publication: number;
  details: EventDetails;
  args: unknown[] | undefined;
  kwargs: Record<string, unknown> | undefined;
  filter: ReceiverFilter | null;
}

/** The byte bounds on retained events (see `limits.maxRetainedEventBytes` and `limits.maxRetainedBytesPerRealm`). */
export interface RetainedLimits {
  maxRetainedEventBytes: number;
  maxRetainedBytesPerRealm: number;
}

/**
 * Why a retained event was not kept, as the publisher's ERROR says; the event itself was still delivered. The
 * spec lets a broker decline retention ("by ignoring the retain value"); the acknowledged publisher hears it.
 */
export function tooBigToRetain(bytes: number, limit: number): string {
  return `delivered to current subscribers, not retained: a retained event may hold ${limit} bytes, this one holds ${bytes}`;
}

/** {@link tooBigToRetain} for a realm whose retained events hold all the bytes they may. */
export function realmRetainedFull(limit: number): string {
  return `delivered to current subscribers, not retained: the realm's retained events may hold ${limit} bytes in all`;
}

/**
 * The retained events of one realm on a router on its own: the last retained event of each topic, with what each
 * weighs (see `storedSize`), within a byte bound per event and one for the whole realm. A retained event refused
 * by a bound also removes the topic's earlier one, which is no longer the most recent (the spec: a late subscriber
 * gets the most recent retained event, never an older one).
 *
 * @example
 * ```ts
 * const retained = new RetainedEvents({ maxRetainedEventBytes: 1 << 20, maxRetainedBytesPerRealm: 64 << 20 });
 * retained.keep(event, 120); // undefined: kept
 * ```
 */
export class RetainedEvents {
  private readonly events = new Map<string, { event: RetainedEvent; bytes: number }>();
  private bytes = 0;

  constructor(private readonly limits: RetainedLimits) {}

  /** Keeps `event` as its topic's retained event; returns why not when a bound refuses it. */
  keep(event: RetainedEvent, bytes: number): string | undefined {
    const previous = this.events.get(event.topic);
    const others = this.bytes - (previous?.bytes ?? 0);
    let refusal: string | undefined;
    if (bytes > this.limits.maxRetainedEventBytes) {
      refusal = tooBigToRetain(bytes, this.limits.maxRetainedEventBytes);
    } else if (others + bytes > this.limits.maxRetainedBytesPerRealm) {
      refusal = realmRetainedFull(this.limits.maxRetainedBytesPerRealm);
    }
    this.bytes = others;
    if (refusal !== undefined) {
      this.events.delete(event.topic);
      return refusal;
    }
    this.events.set(event.topic, { event, bytes });
    this.bytes += bytes;
    return undefined;
  }

  /** Every retained event of the realm. */
  *values(): IterableIterator<RetainedEvent> {
    for (const kept of this.events.values()) yield kept.event;
  }
}

/**
 * Sends a new subscriber the retained events its subscription matches, marked `retained`.
 *
 * @example
 * ```ts
 * sendRetained(session, subscription, retained.values());
 * ```
 */
export function sendRetained(
  session: RouterSession,
  subscription: Subscription,
  events: Iterable<RetainedEvent>,
): void {
  for (const retained of events) {
    const topic = retained.topic;
    if (!matchesPattern(topic, subscription.topic, subscription.match)) continue;
    if (retained.filter !== null && !retained.filter.accepts(session)) continue;
    const details: EventDetails = { ...retained.details, retained: true };
    if (subscription.match !== 'exact') details.topic = topic;
    session.send(event(subscription.id, retained.publication, details, retained.args, retained.kwargs));
  }
}
