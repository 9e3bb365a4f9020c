import { MessageCode } from './codes.js';
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

// One tuple type per message, in the spec's element order. Trailing payload elements are optional:
// the spec says empty Arguments/ArgumentsKw SHOULD be left out.

/** `[HELLO, Realm|uri, Details|dict]` (basic profile, session lifecycle). */
export type HelloMessage = [code: typeof MessageCode.HELLO, realm: string, details: HelloDetails];
/** `[WELCOME, Session|id, Details|dict]`. */
export type WelcomeMessage = [code: typeof MessageCode.WELCOME, session: number, details: WelcomeDetails];
/** `[ABORT, Details|dict, Reason|uri, Arguments|list, ArgumentsKw|dict]`, payload optional. */
export type AbortMessage = [
  code: typeof MessageCode.ABORT,
  details: CloseDetails,
  reason: string,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[CHALLENGE, AuthMethod|string, Extra|dict]` (advanced profile, authentication). */
export type ChallengeMessage = [code: typeof MessageCode.CHALLENGE, authMethod: string, extra: ChallengeExtra];
/** `[AUTHENTICATE, Signature|string, Extra|dict]` (advanced profile, authentication). */
export type AuthenticateMessage = [code: typeof MessageCode.AUTHENTICATE, signature: string, extra: AuthenticateExtra];
/** `[GOODBYE, Details|dict, Reason|uri]`. */
export type GoodbyeMessage = [code: typeof MessageCode.GOODBYE, details: CloseDetails, reason: string];
/** `[ERROR, REQUEST.Type|int, REQUEST.Request|id, Details|dict, Error|uri, Arguments|list, ArgumentsKw|dict]`. */
export type ErrorMessage = [
  code: typeof MessageCode.ERROR,
  requestType: number,
  request: number,
  details: ErrorDetails,
  error: string,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[PUBLISH, Request|id, Options|dict, Topic|uri, Arguments|list, ArgumentsKw|dict]`. */
export type PublishMessage = [
  code: typeof MessageCode.PUBLISH,
  request: number,
  options: PublishOptions,
  topic: string,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[PUBLISHED, PUBLISH.Request|id, Publication|id]`. */
export type PublishedMessage = [code: typeof MessageCode.PUBLISHED, request: number, publication: number];
/** `[SUBSCRIBE, Request|id, Options|dict, Topic|uri]`. */
export type SubscribeMessage = [
  code: typeof MessageCode.SUBSCRIBE,
  request: number,
  options: SubscribeOptions,
  topic: string,
];
/** `[SUBSCRIBED, SUBSCRIBE.Request|id, Subscription|id]`. */
export type SubscribedMessage = [code: typeof MessageCode.SUBSCRIBED, request: number, subscription: number];
/** `[UNSUBSCRIBE, Request|id, SUBSCRIBED.Subscription|id]`. */
export type UnsubscribeMessage = [code: typeof MessageCode.UNSUBSCRIBE, request: number, subscription: number];
/**
 * `[UNSUBSCRIBED, UNSUBSCRIBE.Request|id]`, or `[UNSUBSCRIBED, 0, Details|dict]` when the broker
 * revokes a subscription (advanced profile, subscription revocation).
 */
export type UnsubscribedMessage = [
  code: typeof MessageCode.UNSUBSCRIBED,
  request: number,
  details?: UnsubscribedDetails,
];
/** `[EVENT, SUBSCRIBED.Subscription|id, PUBLISHED.Publication|id, Details|dict, Arguments|list, ArgumentsKw|dict]`. */
export type EventMessage = [
  code: typeof MessageCode.EVENT,
  subscription: number,
  publication: number,
  details: EventDetails,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[CALL, Request|id, Options|dict, Procedure|uri, Arguments|list, ArgumentsKw|dict]`. */
export type CallMessage = [
  code: typeof MessageCode.CALL,
  request: number,
  options: CallOptions,
  procedure: string,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[CANCEL, CALL.Request|id, Options|dict]` (advanced profile, call canceling). */
export type CancelMessage = [code: typeof MessageCode.CANCEL, request: number, options: CancelOptions];
/** `[RESULT, CALL.Request|id, Details|dict, YIELD.Arguments|list, YIELD.ArgumentsKw|dict]`. */
export type ResultMessage = [
  code: typeof MessageCode.RESULT,
  request: number,
  details: ResultDetails,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[REGISTER, Request|id, Options|dict, Procedure|uri]`. */
export type RegisterMessage = [
  code: typeof MessageCode.REGISTER,
  request: number,
  options: RegisterOptions,
  procedure: string,
];
/** `[REGISTERED, REGISTER.Request|id, Registration|id]`. */
export type RegisteredMessage = [code: typeof MessageCode.REGISTERED, request: number, registration: number];
/** `[UNREGISTER, Request|id, REGISTERED.Registration|id]`. */
export type UnregisterMessage = [code: typeof MessageCode.UNREGISTER, request: number, registration: number];
/**
 * `[UNREGISTERED, UNREGISTER.Request|id]`, or `[UNREGISTERED, 0, Details|dict]` when the dealer
 * revokes a registration (advanced profile, registration revocation).
 */
export type UnregisteredMessage = [
  code: typeof MessageCode.UNREGISTERED,
  request: number,
  details?: UnregisteredDetails,
];
/** `[INVOCATION, Request|id, REGISTERED.Registration|id, Details|dict, CALL.Arguments|list, CALL.ArgumentsKw|dict]`. */
export type InvocationMessage = [
  code: typeof MessageCode.INVOCATION,
  request: number,
  registration: number,
  details: InvocationDetails,
  args?: Args,
  kwargs?: KwArgs,
];
/** `[INTERRUPT, INVOCATION.Request|id, Options|dict]` (advanced profile, call canceling). */
export type InterruptMessage = [code: typeof MessageCode.INTERRUPT, request: number, options: InterruptOptions];
/** `[YIELD, INVOCATION.Request|id, Options|dict, Arguments|list, ArgumentsKw|dict]`. */
export type YieldMessage = [
  code: typeof MessageCode.YIELD,
  request: number,
  options: YieldOptions,
  args?: Args,
  kwargs?: KwArgs,
];

/** Any WAMP message. Narrow it with `switch (msg[0])` on {@link MessageCode}. */
export type Message =
  | HelloMessage
  | WelcomeMessage
  | AbortMessage
  | ChallengeMessage
  | AuthenticateMessage
  | GoodbyeMessage
  | ErrorMessage
  | PublishMessage
  | PublishedMessage
  | SubscribeMessage
  | SubscribedMessage
  | UnsubscribeMessage
  | UnsubscribedMessage
  | EventMessage
  | CallMessage
  | CancelMessage
  | ResultMessage
  | RegisterMessage
  | RegisteredMessage
  | UnregisterMessage
  | UnregisteredMessage
  | InvocationMessage
  | InterruptMessage
  | YieldMessage;

/** True when a dict has at least one own key. Allocation-free, unlike `Object.keys(d).length`. */
function hasKeys(dict: KwArgs | undefined): dict is KwArgs {
  if (dict === undefined) return false;
  for (const key in dict) if (Object.hasOwn(dict, key)) return true;
  return false;
}

// Appends the payload to a message tuple following the spec's rule: leave out empty trailing
// elements, but keep an empty Arguments list when ArgumentsKw follows it.
function withPayload<T extends unknown[]>(head: T, args: Args | undefined, kwargs: KwArgs | undefined): T {
  if (hasKeys(kwargs)) head.push(args ?? [], kwargs);
  else if (args !== undefined && args.length > 0) head.push(args);
  return head;
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
  return withPayload<AbortMessage>([MessageCode.ABORT, details, reason], args, kwargs);
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
  return withPayload<ErrorMessage>([MessageCode.ERROR, requestType, request, details, uri], args, kwargs);
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
  return withPayload<PublishMessage>([MessageCode.PUBLISH, request, options, topic], args, kwargs);
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
  return withPayload<EventMessage>([MessageCode.EVENT, subscription, publication, details], args, kwargs);
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
  return withPayload<CallMessage>([MessageCode.CALL, request, options, procedure], args, kwargs);
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
  return withPayload<ResultMessage>([MessageCode.RESULT, request, details], args, kwargs);
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
  return withPayload<InvocationMessage>([MessageCode.INVOCATION, request, registration, details], args, kwargs);
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
  return withPayload<YieldMessage>([MessageCode.YIELD, request, options], args, kwargs);
}
