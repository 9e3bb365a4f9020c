import {
  CloseUri,
  ErrorUri,
  error,
  hello,
  isDict,
  isValidUri,
  type KwArgs,
  type Message,
  MessageCode,
  parseMessage,
  publish,
  register,
  ScopedIdGenerator,
  type Serializer,
  WampError,
  yieldResult,
} from '@wamp/protocol';
import type { Transport } from '@wamp/transport';
import type { Logger } from '../../logger.js';
import { filterHistory, type HistoryEntry } from '../broker/history.js';
import type { Subscription } from '../broker/subscriptions.js';
import type { Registration } from '../dealer/registrations.js';
import type { Fabric, MetaAnswer } from '../fabric.js';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import { PeerAddresses } from './peer-address.js';
import { type TestamentLimits, TestamentRules, testamentScope } from './testament-rules.js';
import type { Testaments } from './testaments.js';

/** A meta procedure: positional and keyword arguments and the calling session's ID in, positional results out. */
type MetaProcedure = (args: unknown[], kwargs: KwArgs, caller: number) => unknown[];

/**
 * The session meta procedures that answer for the whole cluster: the node serving the call merges its own answer
 * with the other nodes' (sums for counts, lists joined, the first node that knows a session for `get` and `kill`).
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

/**
 * How the nodes' answers merge: numbers summed, lists joined, the union of IDs (null for none), per-policy ID lists
 * joined, the first answer that is not null, or the first success.
 */
type MergeMode = 'sum' | 'concat' | 'union' | 'policies' | 'first-found' | 'first';

/** Merges the nodes' answers to a cluster meta call, as {@link CLUSTER_META_PROCEDURES} says. */
function mergeAnswers(how: MergeMode, answers: MetaAnswer[]): MetaAnswer {
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

/** What a node asks the others for the kept events of a history log: `[topic, match]` → `[entries]`. */
const HISTORY_QUERY = 'wamp.cluster.history';

/** Everything a node may ask of the others' meta API over the fabric. */
export const CLUSTER_QUERIES: ReadonlySet<string> = new Set([...CLUSTER_META_PROCEDURES.keys(), HISTORY_QUERY]);

/** Kept events from another node, checked: anything malformed is left out. */
function historyEntries(value: unknown): HistoryEntry[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (entry): entry is HistoryEntry =>
      isDict(entry) &&
      typeof entry.time === 'number' &&
      typeof entry.publication === 'number' &&
      typeof entry.topic === 'string',
  );
}

const KILLED = 'wamp.close.killed';

/** Kept events as `wamp.subscription.get_events` answers them. */
function describeEvents(subscription: Subscription, events: readonly HistoryEntry[]): Record<string, unknown>[] {
  return events.map((entry) => ({
    timestamp: new Date(entry.time).toISOString(),
    subscription: subscription.id,
    publication: entry.publication,
    topic: entry.topic,
    args: entry.args ?? [],
    kwargs: entry.kwargs ?? {},
  }));
}

/**
 * What `wamp.session.get` and `wamp.session.on_join` say about a session. The peer address only with `peer`: the
 * `get` answer carries it until {@link PeerAddresses} trims it for the caller, `on_join` (which goes to every
 * subscriber) never does.
 */
function describeSession(session: RouterSession, peer: boolean): Record<string, unknown> {
  const transport: Record<string, unknown> = { protocol: session.transport.protocol };
  if (peer) transport.peer = session.transport.peer.remoteAddress;
  return {
    session: session.id,
    authid: session.authid,
    authrole: session.authrole,
    authmethod: session.authmethod,
    authprovider: session.authprovider,
    transport,
  };
}

function authroleFilter(args: unknown[]): Set<unknown> | null {
  return Array.isArray(args[0]) ? new Set(args[0]) : null;
}

/** `wamp.registration.get` and `on_create` details. */
function describeRegistration(registration: Registration): Record<string, unknown> {
  return {
    id: registration.id,
    created: registration.created.toISOString(),
    uri: registration.procedure,
    match: registration.match,
    invoke: registration.invoke,
  };
}

/** `wamp.subscription.get` and `on_create` details. */
function describeSubscription(subscription: Subscription): Record<string, unknown> {
  return {
    id: subscription.id,
    created: subscription.created.toISOString(),
    uri: subscription.topic,
    match: subscription.match,
  };
}

