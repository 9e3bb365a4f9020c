// The browser entry point: no Node built-ins and no `ws` are reachable from here.
export { type BrowserConnectOptions as ConnectOptions, connect } from './browser/client.js';
export { CloseCode, clampCloseReason, describeCloseCode } from './close-codes.js';
export { ConnectionError, type ConnectionErrorCode, type ConnectionErrorInit } from './connection-error.js';
export { createMemoryPair, type MemoryPairOptions } from './memory.js';
export { negotiate, parseProtocolHeader } from './negotiate.js';
export { createOriginCheck } from './origin.js';
export { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from './transport.js';
