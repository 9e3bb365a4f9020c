// Builders of WAMP messages, one function per message type: each returns the tuple in the spec's element order and
// leaves out empty trailing payload, as the spec recommends.
import { MessageCode } from './codes.js';
import type {
  AbortMessage,
  AuthenticateMessage,
  CallMessage,
  CancelMessage,
  ChallengeMessage,
  ErrorMessage,
  EventMessage,
  GoodbyeMessage,
  HelloMessage,
  InterruptMessage,
  InvocationMessage,
  PublishedMessage,
  PublishMessage,
  RegisteredMessage,
  RegisterMessage,
  ResultMessage,
  SubscribedMessage,
  SubscribeMessage,
  UnregisteredMessage,
  UnregisterMessage,
  UnsubscribedMessage,
  UnsubscribeMessage,
  WelcomeMessage,
  YieldMessage,
} from './messages.js';
import type {
  Args,
  AuthenticateExtra,
  CallOptions,
  CancelOptions,
  ChallengeExtra,
  CloseDetails,
  ErrorDetails,
  EventDetails,
  HelloDetails,
  InterruptOptions,
  InvocationDetails,
  KwArgs,
  PublishOptions,
  RegisterOptions,
  ResultDetails,
  SubscribeOptions,
  UnregisteredDetails,
  UnsubscribedDetails,
  WelcomeDetails,
  YieldOptions,
} from './options.js';

/** True when a dict has at least one own key. Allocation-free, unlike `Object.keys(d).length`. */
function hasKeys(dict: KwArgs | undefined): dict is KwArgs {
  if (dict === undefined) return false;
  for (const key in dict) if (Object.hasOwn(dict, key)) return true;
  return false;
}

// A message tuple with its payload, by the spec's rule: leave out empty trailing elements, but keep an empty
// Arguments list when ArgumentsKw follows it. Built at its final length: an array literal pushed onto afterwards is
// reallocated, which was most of what building an EVENT cost.
function withPayload3<T>(code: number, b: unknown, c: unknown, args: Args | undefined, kwargs: KwArgs | undefined): T {
  if (hasKeys(kwargs)) return [code, b, c, args ?? [], kwargs] as T;
  return (args !== undefined && args.length > 0 ? [code, b, c, args] : [code, b, c]) as T;
}

function withPayload4<T>(
  code: number,
  b: unknown,
  c: unknown,
  d: unknown,
  args: Args | undefined,
  kwargs: KwArgs | undefined,
): T {
  if (hasKeys(kwargs)) return [code, b, c, d, args ?? [], kwargs] as T;
  return (args !== undefined && args.length > 0 ? [code, b, c, d, args] : [code, b, c, d]) as T;
}

/**
 * Builds a HELLO.
 *
 * @example
 * ```ts
 * hello('realm1', { roles: { caller: {}, callee: {} } });
 * ```
 */
export function hello(realm: string, details: HelloDetails): HelloMessage {
  return [MessageCode.HELLO, realm, details];
}

/**
 * Builds a WELCOME.
 *
 * @example
 * ```ts
 * welcome(sessionId, { roles: { broker: {}, dealer: {} } });
 * ```
 */
export function welcome(session: number, details: WelcomeDetails): WelcomeMessage {
  return [MessageCode.WELCOME, session, details];
}

/**
 * Builds an ABORT.
 *
 * @example
 * ```ts
 * abort({ message: 'no realm named "x"' }, 'wamp.error.no_such_realm');
 * ```
 */
export function abort(details: CloseDetails, reason: string, args?: Args, kwargs?: KwArgs): AbortMessage {
  return withPayload3<AbortMessage>(MessageCode.ABORT, details, reason, args, kwargs);
}

/**
 * Builds a CHALLENGE.
 *
 * @example
 * ```ts
 * challenge('ticket', {});
 * ```
 */
export function challenge(authMethod: string, extra: ChallengeExtra): ChallengeMessage {
  return [MessageCode.CHALLENGE, authMethod, extra];
}

/**
 * Builds an AUTHENTICATE.
 *
 * @example
 * ```ts
 * authenticate('secret-ticket', {});
 * ```
 */
export function authenticate(signature: string, extra: AuthenticateExtra): AuthenticateMessage {
  return [MessageCode.AUTHENTICATE, signature, extra];
}

/**
 * Builds a GOODBYE.
 *
 * @example
 * ```ts
 * goodbye({}, 'wamp.close.close_realm');
 * ```
 */
export function goodbye(details: CloseDetails, reason: string): GoodbyeMessage {
  return [MessageCode.GOODBYE, details, reason];
}

/**
 * Builds an ERROR answering a request of type `requestType`.
 *
 * @example
 * ```ts
 * error(MessageCode.CALL, 7, {}, 'wamp.error.no_such_procedure');
 * ```
 */
export function error(
  requestType: number,
  request: number,
  details: ErrorDetails,
  uri: string,
  args?: Args,
  kwargs?: KwArgs,
): ErrorMessage {
  if (hasKeys(kwargs)) return [MessageCode.ERROR, requestType, request, details, uri, args ?? [], kwargs];
  return args !== undefined && args.length > 0
    ? [MessageCode.ERROR, requestType, request, details, uri, args]
    : [MessageCode.ERROR, requestType, request, details, uri];
}

/**
 * Builds a PUBLISH.
 *
 * @example
 * ```ts
 * publish(1, { acknowledge: true }, 'com.example.tick', [42]);
 * ```
 */
export function publish(
  request: number,
  options: PublishOptions,
  topic: string,
  args?: Args,
  kwargs?: KwArgs,
): PublishMessage {
  return withPayload4<PublishMessage>(MessageCode.PUBLISH, request, options, topic, args, kwargs);
}

