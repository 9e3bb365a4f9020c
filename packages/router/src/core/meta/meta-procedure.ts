// What every meta procedure table shares: the shape of a procedure, what it may read, and the answer shapes that
// more than one table gives.
import type { KwArgs, MatchPolicy } from '@wamp/protocol';
import type { Fabric } from '../fabric.js';
import type { Realm } from '../realm.js';

/** A meta procedure: positional and keyword arguments and the calling session's ID in, positional results out. */
export type MetaProcedure = (args: unknown[], kwargs: KwArgs, caller: number) => unknown[];

/** Meta procedures by name. */
export type MetaTable = Record<string, MetaProcedure>;

/** What the meta procedures of a realm read and act on. */
export interface MetaContext {
  realm: Realm;
  /** The cluster this router is a node of, told of what concerns the other nodes; null for a router on its own. */
  fabric: Fabric | null;
}

/**
 * IDs grouped by match policy, as `wamp.registration.list` and `wamp.subscription.list` answer.
 *
 * @example
 * ```ts
 * byPolicy([{ id: 7, match: 'prefix' }]); // { exact: [], prefix: [7], wildcard: [] }
 * ```
 */
export function byPolicy(entries: Iterable<{ id: number; match: string }>): Record<string, number[]> {
  const lists: Record<string, number[]> = { exact: [], prefix: [], wildcard: [] };
  for (const entry of entries) lists[entry.match]!.push(entry.id);
  return lists;
}

/**
 * The match policy a `lookup` asks for (`{ match }` in its options), `exact` unless it names another.
 *
 * @example
 * ```ts
 * matchOption({ match: 'prefix' }); // 'prefix'
 * matchOption(undefined); // 'exact'
 * ```
 */
export function matchOption(options: unknown): MatchPolicy {
  const match = (options as { match?: unknown } | undefined)?.match;
  return match === 'prefix' || match === 'wildcard' ? match : 'exact';
}
