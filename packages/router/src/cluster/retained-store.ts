// Event retention across the cluster: the last retained event of each topic lives in a JetStream key-value bucket,
// one key per (realm, topic), so a late subscriber on any node gets it. An exact subscription costs one read; a
// pattern subscription lists the realm's retained topics and reads those it matches. The byte bounds are those of a
// router on its own, charged with the stored (encoded) size: every node watches the bucket's sizes, so a realm's
// total is the cluster's (two nodes keeping at the same moment may pass it by one event each).
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { matchesPattern } from '@wamp/protocol';
import { type RetainedLimits, realmRetainedFull, tooBigToRetain } from '../core/broker/retained.js';
import type { RetainedRecord, TopicRef } from '../core/fabric.js';
import type { Logger } from '../logger.js';
import { decodeStored, fromKeyToken, keyToken, liveEntries, openBucket } from './kv-bucket.js';
import { cbor } from './wire.js';

export const RETAINED_BUCKET = 'wamp-retained';

function realmKey(realm: string): string {
  return `r${keyToken(realm)}`;
}

function keyOf(realm: string, topic: string): string {
  return `${realmKey(realm)}.t${keyToken(topic)}`;
}

/** The topic a key of `realm` holds. */
function topicOf(key: string): string {
  return fromKeyToken(key.slice(key.indexOf('.t') + 2));
}

/** A stored retained event of `realm`, checked; undefined when it is not one this version writes. */
function decodeRecord(data: Uint8Array, realm: string): RetainedRecord | undefined {
  return decodeStored(data, (value) => {
    const record = value as Partial<RetainedRecord> | null;
    if (
      typeof record?.topic !== 'string' ||
      typeof record.publication !== 'number' ||
      typeof record.details !== 'object' ||
      record.details === null
    ) {
      return undefined;
    }
    return {
      realm,
      topic: record.topic,
      publication: record.publication,
      details: record.details,
      args: Array.isArray(record.args) ? record.args : undefined,
      kwargs: typeof record.kwargs === 'object' && record.kwargs !== null ? record.kwargs : undefined,
      receivers: typeof record.receivers === 'object' ? (record.receivers ?? null) : null,
    };
  });
}

/**
 * The cluster's retained events.
 *
 * @example
 * ```ts
 * const store = await RetainedStore.open(connection, { maxRetainedEventBytes, maxRetainedBytesPerRealm }, log);
 * store.keep(record);
 * await store.matching({ realm: 'realm1', topic: 'com.app.', match: 'prefix' });
 * ```
 */
export class RetainedStore {
  /** The stored size of each key, and their sum per realm (by the key's realm part), as the bucket watch says. */
  private readonly sizes = new Map<string, number>();
  private readonly realmBytes = new Map<string, number>();

  private constructor(
    private readonly kv: KV,
    private readonly limits: RetainedLimits,
    private readonly log: Logger,
  ) {}

  static async open(connection: NatsConnection, limits: RetainedLimits, log: Logger): Promise<RetainedStore> {
    const kv = await openBucket(connection, RETAINED_BUCKET);
    const store = new RetainedStore(kv, limits, log);
    store.follow(await kv.watch({ headers_only: true }));
    return store;
  }

  /** Keeps the stored sizes current: every key's last value first, then every change, from any node. */
  private follow(watcher: AsyncIterable<KvWatchEntry>): void {
    (async () => {
      for await (const entry of watcher) this.account(entry.key, entry.operation === 'PUT' ? entry.length : 0);
    })().catch((error: unknown) => this.log.warn({ err: error }, 'retained: stopped following the stored sizes'));
  }

  private account(key: string, bytes: number): void {
    const realm = key.slice(0, key.indexOf('.'));
    const change = bytes - (this.sizes.get(key) ?? 0);
    if (bytes === 0) this.sizes.delete(key);
    else this.sizes.set(key, bytes);
    const total = (this.realmBytes.get(realm) ?? 0) + change;
    if (total === 0) this.realmBytes.delete(realm);
    else this.realmBytes.set(realm, total);
  }

  /**
   * Replaces the topic's retained event; resolves once it is kept (or the failure was logged) with undefined, or
   * with why a byte bound refused it, in which case the topic's earlier retained event is removed.
   */
  async keep(record: RetainedRecord): Promise<string | undefined> {
    const { realm, topic, publication, details, receivers } = record;
    const key = keyOf(realm, topic);
    // The realm is in the key, not in the value.
    const encoded = cbor.encode({
      topic,
      publication,
      details,
      args: record.args ?? null,
      kwargs: record.kwargs ?? null,
      receivers,
    });
    const previous = this.sizes.get(key);
    const others = (this.realmBytes.get(realmKey(realm)) ?? 0) - (previous ?? 0);
    let refusal: string | undefined;
    if (encoded.length > this.limits.maxRetainedEventBytes) {
      refusal = tooBigToRetain(encoded.length, this.limits.maxRetainedEventBytes);
    } else if (others + encoded.length > this.limits.maxRetainedBytesPerRealm) {
      refusal = realmRetainedFull(this.limits.maxRetainedBytesPerRealm);
    }
    // A refused event leaves nothing to remove when the topic had no retained event.
    if (refusal !== undefined && previous === undefined) return refusal;
    // Charged at once (the watch confirms it later), so that this node's next keep counts it.
    this.account(key, refusal === undefined ? encoded.length : 0);
    const stored = refusal === undefined ? this.kv.put(key, encoded) : this.kv.delete(key);
    await stored.catch((error: unknown) => {
      this.log.warn({ err: error, topic }, 'retained event not kept for the cluster');
    });
    return refusal;
  }

  /** The retained events of the topics a subscription to `topic` matches. */
  async matching({ realm, topic, match }: TopicRef): Promise<RetainedRecord[]> {
    const keys: string[] = [];
    if (match === 'exact') {
      keys.push(keyOf(realm, topic));
    } else {
      for await (const key of await this.kv.keys(`${realmKey(realm)}.>`)) {
        if (matchesPattern(topicOf(key), topic, match)) keys.push(key);
      }
    }
    const records: RetainedRecord[] = [];
    for await (const entry of liveEntries(this.kv, keys)) {
      const record = decodeRecord(entry.value, realm);
      if (record === undefined) this.log.warn({ key: entry.key }, 'retained: skipped a malformed event');
      else records.push(record);
    }
    return records;
  }
}
