import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { type MatchPolicy, matchesPattern } from '@wamp/protocol';
import type { RetainedRecord } from '../core/fabric.js';
import type { Logger } from '../logger.js';
import { natsClient } from './nats-client.js';
import { cbor } from './wire.js';

// Event retention across the cluster: the last retained event of each topic lives in a JetStream key-value bucket,
// one key per (realm, topic), so a late subscriber on any node gets it. An exact subscription costs one read; a
// pattern subscription lists the realm's retained topics and reads those it matches.

export const RETAINED_BUCKET = 'wamp-retained';

function token(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function keyOf(realm: string, topic: string): string {
  return `r${token(realm)}.t${token(topic)}`;
}

/** The topic a key of `realm` holds. */
function topicOf(key: string): string {
  return Buffer.from(key.slice(key.indexOf('.t') + 2), 'base64url').toString('utf8');
}

/** A stored retained event, checked; undefined when it is not one this version writes. */
function decodeRecord(data: Uint8Array): RetainedRecord | undefined {
  try {
    const record = cbor.decode(data) as Partial<RetainedRecord> | null;
    if (
      typeof record?.topic !== 'string' ||
      typeof record.publication !== 'number' ||
      typeof record.details !== 'object' ||
      record.details === null
    ) {
      return undefined;
    }
    return {
      topic: record.topic,
      publication: record.publication,
      details: record.details,
      args: Array.isArray(record.args) ? record.args : undefined,
      kwargs: typeof record.kwargs === 'object' && record.kwargs !== null ? record.kwargs : undefined,
      receivers: typeof record.receivers === 'object' ? (record.receivers ?? null) : null,
    };
  } catch {
    return undefined;
  }
}

/**
 * The cluster's retained events.
 *
 * @example
 * ```ts
 * const store = await RetainedStore.open(connection, log);
 * store.keep('realm1', record);
 * await store.matching('realm1', 'com.app.', 'prefix');
 * ```
 */
export class RetainedStore {
  private constructor(
    private readonly kv: KV,
    private readonly log: Logger,
  ) {}

  static async open(connection: NatsConnection, log: Logger): Promise<RetainedStore> {
    const { Kvm } = await natsClient();
    return new RetainedStore(await new Kvm(connection).create(RETAINED_BUCKET, { history: 1 }), log);
  }

  /** Replaces the topic's retained event; resolves once it is kept, or the failure was logged. */
  async keep(realm: string, record: RetainedRecord): Promise<void> {
    const encoded = cbor.encode({ ...record, args: record.args ?? null, kwargs: record.kwargs ?? null });
    await this.kv.put(keyOf(realm, record.topic), encoded).catch((error: unknown) => {
      this.log.warn({ err: error, topic: record.topic }, 'retained event not kept for the cluster');
    });
  }

  /** The retained events of the topics `(pattern, match)` matches. */
  async matching(realm: string, pattern: string, match: MatchPolicy): Promise<RetainedRecord[]> {
    const keys: string[] = [];
    if (match === 'exact') {
      keys.push(keyOf(realm, pattern));
    } else {
      for await (const key of await this.kv.keys(`r${token(realm)}.>`)) {
        if (matchesPattern(topicOf(key), pattern, match)) keys.push(key);
      }
    }
    const records: RetainedRecord[] = [];
    for (const key of keys) {
      const entry = await this.kv.get(key);
      if (entry === null || entry.operation !== 'PUT') continue;
      const record = decodeRecord(entry.value);
      if (record === undefined) this.log.warn({ key }, 'retained: skipped a malformed event');
      else records.push(record);
    }
    return records;
  }
}
