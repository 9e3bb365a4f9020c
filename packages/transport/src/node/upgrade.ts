// The server's side of the WebSocket opening handshake (RFC 6455 §4.2): the checks of the upgrade request that
// ws made before, and the 101 response.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** 16 bytes in base64. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * Why an upgrade request is not a WebSocket handshake: the HTTP status, a text for the body, and a header the
 * answer must carry.
 *
 * @example
 * ```ts
 * const refusal: HandshakeRefusal = { status: 426, reason: 'speak WebSocket version 13', header: 'Sec-WebSocket-Version: 13' };
 * ```
 */
export interface HandshakeRefusal {
  status: number;
  reason: string;
  header?: string;
}

/**
 * Null when `request` is a valid WebSocket handshake: a GET with `Upgrade: websocket`, a `Sec-WebSocket-Key` of
 * 16 bytes and version 13 (or 8, the same framing, as ws accepts).
 *
 * @example
 * ```ts
 * const refusal = checkHandshake(request);
 * if (refusal !== null) refuse(socket, refusal.status, refusal.reason, refusal.header);
 * ```
 */
export function checkHandshake(request: IncomingMessage): HandshakeRefusal | null {
  if (request.method !== 'GET') return { status: 405, reason: 'a WebSocket handshake is a GET request' };
  if (request.headers.upgrade?.toLowerCase() !== 'websocket') {
    return { status: 400, reason: 'a WebSocket handshake asks for Upgrade: websocket' };
  }
  const key = request.headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) {
    return { status: 400, reason: 'Sec-WebSocket-Key must be 16 bytes in base64' };
  }
  const version = request.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    return {
      status: 426,
      reason: 'this server speaks WebSocket version 13',
      header: 'Sec-WebSocket-Version: 13',
    };
  }
  return null;
}

/**
 * True when the client offers `permessage-deflate`.
 *
 * @example
 * ```ts
 * offersPerMessageDeflate(request); // true for 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits'
 * ```
 */
export function offersPerMessageDeflate(request: IncomingMessage): boolean {
  return request.headers['sec-websocket-extensions']?.includes('permessage-deflate') === true;
}

/**
 * Completes the handshake of a request {@link checkHandshake} accepted: writes the 101 response with the chosen
 * subprotocol to `socket`, after which both ends speak WebSocket frames.
 *
 * @example
 * ```ts
 * writeSwitchingProtocols(socket, request, 'wamp.2.json');
 * ```
 */
export function writeSwitchingProtocols(socket: Duplex, request: IncomingMessage, subprotocol: string): void {
  const accept = createHash('sha1')
    .update(request.headers['sec-websocket-key'] + ACCEPT_GUID)
    .digest('base64');
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: ${subprotocol}\r\n\r\n`,
  );
}
