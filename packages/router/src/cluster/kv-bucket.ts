// What the cluster's JetStream key-value buckets share (the retained events, the testaments): opening one, keys
// made of any text, CBOR values checked on the way in, and reading every live entry under a key prefix.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KV, KvEntry } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsClient } from './nats-client.js';
import { cbor } from './wire.js';

/** How often creating a bucket is tried before its error stands. */
const CREATE_ATTEMPTS = 5;

/**
 * Opens (creating if need be) the bucket `name`, keeping one value per key. Nodes that start together race to
 * create it, and JetStream may refuse the loser ("subjects overlap with an existing stream") before the winner's
 * stream is visible to it; the next attempt then finds the bucket and opens it.
 *
 * @example
 * ```ts
 * const kv = await openBucket(connection, 'wamp-retained');
 * ```
 */
export async function openBucket(connection: NatsConnection, name: string): Promise<KV> {
  const { Kvm } = await natsClient();
  const kvm = new Kvm(connection);
  for (let attempt = 1; ; attempt++) {
    try {
      return await kvm.create(name, { history: 1 });
    } catch (error) {
      if (attempt === CREATE_ATTEMPTS || !/overlap|already in use/.test(String((error as Error).message))) throw error;
      await sleep(25 * attempt);
    }
  }
}

/**
 * Any text as one key token: key-value keys allow only `[-/_=.A-Za-z0-9]`.
 *
 * @example
 * ```ts
 * keyToken('realm1'); // 'cmVhbG0x'
 * ```
 */
export function keyToken(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The text of a {@link keyToken}. */
export function fromKeyToken(token: string): string {
  return Buffer.from(token, 'base64url').toString('utf8');
}

/**
 * A stored CBOR value, as `check` makes it; undefined when it is not CBOR or `check` refuses it (not what this
 * version writes).
 *
 * @example
 * ```ts
 * const record = decodeStored(entry.value, (value) => (isDict(value) ? value : undefined));
 * ```
 */
export function decodeStored<T>(data: Uint8Array, check: (value: unknown) => T | undefined): T | undefined {
  try {
    return check(cbor.decode(data));
  } catch {
    return undefined;
  }
}

/**
 * The live entries (last put, not deleted) of the keys `filter` names, one read per key.
 *
 * @example
 * ```ts
 * for await (const entry of liveEntries(kv, 'rcmVhbG0x.>')) use(entry.value);
 * ```
 */
export async function* liveEntries(kv: KV, filter: string | Iterable<string>): AsyncIterable<KvEntry> {
  const keys = typeof filter === 'string' ? await kv.keys(filter) : filter;
  for await (const key of keys) {
    const entry = await kv.get(key);
    if (entry !== null && entry.operation === 'PUT') yield entry;
  }
}
