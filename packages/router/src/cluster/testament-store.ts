// A session's testaments must be published when the session ends, even when its node dies with it (SIGKILL, a
// crash): so each node keeps a copy of its sessions' testaments in a JetStream key-value bucket, one key per session
// under the node's name, and drops it when it published them itself. When a node is declared gone, the surviving
// nodes race to delete each of its keys; the one whose delete wins publishes those testaments, exactly once.
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Testaments } from '../core/meta/testaments.js';
import type { Logger } from '../logger.js';
import { decodeStored, keyToken, liveEntries, openBucket } from './kv-bucket.js';
import { cbor } from './wire.js';

export const TESTAMENTS_BUCKET = 'wamp-testaments';

function keyOf(node: string, session: number): string {
  return `t${keyToken(node)}.s${session}`;
}

/** A stored testament record, checked; undefined when it is not one this version writes. */
function decodeRecord(data: Uint8Array): { realm: string; testaments: Testaments } | undefined {
  return decodeStored(data, (value) => {
    const record = value as { realm?: unknown; testaments?: Partial<Testaments> } | null;
    if (
      typeof record?.realm !== 'string' ||
      !Array.isArray(record.testaments?.detached) ||
      !Array.isArray(record.testaments?.destroyed)
    ) {
      return undefined;
    }
    return record as { realm: string; testaments: Testaments };
  });
}

/**
 * The cluster's copy of every session's testaments.
 *
 * @example
 * ```ts
 * const store = await TestamentStore.open(connection, 'node-1', log);
 * store.keep('realm1', sessionId, session.testaments);
 * ```
 */
export class TestamentStore {
  private constructor(
    private readonly kv: KV,
    private readonly node: string,
    private readonly log: Logger,
  ) {}

  static async open(connection: NatsConnection, node: string, log: Logger): Promise<TestamentStore> {
    return new TestamentStore(await openBucket(connection, TESTAMENTS_BUCKET), node, log);
  }

  /** Stores a session's testaments as they are now; null (or none left) removes the copy. In the background. */
  keep(realm: string, session: number, testaments: Testaments | null): void {
    const key = keyOf(this.node, session);
    const empty = testaments === null || (testaments.detached.length === 0 && testaments.destroyed.length === 0);
    const change = empty ? this.kv.delete(key) : this.kv.put(key, cbor.encode({ realm, testaments }));
    change.catch((error: unknown) => this.log.warn({ err: error, session }, 'testaments: keeping a copy failed'));
  }

  /**
   * Publishes, through `publish`, the testaments of every session of a node that is gone, each exactly once in
   * the cluster (the node whose delete of the copy wins publishes it).
   */
  async publishOrphans(node: string, publish: (realm: string, testaments: Testaments) => void): Promise<number> {
    let published = 0;
    for await (const entry of liveEntries(this.kv, `t${keyToken(node)}.>`)) {
      try {
        await this.kv.delete(entry.key, { previousSeq: entry.revision });
      } catch {
        continue; // another node won this one
      }
      const record = decodeRecord(entry.value);
      if (record === undefined) {
        this.log.warn({ key: entry.key }, 'testaments: skipped a malformed copy');
        continue;
      }
      publish(record.realm, record.testaments);
      published++;
    }
    return published;
  }
}
