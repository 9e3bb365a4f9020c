// The router's running totals, kept as plain numbers on the paths that count them and read only when metrics
// are scraped: nothing per message beyond an increment.
import { MessageCode } from '@wamp/protocol';
import type { Transport } from '@wamp/transport';
import type { ResolvedMetrics } from '../metrics/options.js';
import { CallStats } from './call-stats.js';
import { Histogram } from './histogram.js';

/** Upper bounds of the fan-out size buckets: sessions one publication was sent to on this node. */
export const FANOUT_BUCKETS: readonly number[] = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 5_000, 10_000];

/** The WAMP message codes go up to YIELD (70): one slot per code. */
const CODES = MessageCode.YIELD + 1;

/** Authentication methods counted by name; any other a client names counts as `other`. */
const KNOWN_AUTHMETHODS = new Set(['anonymous', 'ticket', 'wampcra', 'cryptosign', 'scram', 'cookie', 'tls']);

/**
 * Totals since the router started, for the metrics endpoint. Each is only ever incremented, by the code that
 * sees the event (the session, the fan-out, the handshake); a scrape reads them.
 *
 * @example
 * ```ts
 * counters.countReceived(MessageCode.CALL);
 * counters.authFailed('ticket');
 * ```
 */
export class RouterCounters {
  /** Messages received from clients, by message code. */
  readonly received = new Float64Array(CODES);
  /** Messages sent to clients, by message code (EVENTs of a fan-out included). */
  readonly sent = new Float64Array(CODES);
  /** Bytes on the wire of the connections that closed; the open ones' are read from their transports. */
  bytesReadByClosed = 0;
  bytesWrittenByClosed = 0;
  joins = 0;
  leaves = 0;
  eventsPublished = 0;
  /** EVENTs not sent to a subscriber past its high-water mark (the `drop` slow-consumer policy). */
  eventsDropped = 0;
  /** Subscribers disconnected by the `disconnect` slow-consumer policy. */
  slowConsumersDisconnected = 0;
  /** Failed authentications, by method. */
  readonly authFailures = new Map<string, number>();
  /** Calls by outcome and latency per procedure: kept only while metrics are on (they cost a clock read a call). */
  readonly calls: CallStats | null;
  /** Sessions each publication was sent to on this node, while metrics are on. */
  readonly fanoutSizes: Histogram | null;

  constructor(metrics: ResolvedMetrics) {
    this.calls = metrics === null ? null : new CallStats(metrics);
    this.fanoutSizes = metrics === null ? null : new Histogram(FANOUT_BUCKETS);
  }

  /** A message of `code` came from a client. */
  countReceived(code: number): void {
    this.received[code] = this.received[code]! + 1;
  }

  /** A client's connection closed: its bytes on the wire move to the totals. */
  countClosed(transport: Transport): void {
    this.bytesReadByClosed += transport.bytesRead ?? 0;
    this.bytesWrittenByClosed += transport.bytesWritten ?? 0;
  }

  /** `count` messages of `code` went to clients. */
  countSent(code: number, count = 1): void {
    this.sent[code] = this.sent[code]! + count;
  }

  authFailed(method: string): void {
    const key = KNOWN_AUTHMETHODS.has(method) ? method : 'other';
    this.authFailures.set(key, (this.authFailures.get(key) ?? 0) + 1);
  }
}