/** IDs grouped by match policy, as `wamp.registration.list` and `wamp.subscription.list` answer. */
function byPolicy(entries: Iterable<{ id: number; match: string }>): Record<string, number[]> {
  const lists: Record<string, number[]> = { exact: [], prefix: [], wildcard: [] };
  for (const entry of entries) lists[entry.match]!.push(entry.id);
  return lists;
}

function matchOption(kwargsOrOptions: unknown): 'exact' | 'prefix' | 'wildcard' {
  const match = (kwargsOrOptions as { match?: unknown } | undefined)?.match;
  return match === 'prefix' || match === 'wildcard' ? match : 'exact';
}

/**
 * The meta API of one realm (`wamp.session.*`, `wamp.registration.*`, `wamp.subscription.*`), served by an
 * internal session of the router over an in-memory transport, as any callee would: the broker and dealer have
 * no special cases for it. It reads the realm's tables directly and publishes the `on_*` meta events.
 */
export class MetaSession {
  private readonly requests = new ScopedIdGenerator();
  /** Calls the router makes itself (dynamic authentication), by request ID. */
  private readonly calls = new Map<
    number,
    { resolve: (args: unknown[]) => void; reject: (error: WampError) => void }
  >();
  /** Procedure names by the request ID of their REGISTER, then by registration ID. */
  private readonly registering = new Map<number, string>();
  private readonly procedures = new Map<number, string>();
  private readonly handlers: Record<string, MetaProcedure>;
  private readonly testamentRules: TestamentRules;
  private readonly peerAddresses: PeerAddresses;

  /** @param cluster - the cluster this router is a node of, whose other nodes answer the session procedures too. */
  constructor(
    private readonly realm: Realm,
    private readonly transport: Transport,
    private readonly cluster: Fabric | null,
    limits: TestamentLimits,
    serializer: Serializer,
    private readonly log: Logger,
  ) {
    this.testamentRules = new TestamentRules(limits, serializer);
    this.peerAddresses = new PeerAddresses(realm.authorizer);
    this.handlers = this.table();
    transport.onmessage = this.onMessage;
    transport.send(hello(realm.name, { roles: { callee: {}, publisher: {} }, agent: 'wamp-router meta API' }));
  }

