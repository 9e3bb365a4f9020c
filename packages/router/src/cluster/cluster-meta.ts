// The meta API's questions between nodes: the node that serves a call to, say, `wamp.session.list` asks every other
// node on one subject (a NATS request with many replies) and merges their answers with its own (see meta-merge.ts).
// Only the queries of CLUSTER_QUERIES are asked for; anything else is refused.
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { ErrorUri, isDict } from '@wamp/protocol';
import type { FabricReceiver, MetaAnswer } from '../core/fabric.js';
import type { Logger } from '../logger.js';
import { CLUSTER_QUERIES, type MetaQuery } from './meta-merge.js';
import { cbor } from './wire.js';

const SUBJECT = 'wamp.cluster.meta';

/**
 * Asks the other nodes' meta API, and answers theirs.
 *
 * @example
 * ```ts
 * const answers = await meta.ask({ realm: 'realm1', procedure: 'wamp.session.count', args: [], kwargs: {}, caller }, 2);
 * ```
 */
export class ClusterMeta {
  private subscription: Subscription | null = null;

  constructor(
    private readonly connection: NatsConnection,
    private readonly receiver: () => FabricReceiver | null,
    private readonly log: Logger,
    /** How long to wait for the other nodes' answers. */
    private readonly maxWaitMs = 1_000,
  ) {}

  start(): void {
    this.subscription = this.connection.subscribe(SUBJECT, { callback: (_error, message) => this.answer(message) });
  }

  stop(): void {
    this.subscription?.unsubscribe();
  }

  /**
   * The answers of the other nodes (at most `nodes` of them, as many as answer within the wait), for a meta
   * procedure called on this node.
   */
  async ask(query: MetaQuery, nodes: number): Promise<MetaAnswer[]> {
    const { realm, procedure, args, kwargs, caller } = query;
    if (nodes === 0 || this.connection.isClosed()) return [];
    const answers: MetaAnswer[] = [];
    const replies = await this.connection.requestMany(SUBJECT, cbor.encode([realm, procedure, args, kwargs, caller]), {
      strategy: 'count',
      maxMessages: nodes,
      maxWait: this.maxWaitMs,
    });
    try {
      for await (const reply of replies) {
        const answer = decodeAnswer(reply.data);
        if (answer !== undefined) answers.push(answer);
      }
    } catch (error) {
      // No responders, or a timeout: the answers so far are what there is.
      this.log.debug({ err: error, procedure }, 'cluster meta: fewer answers than nodes');
    }
    return answers;
  }

  private answer(message: Msg): void {
    if (message.reply === undefined) return;
    let request: unknown;
    try {
      request = cbor.decode(message.data);
    } catch {
      return;
    }
    const [realm, procedure, args, kwargs, caller] = Array.isArray(request) ? request : [];
    if (
      typeof realm !== 'string' ||
      typeof procedure !== 'string' ||
      !CLUSTER_QUERIES.has(procedure) ||
      !Array.isArray(args) ||
      !isDict(kwargs) ||
      typeof caller !== 'number'
    ) {
      this.log.warn({ subject: message.subject }, 'cluster meta: malformed request dropped');
      return;
    }
    const answer = this.receiver()?.answerMeta({ realm, procedure, args, kwargs, caller }) ?? {
      error: ErrorUri.NO_SUCH_REALM,
    };
    message.respond(cbor.encode('error' in answer ? [1, answer.error] : [0, answer.result]));
  }
}

function decodeAnswer(data: Uint8Array): MetaAnswer | undefined {
  try {
    const answer: unknown = cbor.decode(data);
    if (!Array.isArray(answer)) return undefined;
    if (answer[0] === 0 && Array.isArray(answer[1])) return { result: answer[1] };
    if (answer[0] === 1 && typeof answer[1] === 'string') return { error: answer[1] };
  } catch {
    // A reply that is not CBOR counts as no answer.
  }
  return undefined;
}
