// Session IDs must be unique across the cluster, and WAMP IDs have 53 bits. Each node claims a number (0–1023) in a
// JetStream key-value bucket, atomically, and makes its session IDs as `number × 2^43 + a random 43-bit value`
// (checked against its own sessions): two nodes can never hand out the same ID, and any node can tell which node
// a session ID belongs to.
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';
import { openBucket } from './kv-bucket.js';

export const NODES_BUCKET = 'wamp-nodes';
/** How many node numbers there are: the cluster's largest size. */
export const MAX_NODES = 1024;
const SESSION_BITS = 2 ** 43;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** A start for the search that spreads names over the numbers (FNV-1a), so that restarts tend to get theirs back. */
function preferredNumber(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash % MAX_NODES;
}

/**
 * A new session ID of the node with `number`: in `[number × 2^43 + 1, (number + 1) × 2^43 − 1]`.
 *
 * @example
 * ```ts
 * nodeOfSession(sessionIdOf(5)); // 5
 * ```
 */
export function sessionIdOf(number: number): number {
  return number * SESSION_BITS + 1 + Math.floor(Math.random() * (SESSION_BITS - 1));
}

/** The number of the node a session ID belongs to. */
export function nodeOfSession(id: number): number {
  return Math.floor(id / SESSION_BITS);
}

/**
 * This node's number in the cluster, and every node's, from the `wamp-nodes` bucket.
 *
 * @example
 * ```ts
 * const numbers = await NodeNumbers.claim(connection, 'node-1', log);
 * numbers.sessionId(); // unique cluster-wide
 * ```
 */
export class NodeNumbers {
  private constructor(
    private readonly kv: KV,
    readonly name: string,
    readonly number: number,
    private readonly log: Logger,
  ) {}

  /** Claims the first free number from the name's preferred one on (or the one this name holds already). */
  static async claim(connection: NatsConnection, name: string, log: Logger): Promise<NodeNumbers> {
    const kv = await openBucket(connection, NODES_BUCKET);
    const start = preferredNumber(name);
    for (let step = 0; step < MAX_NODES; step++) {
      const number = (start + step) % MAX_NODES;
      const key = `n${number}`;
      const entry = await kv.get(key);
      if (entry !== null && entry.operation === 'PUT') {
        if (fromUtf8.decode(entry.value) !== name) continue;
        return new NodeNumbers(kv, name, number, log);
      }
      try {
        if (entry === null) await kv.create(key, utf8.encode(name));
        else await kv.update(key, utf8.encode(name), entry.revision);
        return new NodeNumbers(kv, name, number, log);
      } catch {
        // Another node took it just now: try the next.
      }
    }
    throw new Error(`all ${MAX_NODES} node numbers are taken: the cluster is at its largest size`);
  }

  /** A new session ID, unique cluster-wide (the caller checks it against its own sessions). */
  sessionId(): number {
    return sessionIdOf(this.number);
  }

  /** The names of the nodes holding a number, this one's included (some may be dead: see {@link ClusterCalls}). */
  async claimedNames(): Promise<string[]> {
    const names: string[] = [];
    for await (const key of await this.kv.keys()) {
      const entry = await this.kv.get(key);
      if (entry !== null && entry.operation === 'PUT') names.push(fromUtf8.decode(entry.value));
    }
    return names;
  }

  /** Frees the number of a node that is gone (any node may; only a claim still held by `name` is removed). */
  async release(name: string): Promise<void> {
    for await (const key of await this.kv.keys()) {
      const entry = await this.kv.get(key);
      if (entry === null || entry.operation !== 'PUT' || fromUtf8.decode(entry.value) !== name) continue;
      await this.kv.delete(key, { previousSeq: entry.revision }).catch(() => undefined);
      this.log.debug({ node: name, key }, 'node number released');
    }
  }
}