  /**
   * Calls a procedure of the realm as the router (e.g. a dynamic authenticator); rejects with a `WampError` on an
   * ERROR, and with `wamp.error.timeout` after `timeoutMs`.
   */
  call(procedure: string, args: unknown[], timeoutMs: number): Promise<unknown[]> {
    const request = this.requests.next();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.calls.delete(request);
        reject(new WampError(ErrorUri.TIMEOUT, [`${procedure} did not answer within ${timeoutMs} ms`]));
      }, timeoutMs);
      this.calls.set(request, {
        resolve: (result) => {
          clearTimeout(timer);
          resolve(result);
        },
        reject: (failure) => {
          clearTimeout(timer);
          reject(failure);
        },
      });
      this.send([MessageCode.CALL, request, {}, procedure, args]);
    });
  }

  /** Publishes `wamp.session.on_join` for a session that joined the realm. */
  sessionJoined(session: RouterSession): void {
    this.send(publish(this.requests.next(), {}, 'wamp.session.on_join', [describeSession(session, false)]));
  }

  /** Publishes `wamp.session.on_leave` for a session that left the realm or was disconnected. */
  sessionLeft(session: RouterSession): void {
    this.send(
      publish(this.requests.next(), {}, 'wamp.session.on_leave', [session.id, session.authid, session.authrole]),
    );
  }

  /**
   * Publishes a leaving session's testaments, `detached` scope first, each in the order added. After a clean
   * GOODBYE only those added with `_on_goodbye: true` go out: the client left on purpose.
   */
  publishTestaments(session: RouterSession): void {
    const testaments = session.testaments;
    if (testaments === null) return;
    session.testaments = null;
    this.cluster?.keepTestaments(this.realm.name, session.id, null);
    this.publishAll(testaments, session.saidGoodbye);
  }

  /** Publishes the testaments of a session whose node died with it (another node of the cluster kept them). */
  publishOrphaned(testaments: Testaments): void {
    this.publishAll(testaments, false);
  }

  private publishAll(testaments: Testaments, saidGoodbye: boolean): void {
    for (const testament of [...testaments.detached, ...testaments.destroyed]) {
      if (saidGoodbye && !testament.onGoodbye) continue;
      const { acknowledge: _ignored, ...options } = testament.options;
      this.send(publish(this.requests.next(), options, testament.topic, testament.args, testament.kwargs));
    }
  }

  /** Publishes a `wamp.registration.on_*` event: the session and the registration's details or ID. */
  registrationEvent(topic: string, session: RouterSession, registration: Registration, created: boolean): void {
    const what = created ? describeRegistration(registration) : registration.id;
    this.send(publish(this.requests.next(), {}, topic, [session.id, what]));
  }

  /** Publishes a `wamp.subscription.on_*` event: the session and the subscription's details or ID. */
  subscriptionEvent(topic: string, session: RouterSession, subscription: Subscription, created: boolean): void {
    const what = created ? describeSubscription(subscription) : subscription.id;
    this.send(publish(this.requests.next(), {}, topic, [session.id, what]));
  }

  private send(message: Message): void {
    this.transport.send(message);
  }

  private readonly onMessage = (raw: unknown): void => {
    const message = parseMessage(raw);
    switch (message[0]) {
      case MessageCode.WELCOME:
        for (const procedure of Object.keys(this.handlers)) {
          const request = this.requests.next();
          this.registering.set(request, procedure);
          this.send(register(request, {}, procedure));
        }
        return;
      case MessageCode.REGISTERED: {
        const procedure = this.registering.get(message[1]);
        this.registering.delete(message[1]);
        if (procedure !== undefined) this.procedures.set(message[2], procedure);
        return;
      }
      case MessageCode.INVOCATION: {
        const procedure = this.procedures.get(message[2]) ?? '';
        const caller = typeof message[3].caller === 'number' ? message[3].caller : 0;
        const args = message[4] ?? [];
        const kwargs = message[5] ?? {};
        if (procedure === 'wamp.subscription.get_events' && this.cluster !== null) {
          this.clusterEvents(this.cluster, args, kwargs).then(
            (answer) => this.answer(message[1], answer),
            (failure: unknown) => {
              // Never unanswered, never an unhandled rejection: the caller hears the cluster did not answer.
              this.log.warn({ err: failure, realm: this.realm.name }, 'meta: the cluster did not answer get_events');
              this.answer(message[1], { error: ErrorUri.UNAVAILABLE, args: ['the cluster did not answer'] });
            },
          );
          return;
        }
        const local = this.answerLocally(procedure, args, kwargs, caller);
        const merge = CLUSTER_META_PROCEDURES.get(procedure);
        if (this.cluster === null || merge === undefined) {
          this.answerCaller(message[1], procedure, caller, local);
          return;
        }
        this.cluster.askNodes(this.realm.name, procedure, args, kwargs, caller).then(
          (others) => this.answerCaller(message[1], procedure, caller, mergeAnswers(merge, [local, ...others])),
          () => this.answerCaller(message[1], procedure, caller, local),
        );
        return;
      }
      case MessageCode.RESULT: {
        const pending = this.calls.get(message[1]);
        this.calls.delete(message[1]);
        pending?.resolve(message[3] ?? []);
        return;
      }
      case MessageCode.ERROR: {
        if (message[1] !== MessageCode.CALL) return;
        const pending = this.calls.get(message[2]);
        this.calls.delete(message[2]);
        pending?.reject(new WampError(message[4], message[5] ?? [], { kwargs: message[6] ?? {} }));
        return;
      }
      case MessageCode.GOODBYE:
        this.send([MessageCode.GOODBYE, {}, CloseUri.GOODBYE_AND_OUT]);
        return;
      default:
        return;
    }
  };

  /**
   * Runs a meta procedure on this node's view alone: for a call to this node, or for another node of the cluster
   * that gathers every node's answer.
   */
  answerLocally(procedure: string, args: unknown[], kwargs: KwArgs, caller: number): MetaAnswer {
    if (procedure === HISTORY_QUERY) {
      const kept = this.realm.broker.keptEvents(String(args[0]), matchOption({ match: args[1] }));
      return { result: [kept ?? []] };
    }
    const handler = this.handlers[procedure];
    if (handler === undefined) return { error: ErrorUri.NO_SUCH_PROCEDURE };
    try {
      return { result: handler(args, kwargs, caller) };
    } catch (failure) {
      if (failure instanceof WampError) return { error: failure.uri, args: failure.args };
      return { error: ErrorUri.INVALID_ARGUMENT, args: [String(failure)] };
    }
  }

  /**
   * `wamp.subscription.get_events` in a cluster: every node keeps its own sessions' publications, so the kept
   * events are this node's and the others' together, ordered by time, then filtered as asked.
   */
  private async clusterEvents(cluster: Fabric, args: unknown[], kwargs: KwArgs): Promise<MetaAnswer> {
    let subscription: Subscription;
    try {
      subscription = this.subscription(args[0]);
    } catch (failure) {
      return { error: (failure as WampError).uri };
    }
    const local = this.realm.broker.keptEvents(subscription.topic, subscription.match) ?? [];
    const others = await cluster.askNodes(
      this.realm.name,
      HISTORY_QUERY,
      [subscription.topic, subscription.match],
      {},
      0,
    );
    const seen = new Set<number>();
    const merged: HistoryEntry[] = [];
    for (const entry of [
      ...local,
      ...others.flatMap((answer) => ('result' in answer ? historyEntries(answer.result[0]) : [])),
    ]) {
      if (seen.has(entry.publication)) continue;
      seen.add(entry.publication);
      merged.push(entry);
    }
    merged.sort((a, b) => a.time - b.time);
    return { result: [describeEvents(subscription, filterHistory(merged, kwargs))] };
  }

  /** Answers a client's call with what the caller may see of `answer` (see {@link PeerAddresses}). */
  private answerCaller(request: number, procedure: string, caller: number, answer: MetaAnswer): void {
    const trimmed = this.peerAddresses.trim(procedure, this.realm.sessions.get(caller), answer);
    if (trimmed instanceof Promise) void trimmed.then((shown) => this.answer(request, shown));
    else this.answer(request, trimmed);
  }

  private answer(request: number, answer: MetaAnswer): void {
    if ('result' in answer) this.send(yieldResult(request, {}, answer.result));
    else this.send(error(MessageCode.INVOCATION, request, {}, answer.error, answer.args));
  }

  /** The sessions of the realm other than the router's own. */
  private clients(): RouterSession[] {
    return [...this.realm.sessions.values()].filter((session) => !session.trusted);
  }

  private kill(targets: RouterSession[], kwargs: KwArgs): number[] {
    const reason = kwargs.reason ?? KILLED;
    if (typeof reason !== 'string' || !isValidUri(reason))
      throw new WampError(ErrorUri.INVALID_URI, ['reason must be a URI']);
    const message = typeof kwargs.message === 'string' ? kwargs.message : undefined;
    for (const target of targets) target.goodbye(reason, 1000, message);
    return targets.map((target) => target.id);
  }

  private table(): Record<string, MetaProcedure> {
    return {
      'wamp.session.count': (args) => {
        const roles = authroleFilter(args);
        return [this.clients().filter((session) => roles === null || roles.has(session.authrole)).length];
      },
      'wamp.session.list': (args) => {
        const roles = authroleFilter(args);
        return [
          this.clients()
            .filter((session) => roles === null || roles.has(session.authrole))
            .map((session) => session.id),
        ];
      },
      'wamp.session.get': (args) => {
        const session = this.realm.sessions.get(args[0] as number);
        if (session === undefined || session.trusted) throw new WampError(ErrorUri.NO_SUCH_SESSION);
        return [describeSession(session, true)];
      },
      'wamp.session.kill': (args, kwargs, caller) => {
        const session = this.realm.sessions.get(args[0] as number);
        // The caller cannot kill itself: no *other* session has its ID.
        if (session === undefined || session.trusted || session.id === caller)
          throw new WampError(ErrorUri.NO_SUCH_SESSION);
        this.kill([session], kwargs);
        return [];
      },
      'wamp.session.kill_by_authid': (args, kwargs, caller) => [
        this.kill(
          this.clients().filter((session) => session.authid === args[0] && session.id !== caller),
          kwargs,
        ),
      ],
      'wamp.session.kill_by_authrole': (args, kwargs, caller) => [
        this.kill(
          this.clients().filter((session) => session.authrole === args[0] && session.id !== caller),
          kwargs,
        ).length,
      ],
      'wamp.session.kill_all': (_args, kwargs, caller) => [
        this.kill(
          this.clients().filter((session) => session.id !== caller),
          kwargs,
        ).length,
      ],
      'wamp.session.add_testament': (args, kwargs, caller) => {
        const session = this.callerSession(caller);
        const testament = this.testamentRules.accept(args, kwargs, session.testaments);
        session.testaments ??= { detached: [], destroyed: [] };
        session.testaments[testamentScope(kwargs.scope)].push(testament);
        this.cluster?.keepTestaments(this.realm.name, session.id, session.testaments);
        return [];
      },
      'wamp.session.flush_testaments': (_args, kwargs, caller) => {
        const session = this.callerSession(caller);
        const testaments = session.testaments;
        if (testaments !== null) {
          testaments[testamentScope(kwargs.scope)] = [];
          this.cluster?.keepTestaments(this.realm.name, session.id, testaments);
        }
        return [];
      },
      ...this.registrationProcedures(),
      ...this.subscriptionProcedures(),
    };
  }

  private callerSession(caller: number): RouterSession {
    const session = this.realm.sessions.get(caller);
    if (session === undefined) throw new WampError(ErrorUri.NO_SUCH_SESSION);
    return session;
  }

  /** A registration held by a client session; the meta API's own are not shown. */
  private clientRegistration(id: unknown): Registration {
    const registration = this.realm.dealer.registrationById(id as number);
    if (registration === undefined || registration.callees.every((callee) => callee.trusted)) {
      throw new WampError(ErrorUri.NO_SUCH_REGISTRATION);
    }
    return registration;
  }

  private subscription(id: unknown): Subscription {
    const subscription = this.realm.broker.subscriptionById(id as number);
    if (subscription === undefined) throw new WampError(ErrorUri.NO_SUCH_SUBSCRIPTION);
    return subscription;
  }

  private registrationProcedures(): Record<string, MetaProcedure> {
    const dealer = this.realm.dealer;
    const visible = (registration: Registration | undefined) =>
      registration?.callees.some((callee) => !callee.trusted) ? registration.id : null;
    return {
      'wamp.registration.list': () => [
        byPolicy([...dealer.allRegistrations()].filter((registration) => visible(registration) !== null)),
      ],
      'wamp.registration.lookup': (args) => [visible(dealer.lookup(args[0] as string, matchOption(args[1])))],
      'wamp.registration.match': (args) => [visible(dealer.bestMatch(args[0] as string))],
      'wamp.registration.get': (args) => [describeRegistration(this.clientRegistration(args[0]))],
      'wamp.registration.list_callees': (args) => [this.clientRegistration(args[0]).callees.map((callee) => callee.id)],
      'wamp.registration.count_callees': (args) => [this.clientRegistration(args[0]).callees.length],
      // Administrative removal (registration revocation); the name follows Crossbar.io's meta API.
      'wamp.registration.remove': (args, kwargs) => {
        const registration = this.clientRegistration(args[0]);
        const reason = typeof kwargs.reason === 'string' ? kwargs.reason : undefined;
        const callees = registration.callees.filter((callee) => args[1] === undefined || callee.id === args[1]);
        for (const callee of callees) {
          const local = this.realm.sessions.get(callee.id);
          // A callee of another node of the cluster: that node revokes it.
          if (local !== undefined) dealer.revoke(local, registration, reason);
          else this.cluster?.revokeRemote(this.realm.name, callee, registration.id, reason);
        }
        return [callees.map((callee) => callee.id)];
      },
    };
  }

  private subscriptionProcedures(): Record<string, MetaProcedure> {
    const broker = this.realm.broker;
    return {
      'wamp.subscription.list': () => [byPolicy(broker.allSubscriptions())],
      'wamp.subscription.lookup': (args) => [broker.lookup(args[0] as string, matchOption(args[1]))?.id ?? null],
      'wamp.subscription.match': (args) => {
        const found = broker.matching(args[0] as string).map((subscription) => subscription.id);
        return [found.length > 0 ? found : null];
      },
      'wamp.subscription.get': (args) => [describeSubscription(this.subscription(args[0]))],
      'wamp.subscription.list_subscribers': (args) => [
        [...this.subscription(args[0]).subscribers].map((subscriber) => subscriber.id),
      ],
      'wamp.subscription.count_subscribers': (args) => [this.subscription(args[0]).subscribers.size],
      // Administrative removal (subscription revocation); the name follows Crossbar.io's meta API.
      'wamp.subscription.remove': (args, kwargs) => {
        const subscription = this.subscription(args[0]);
        const reason = typeof kwargs.reason === 'string' ? kwargs.reason : undefined;
        const subscribers = [...subscription.subscribers].filter(
          (subscriber) => args[1] === undefined || subscriber.id === args[1],
        );
        for (const subscriber of subscribers) broker.revoke(subscriber, subscription, reason);
        return [subscribers.map((subscriber) => subscriber.id)];
      },
      'wamp.subscription.get_events': (args, kwargs) => {
        const subscription = this.subscription(args[0]);
        return [describeEvents(subscription, broker.events(subscription, kwargs) ?? [])];
      },
    };
  }
}
