export { ErrorUri, isWampError, WampError } from '@wamp/protocol';
export { jsonSerializer as json } from '@wamp/protocol/json';
export { exponentialBackoff, type RetryDelay } from './backoff.js';
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
export { ConnectionClosedError } from './errors.js';
export type { EventQueueOptions, OverflowPolicy } from './event-queue.js';
export {
  type CloseInfo,
  type ConnectOptions,
  RawSession,
  type ReconnectOptions,
  type Registration,
  RUNTIME_ERROR_URI,
  type SessionState,
  type Subscription,
} from './session.js';
export { type EventStream, Session, type SessionOptions } from './typed.js';
export type { CallOptions, Invocation, PublishOptions, RawResult, RawReturn, WampEvent } from './types.js';
