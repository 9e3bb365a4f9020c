// Where a publication with `retain: true` is kept: in the realm's own store on a router on its own, or in the
// cluster's (a late subscriber may be on any node), within the same byte bounds either way.
import type { EventDetails, PublishMessage } from '@wamp/protocol';
import type { ResolvedOptions } from '../../options.js';
import type { PubSubFabric } from '../fabric.js';
import { storedSize } from './payload-size.js';
import type { ReceiverFilter, ReceiverLists } from './receivers.js';
import { RetainedEvents } from './retained.js';

/**
 * The retained events of one realm: the store of a router on its own ({@link Retention.local}), or the cluster's.
 *
 * @example
 * ```ts
 * const retention = new Retention(options.limits, null, 'realm1');
 * retention.keep(publication, message, details, null, null); // undefined once kept, else why not
 * ```
 */
export class Retention {
  /** The last retained event of each topic, on a router on its own. */
  readonly local: RetainedEvents;

  constructor(
    private readonly limits: ResolvedOptions['limits'],
    private readonly fabric: PubSubFabric | null,
    private readonly realmName: string,
  ) {
    this.local = new RetainedEvents(limits);
  }

  /**
   * Keeps a publication as its topic's retained event, within the byte bounds (`limits.maxRetainedEventBytes`,
   * `limits.maxRetainedBytesPerRealm`). Returns undefined once kept, or why it was not: the spec lets a broker
   * decline retention, so an event over a bound is still delivered, only not retained (and the topic's earlier
   * retained event is dropped, being no longer the most recent). In a cluster the answer is a promise.
   */
  keep(
    publication: number,
    message: PublishMessage,
    details: EventDetails,
    filter: ReceiverFilter | null,
    receivers: ReceiverLists | null,
  ): string | undefined | Promise<string | undefined> {
    const topic = message[3];
    const args = message[4];
    const kwargs = message[5];
    if (this.fabric !== null) {
      return this.fabric.retain({ realm: this.realmName, topic, publication, details, args, kwargs, receivers });
    }
    const bytes = storedSize(topic, args, kwargs, this.limits.maxRetainedEventBytes);
    return this.local.keep({ topic, publication, details, args, kwargs, filter }, bytes);
  }
}
