// The public API of @wamp/client: Session and RawSession, contracts, connect options, auth helpers, errors and types.
export { ErrorUri, isWampError, WampError } from '@wamp/protocol';
export { jsonSerializer as json } from '@wamp/protocol/json';
export {
  type CryptosignKeyPair,
  type CryptosignOptions,
  cryptosignAuth,
  deriveCraKey,
  generateCryptosignKeyPair,
  type ScramOptions,
  scramAuth,
  wampcraAuth,
} from './auth-helpers.js';
export { exponentialBackoff, type RetryDelay } from './backoff.js';
export { type RawHandler, type Registration, RUNTIME_ERROR_URI } from './callee.js';
export type { CloseInfo, SessionEvents, SessionState } from './connection.js';
export {
  type ApiDefinition,
  type ArgsOf,
  defineApi,
  type EventArgsOf,
  type ProcedureSpec,
  type ProcedureUri,
  proc,
  type ResultOf,
  type StandardSchemaV1,
  type TopicSpec,
  type TopicUri,
  topic,
  type Untyped,
} from './contract.js';
export { ConnectionClosedError, EventOverflowError } from './errors.js';
export type { EventQueueOptions, OverflowPolicy } from './event-queue.js';
export type { EventStream, EventStreamOptions } from './event-stream.js';
export { ConnectionError, type ConnectionErrorCode } from './neutral-transport.js';
export {
  type AuthOptions,
  type Challenge,
  type ConnectOptions,
  type ReconnectOptions,
  ticketAuth,
} from './options.js';
export type { ProgressiveCall } from './progressive.js';
export type { ProgressiveInput } from './session.js';
export { RawSession } from './session.js';
export type { EventSink, Subscription } from './subscriber.js';
export type { HandlerSpan, SessionTracer } from './tracing.js';
export { Session, type SessionOptions } from './typed.js';
export type {
  CallOptions,
  Invocation,
  PublishOptions,
  RawInput,
  RawResult,
  RawReturn,
  RegisterOptions,
  SubscribeOptions,
  WampEvent,
} from './types.js';
