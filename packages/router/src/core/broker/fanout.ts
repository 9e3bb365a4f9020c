// One EVENT sent to many subscribers, encoded once per serializer, with the slow-consumer policy.
import { type EventMessage, MessageCode, type Serializer } from '@wamp/protocol';
import type { SlowConsumerPolicy } from '../../options.js';
import type { RouterCounters } from '../counters.js';
import type { RouterSession } from '../session.js';
import type { ReceiverFilter } from './receivers.js';

/** WebSocket close code for a subscriber dropped by the `disconnect` slow-consumer policy ("policy violation"). */
const CLOSE_SLOW_CONSUMER = 1008;

/**
 * Sends one EVENT to many sessions, encoding it at most once per serializer in use rather than once per
 * subscriber. Frames are kept in a scratch array indexed like the router's serializer list and reused for
 * every fan-out, so nothing is allocated per subscriber.
 */
export class Fanout {
  private readonly frames: (string | Uint8Array | undefined)[];

  constructor(
    private readonly serializers: readonly Serializer[],
    private readonly slowConsumer: SlowConsumerPolicy,
    /** The router's totals: the fan-out counts what it sends and drops, the broker its publications. */
    readonly counters: RouterCounters,
  ) {
    this.frames = new Array(serializers.length).fill(undefined);
  }

  /**
   * Delivers `event` to every session in `subscribers` except the one with ID `excluded` (0: none) and those
   * `filter` refuses. A subscriber whose transport is
   * past its high-water mark gets the slow-consumer policy instead: the event is dropped and counted, or the
   * session is disconnected, as is one the event took past `limits.outboundHardLimit`. Returns the number of
   * sessions the event was sent to.
   */
  send(
    event: EventMessage,
    subscribers: ReadonlySet<RouterSession>,
    excluded: number,
    filter: ReceiverFilter | null,
  ): number {
    const frames = this.frames;
    frames.fill(undefined);
    let sent = 0;
    for (const subscriber of subscribers) {
      if (subscriber.id === excluded || (filter !== null && !filter.accepts(subscriber))) continue;
      const transport = subscriber.transport;
      if (!transport.isWritable()) {
        this.onSlowConsumer(subscriber);
        continue;
      }
      const index = subscriber.serializerIndex;
      let frame = frames[index];
      if (frame === undefined) {
        frame = this.serializers[index]!.encode(event);
        frames[index] = frame;
      }
      transport.sendEncoded(frame);
      subscriber.messagesOut++;
      if (subscriber.tap !== null) subscriber.tap.record('out', event);
      // Sent only below the high-water mark, so only an event bigger than the gap to the hard limit trips it.
      subscriber.flow?.afterWrite();
      sent++;
    }
    this.counters.countSent(MessageCode.EVENT, sent);
    return sent;
  }

  private onSlowConsumer(subscriber: RouterSession): void {
    // A closing transport is not writable either, but it is not slow: it is leaving.
    if (subscriber.transport.readyState !== 1) return;
    if (this.slowConsumer === 'drop') {
      // Counted, and logged only when the count crosses a power of two, so a flood cannot flood the log.
      this.counters.eventsDropped++;
      const dropped = ++subscriber.droppedEvents;
      if ((dropped & (dropped - 1)) === 0) {
        subscriber.log.warn({ session: subscriber.id, dropped }, 'slow subscriber: events dropped');
      }
      return;
    }
    this.counters.slowConsumersDisconnected++;
    subscriber.log.warn(
      { session: subscriber.id, bufferedAmount: subscriber.transport.bufferedAmount },
      'slow subscriber disconnected',
    );
    subscriber.transport.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
  }
}
