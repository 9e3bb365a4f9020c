// The Node entry point: everything of the browser entry, plus the ws server and the ws-based client.
export { CloseCode, clampCloseReason, describeCloseCode } from './close-codes.js';
export { ConnectionError, type ConnectionErrorCode, type ConnectionErrorInit } from './connection-error.js';
export { createMemoryPair, type MemoryPairOptions } from './memory.js';
export { negotiate, parseProtocolHeader } from './negotiate.js';
export { connect, type NodeConnectOptions as ConnectOptions } from './node/client.js';
export type { TransportLogger } from './node/logger.js';
export {
  createWebSocketServer,
  type KeepaliveOptions,
  type ListenOptions,
  type ListenResult,
  type WebSocketServer,
  type WebSocketServerOptions,
} from './node/server.js';
export { logServerErrors } from './node/server-errors.js';
export { createOriginCheck } from './origin.js';
export { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from './transport.js';
