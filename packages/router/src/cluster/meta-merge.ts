// The meta API for the whole cluster: which meta procedures every node answers, and how the node serving a call
// merges its own answer with the others' (scatter-gather; ClusterMeta carries the questions between nodes).
import { ErrorUri, isDict } from '@wamp/protocol';
import { filterHistory, type HistoryEntry } from '../core/broker/history.js';
import type { MetaAnswer, MetaQuestion } from '../core/fabric.js';
import { describeEvents, KEPT_EVENTS } from '../core/meta/history-procedures.js';
import type { Logger } from '../logger.js';

/**
 * How the nodes' answers merge: numbers summed, lists joined, the union of IDs (null for none), per-policy ID lists
 * joined, the first answer that is not null, or the first success.
 */
type MergeMode = 'sum' | 'concat' | 'union' | 'policies' | 'first-found' | 'first';

/**
 * The meta procedures that answer for the whole cluster: the node serving the call merges its own answer with the
 * other nodes' (sums for counts, lists joined, the first node that knows a session for `get` and `kill`).
 */
export const CLUSTER_META_PROCEDURES: ReadonlyMap<string, MergeMode> = new Map<string, MergeMode>([
  ['wamp.session.count', 'sum'],
  ['wamp.session.list', 'concat'],
  ['wamp.session.get', 'first'],
  ['wamp.session.kill', 'first'],
  ['wamp.session.kill_by_authid', 'concat'],
  ['wamp.session.kill_by_authrole', 'sum'],
  ['wamp.session.kill_all', 'sum'],
  // Subscription IDs are the same on every node (see Fabric.subscriptionId), so answers about them merge.
  ['wamp.subscription.list', 'policies'],
  ['wamp.subscription.lookup', 'first-found'],
  ['wamp.subscription.match', 'union'],
  ['wamp.subscription.get', 'first'],
  ['wamp.subscription.list_subscribers', 'concat'],
  ['wamp.subscription.count_subscribers', 'sum'],
  ['wamp.subscription.remove', 'concat'],
]);

/** Everything a node may ask of the others' meta API; anything else is refused. */
export const CLUSTER_QUERIES: ReadonlySet<string> = new Set([...CLUSTER_META_PROCEDURES.keys(), KEPT_EVENTS]);

/** A question for the other nodes' meta API: the call, without this node's own answerer. */
export type MetaQuery = Omit<MetaQuestion, 'local'>;

/** Asks the other nodes' meta API; their answers, as many as came in time. */
export type AskNodes = (query: MetaQuery) => Promise<MetaAnswer[]>;

const GET_EVENTS = 'wamp.subscription.get_events';

/**
 * Merges the nodes' answers to a cluster meta call, as {@link CLUSTER_META_PROCEDURES} says.
 *
 * @example
 * ```ts
 * mergeAnswers('sum', [{ result: [2] }, { result: [3] }]); // { result: [5] }
 * ```
 */
export function mergeAnswers(how: MergeMode, answers: MetaAnswer[]): MetaAnswer {
  const results = answers.filter((answer): answer is { result: unknown[] } => 'result' in answer);
  if (results.length === 0) return answers[0] ?? { error: ErrorUri.NO_SUCH_SESSION };
  const firsts = results.map((answer) => answer.result[0]);
  switch (how) {
    case 'first':
      return results[0]!;
    case 'first-found':
      return { result: [firsts.find((value) => value !== null && value !== undefined) ?? null] };
    case 'sum':
      return { result: [firsts.reduce((sum: number, value) => sum + Number(value ?? 0), 0)] };
    case 'concat':
      return { result: [firsts.flatMap((value) => (Array.isArray(value) ? value : []))] };
    case 'union': {
      const ids = [...new Set(firsts.flatMap((value) => (Array.isArray(value) ? value : [])))];
      return { result: [ids.length > 0 ? ids : null] };
    }
    case 'policies': {
      const merged: Record<string, unknown[]> = { exact: [], prefix: [], wildcard: [] };
      for (const value of firsts) {
        if (!isDict(value)) continue;
        for (const policy of Object.keys(merged)) {
          const ids = value[policy];
          if (Array.isArray(ids)) for (const id of ids) if (!merged[policy]!.includes(id)) merged[policy]!.push(id);
        }
      }
      return { result: [merged] };
    }
  }
}

/**
 * The answer to a meta call served on this node, for the whole cluster (see `Fabric.askCluster`): the procedures of
 * {@link CLUSTER_META_PROCEDURES} merged with the other nodes' answers, `get_events` over every node's kept events,
 * anything else this node's own answer at once. A cluster failure is logged and answered: `get_events` with
 * `wamp.error.unavailable`, the others with this node's own answer. It never rejects.
 *
 * @example
 * ```ts
 * const answer = await clusterAnswer(question, (query) => meta.ask(query, otherNodes), log);
 * ```
 */
export function clusterAnswer(question: MetaQuestion, ask: AskNodes, log: Logger): MetaAnswer | Promise<MetaAnswer> {
  const { realm, procedure, args, kwargs } = question;
  const failed = (failure: unknown, answer: MetaAnswer): MetaAnswer => {
    // Never unanswered, never an unhandled rejection: the caller hears what this node alone can say.
    log.warn({ err: failure, realm, procedure }, 'meta: the cluster did not answer');
    return answer;
  };
  if (procedure === GET_EVENTS) {
    return clusterEvents(question, ask).catch((failure: unknown) =>
      failed(failure, { error: ErrorUri.UNAVAILABLE, args: ['the cluster did not answer'] }),
    );
  }
  const local = question.local(procedure, args, kwargs);
  const merge = CLUSTER_META_PROCEDURES.get(procedure);
  if (merge === undefined) return local;
  return ask(question).then(
    (others) => mergeAnswers(merge, [local, ...others]),
    (failure: unknown) => failed(failure, local),
  );
}

/**
 * `wamp.subscription.get_events` in a cluster: every node keeps its own sessions' publications, so the kept events
 * are this node's and the others' together, ordered by time, then filtered as asked.
 */
async function clusterEvents({ realm, args, kwargs, local }: MetaQuestion, ask: AskNodes): Promise<MetaAnswer> {
  const found = local('wamp.subscription.get', [args[0]], {});
  if (!('result' in found)) return { error: found.error };
  const { id, uri, match } = found.result[0] as { id: number; uri: string; match: string };
  const own = local(KEPT_EVENTS, [uri, match], {});
  const others = await ask({ realm, procedure: KEPT_EVENTS, args: [uri, match], kwargs: {}, caller: 0 });
  const seen = new Set<number>();
  const merged: HistoryEntry[] = [];
  for (const entry of [own, ...others].flatMap(historyEntries)) {
    if (seen.has(entry.publication)) continue;
    seen.add(entry.publication);
    merged.push(entry);
  }
  merged.sort((a, b) => a.time - b.time);
  return { result: [describeEvents(id, filterHistory(merged, kwargs))] };
}

/** The kept events of one node's answer, checked: anything malformed is left out. */
function historyEntries(answer: MetaAnswer): HistoryEntry[] {
  const value = 'result' in answer ? answer.result[0] : undefined;
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is HistoryEntry =>
      isDict(entry) &&
      typeof entry.time === 'number' &&
      typeof entry.publication === 'number' &&
      typeof entry.topic === 'string',
  );
}
