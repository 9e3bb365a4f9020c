// The WAMP message types: one tuple type per message, in the spec's element order, and their union. Builders
// live in builders.ts, validation of a decoded frame in parse.ts.
import type { MessageCode } from './codes.js';
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

// Trailing payload elements are optional: the spec says empty Arguments/ArgumentsKw SHOULD be left out.

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
