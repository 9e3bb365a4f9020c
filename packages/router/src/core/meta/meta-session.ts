// The meta API's internal session of one realm: it joins the realm over an in-memory transport like any client,
// registers the meta procedures, answers their INVOCATIONs, publishes the `on_*` meta events and testaments, and
// makes the calls the router itself makes (`call()`).
import {
  CloseUri,
  ErrorUri,
  error,
  hello,
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
import type { Subscription } from '../broker/subscriptions.js';
import type { Registration } from '../dealer/registrations.js';
import type { Fabric, MetaAnswer, MetaQuestion } from '../fabric.js';
import type { Realm } from '../realm.js';
import type { RouterSession } from '../session.js';
import { MetaProcedures } from './meta-procedures.js';
import { PeerAddresses } from './peer-address.js';
import { describeRegistration } from './registration-procedures.js';
import { describeSession } from './session-procedures.js';
import { describeSubscription } from './subscription-procedures.js';
import { type TestamentLimits, TestamentRules } from './testament-rules.js';
import type { Testaments } from './testaments.js';

/**
 * The meta API of one realm (`wamp.session.*`, `wamp.registration.*`, `wamp.subscription.*`), served by an
 * internal session of the router over an in-memory transport, as any callee would: the broker and dealer have
 * no special cases for it. Its procedures (see {@link MetaProcedures}) read the realm's tables directly; in a
 * cluster, the fabric answers for every node.
 *
 * @example
 * ```ts
 * const [client, server] = createMemoryPair(serializer);
 * core.accept(server, true);
 * realm.meta = new MetaSession(realm, client, fabric, limits, serializer);
 * const [verdict] = await realm.meta.call('com.example.authorize', [details], 5_000);
 * ```
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
  private readonly registered = new Map<number, string>();
  private readonly procedures: MetaProcedures;
  private readonly peerAddresses: PeerAddresses;

  /** @param cluster - the cluster this router is a node of, whose other nodes answer the meta procedures too. */
  constructor(
    private readonly realm: Realm,
    private readonly transport: Transport,
    private readonly cluster: Fabric | null,
    limits: TestamentLimits,
    serializer: Serializer,
  ) {
    this.procedures = new MetaProcedures({ realm, fabric: cluster }, new TestamentRules(limits, serializer));
    this.peerAddresses = new PeerAddresses(realm.authorizer);
    transport.onmessage = this.onMessage;
    transport.send(hello(realm.name, { roles: { callee: {}, publisher: {} }, agent: 'wamp-router meta API' }));
  }

  /** How many procedures this session registered: the realm's registrations that are the router's own. */
  get registeredCount(): number {
    return this.registered.size;
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

  /**
   * Runs a meta procedure on this node's view alone: for another node of the cluster that gathers every node's
   * answer.
   */
  answerLocally(procedure: string, args: unknown[], kwargs: KwArgs, caller: number): MetaAnswer {
    return this.procedures.answer(procedure, args, kwargs, caller);
  }

  /** Publishes `wamp.session.on_join` for a session that joined the realm. */
  sessionJoined(session: RouterSession): void {
    if (this.heard('wamp.session.on_join')) this.publish('wamp.session.on_join', [describeSession(session, false)]);
  }

  /** Publishes `wamp.session.on_leave` for a session that left the realm or was disconnected. */
  sessionLeft(session: RouterSession): void {
    if (this.heard('wamp.session.on_leave')) {
      this.publish('wamp.session.on_leave', [session.id, session.authid, session.authrole]);
    }
  }

  /**
   * Publishes a leaving session's testaments, `detached` scope first, each in the order added. After a clean
   * GOODBYE only those added with `_on_goodbye: true` go out: the client left on purpose.
   */
  publishTestaments(session: RouterSession): void {
    const testaments = session.testaments;
    if (testaments === null) return;
    session.testaments = null;
    this.cluster?.keepTestaments({ realm: this.realm.name, session: session.id, testaments: null });
    this.publishAll(testaments, session.saidGoodbye);
  }

  /** Publishes the testaments of a session whose node died with it (another node of the cluster kept them). */
  publishOrphaned(testaments: Testaments): void {
    this.publishAll(testaments, false);
  }

  /** Publishes a `wamp.registration.on_*` event: the session and the registration's details or ID. */
  registrationEvent(topic: string, session: RouterSession, registration: Registration, created: boolean): void {
    if (this.heard(topic))
      this.publish(topic, [session.id, created ? describeRegistration(registration) : registration.id]);
  }

  /** Publishes a `wamp.subscription.on_*` event: the session and the subscription's details or ID. */
  subscriptionEvent(topic: string, session: RouterSession, subscription: Subscription, created: boolean): void {
    if (this.heard(topic))
      this.publish(topic, [session.id, created ? describeSubscription(subscription) : subscription.id]);
  }

  private publishAll(testaments: Testaments, saidGoodbye: boolean): void {
    for (const testament of [...testaments.detached, ...testaments.destroyed]) {
      if (saidGoodbye && !testament.onGoodbye) continue;
      const { acknowledge: _ignored, ...options } = testament.options;
      this.send(publish(this.requests.next(), options, testament.topic, testament.args, testament.kwargs));
    }
  }

  /**
   * Whether a meta event to `topic` would reach anyone: most joins and registrations have no meta subscriber, and
   * their events then cost nothing (no description built, nothing encoded).
   */
  private heard(topic: string): boolean {
    return this.realm.broker.isHeard(topic);
  }

  private publish(topic: string, args: unknown[]): void {
    this.send(publish(this.requests.next(), {}, topic, args));
  }

  private send(message: Message): void {
    this.transport.send(message);
  }

  private readonly onMessage = (raw: unknown): void => {
    const message = parseMessage(raw);
    switch (message[0]) {
      case MessageCode.WELCOME:
        for (const procedure of this.procedures.names) {
          const request = this.requests.next();
          this.registering.set(request, procedure);
          this.send(register(request, {}, procedure));
        }
        return;
      case MessageCode.REGISTERED: {
        const procedure = this.registering.get(message[1]);
        this.registering.delete(message[1]);
        if (procedure !== undefined) this.registered.set(message[2], procedure);
        return;
      }
      case MessageCode.INVOCATION: {
        const caller = typeof message[3].caller === 'number' ? message[3].caller : 0;
        this.invoked(message[1], {
          realm: this.realm.name,
          procedure: this.registered.get(message[2]) ?? '',
          args: message[4] ?? [],
          kwargs: message[5] ?? {},
          caller,
          local: (procedure, args, kwargs) => this.procedures.answer(procedure, args, kwargs, caller),
        });
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

  /** Answers an INVOCATION: from this node alone, or in a cluster as the fabric merges every node's answer. */
  private invoked(request: number, question: MetaQuestion): void {
    const { procedure, args, kwargs } = question;
    const answer = this.cluster === null ? question.local(procedure, args, kwargs) : this.cluster.askCluster(question);
    if (answer instanceof Promise) void answer.then((merged) => this.answerCaller(request, question, merged));
    else this.answerCaller(request, question, answer);
  }

  /** Answers a client's call with what the caller may see of `answer` (see {@link PeerAddresses}). */
  private answerCaller(request: number, { procedure, caller }: MetaQuestion, answer: MetaAnswer): void {
    const trimmed = this.peerAddresses.trim(procedure, this.realm.sessions.get(caller), answer);
    if (trimmed instanceof Promise) void trimmed.then((shown) => this.answer(request, shown));
    else this.answer(request, trimmed);
  }

  private answer(request: number, answer: MetaAnswer): void {
    if ('result' in answer) this.send(yieldResult(request, {}, answer.result));
    else this.send(error(MessageCode.INVOCATION, request, {}, answer.error, answer.args));
  }
}
