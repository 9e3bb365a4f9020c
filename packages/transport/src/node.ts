// The Node entry point: everything of the browser entry, plus the WebSocket server, the ws-based client and
// WAMP-over-RawSocket (server and client, TCP, TLS and Unix sockets).
export { CloseCode, clampCloseReason, describeCloseCode } from './close-codes.js';
export { ConnectionError, type ConnectionErrorCode, type ConnectionErrorInit } from './connection-error.js';
export { createMemoryPair, type MemoryPairOptions } from './memory.js';
export { negotiate, parseProtocolHeader } from './negotiate.js';
export { connect, type NodeConnectOptions as ConnectOptions } from './node/client.js';
export type { TransportLogger } from './node/logger.js';
export { connectRawSocket, isRawSocketUrl, type RawSocketConnectOptions } from './node/rawsocket-client.js';
export {
  describeRawSocketError,
  RAWSOCKET_MAGIC,
  RawSocketError,
  rawSocketSerializerId,
} from './node/rawsocket-handshake.js';
export {
  createRawSocketServer,
  type RawSocketListenOptions,
  type RawSocketListenResult,
  type RawSocketServer,
  type RawSocketServerOptions,
} from './node/rawsocket-server.js';
export {
  createWebSocketServer,
  type KeepaliveOptions,
  type ListenOptions,
  type ListenResult,
  type WebSocketServer,
  type WebSocketServerOptions,
} from './node/server.js';
export { logServerErrors } from './node/server-errors.js';
export { freeSocketPath, UnixSocketInUseError } from './node/unix-socket.js';
export { createOriginCheck } from './origin.js';
export { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from './transport.js';
