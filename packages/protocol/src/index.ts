// The public API of @wamp/protocol: message codes, types and builders, validation, errors, IDs and URI rules.

export * from './builders.js';
export { MESSAGE_SENDER, MessageCode, type MessageName, messageName, type Role, type Sender } from './codes.js';
export {
  CloseUri,
  ErrorUri,
  isWampError,
  ProtocolViolation,
  WampError,
  type WampErrorInit,
} from './errors.js';
export { globalId, MAX_ID, ScopedIdGenerator } from './ids.js';
export type * from './messages.js';
export type * from './options.js';
export { isDict, parseMessage } from './parse.js';
export { saslprep } from './saslprep.js';
export type { Serializer, Subprotocol } from './serializer.js';
export {
  type CarriedTraceContext,
  MAX_TRACESTATE_LENGTH,
  readTraceContext,
  TRACE_CONTEXT_KEY,
  type TraceContextCarrier,
  traceContextCarrier,
} from './trace-context.js';
export {
  isReservedUri,
  isValidPattern,
  isValidUri,
  matchesPattern,
  type UriCheck,
} from './uri.js';