/**
 * Builds a PUBLISHED.
 *
 * @example
 * ```ts
 * published(1, publicationId);
 * ```
 */
export function published(request: number, publication: number): PublishedMessage {
  return [MessageCode.PUBLISHED, request, publication];
}

/**
 * Builds a SUBSCRIBE.
 *
 * @example
 * ```ts
 * subscribe(2, { match: 'prefix' }, 'com.example');
 * ```
 */
export function subscribe(request: number, options: SubscribeOptions, topic: string): SubscribeMessage {
  return [MessageCode.SUBSCRIBE, request, options, topic];
}

/**
 * Builds a SUBSCRIBED.
 *
 * @example
 * ```ts
 * subscribed(2, subscriptionId);
 * ```
 */
export function subscribed(request: number, subscription: number): SubscribedMessage {
  return [MessageCode.SUBSCRIBED, request, subscription];
}

/**
 * Builds an UNSUBSCRIBE.
 *
 * @example
 * ```ts
 * unsubscribe(3, subscriptionId);
 * ```
 */
export function unsubscribe(request: number, subscription: number): UnsubscribeMessage {
  return [MessageCode.UNSUBSCRIBE, request, subscription];
}

/**
 * Builds an UNSUBSCRIBED; pass `details` (with request `0`) only for a revocation by the broker.
 *
 * @example
 * ```ts
 * unsubscribed(3);
 * unsubscribed(0, { subscription: 42, reason: 'wamp.subscription.revoked' });
 * ```
 */
export function unsubscribed(request: number, details?: UnsubscribedDetails): UnsubscribedMessage {
  return details === undefined ? [MessageCode.UNSUBSCRIBED, request] : [MessageCode.UNSUBSCRIBED, request, details];
}

/**
 * Builds an EVENT.
 *
 * @example
 * ```ts
 * event(subscriptionId, publicationId, {}, [42]);
 * ```
 */
export function event(
  subscription: number,
  publication: number,
  details: EventDetails,
  args?: Args,
  kwargs?: KwArgs,
): EventMessage {
  return withPayload4<EventMessage>(MessageCode.EVENT, subscription, publication, details, args, kwargs);
}

/**
 * Builds a CALL.
 *
 * @example
 * ```ts
 * call(4, {}, 'com.example.add', [1, 2]);
 * ```
 */
export function call(
  request: number,
  options: CallOptions,
  procedure: string,
  args?: Args,
  kwargs?: KwArgs,
): CallMessage {
  return withPayload4<CallMessage>(MessageCode.CALL, request, options, procedure, args, kwargs);
}

/**
 * Builds a CANCEL.
 *
 * @example
 * ```ts
 * cancel(4, { mode: 'kill' });
 * ```
 */
export function cancel(request: number, options: CancelOptions): CancelMessage {
  return [MessageCode.CANCEL, request, options];
}

/**
 * Builds a RESULT.
 *
 * @example
 * ```ts
 * result(4, {}, [3]);
 * ```
 */
export function result(request: number, details: ResultDetails, args?: Args, kwargs?: KwArgs): ResultMessage {
  return withPayload3<ResultMessage>(MessageCode.RESULT, request, details, args, kwargs);
}

/**
 * Builds a REGISTER.
 *
 * @example
 * ```ts
 * register(5, { invoke: 'roundrobin' }, 'com.example.add');
 * ```
 */
export function register(request: number, options: RegisterOptions, procedure: string): RegisterMessage {
  return [MessageCode.REGISTER, request, options, procedure];
}

/**
 * Builds a REGISTERED.
 *
 * @example
 * ```ts
 * registered(5, registrationId);
 * ```
 */
export function registered(request: number, registration: number): RegisteredMessage {
  return [MessageCode.REGISTERED, request, registration];
}

/**
 * Builds an UNREGISTER.
 *
 * @example
 * ```ts
 * unregister(6, registrationId);
 * ```
 */
export function unregister(request: number, registration: number): UnregisterMessage {
  return [MessageCode.UNREGISTER, request, registration];
}

/**
 * Builds an UNREGISTERED; pass `details` (with request `0`) only for a revocation by the dealer.
 *
 * @example
 * ```ts
 * unregistered(6);
 * unregistered(0, { registration: 42, reason: 'wamp.registration.revoked' });
 * ```
 */
export function unregistered(request: number, details?: UnregisteredDetails): UnregisteredMessage {
  return details === undefined ? [MessageCode.UNREGISTERED, request] : [MessageCode.UNREGISTERED, request, details];
}

/**
 * Builds an INVOCATION.
 *
 * @example
 * ```ts
 * invocation(1, registrationId, {}, [1, 2]);
 * ```
 */
export function invocation(
  request: number,
  registration: number,
  details: InvocationDetails,
  args?: Args,
  kwargs?: KwArgs,
): InvocationMessage {
  return withPayload4<InvocationMessage>(MessageCode.INVOCATION, request, registration, details, args, kwargs);
}

/**
 * Builds an INTERRUPT.
 *
 * @example
 * ```ts
 * interrupt(1, { mode: 'kill' });
 * ```
 */
export function interrupt(request: number, options: InterruptOptions): InterruptMessage {
  return [MessageCode.INTERRUPT, request, options];
}

/**
 * Builds a YIELD.
 *
 * @example
 * ```ts
 * yieldResult(1, {}, [3]);
 * ```
 */
export function yieldResult(request: number, options: YieldOptions, args?: Args, kwargs?: KwArgs): YieldMessage {
  return withPayload3<YieldMessage>(MessageCode.YIELD, request, options, args, kwargs);
}
