// The server's side of the WebSocket opening handshake (RFC 6455 §4.2): the checks of the upgrade request, the
// 101 response, the HTTP answer to a refused request, and what a request says of its peer.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { TLSSocket } from 'node:tls';
import type { PeerInfo } from '../transport.js';

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

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  426: 'Upgrade Required',
  503: 'Service Unavailable',
};

/**
 * Answers an upgrade request with a plain HTTP error (and `header`, a header line) and closes the socket.
 *
 * @example
 * ```ts
 * refuse(socket, 403, 'origin https://evil.example.com is not allowed');
 * ```
 */
export function refuse(socket: Duplex, status: number, reason: string, header?: string): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        (header === undefined ? '' : `${header}\r\n`) +
        `Content-Length: ${Buffer.byteLength(reason) + 1}\r\n\r\n${reason}\n`,
    );
  }
  socket.destroy();
}

/**
 * Who is on the other end of an upgrade request: address and port, `Origin`, `User-Agent`, and for TLS the
 * client's Finished message (the `tls-unique` channel binding).
 *
 * @example
 * ```ts
 * peerOf(request); // { remoteAddress: '10.0.0.7:51234', origin: 'https://app.example.com' }
 * ```
 */
export function peerOf(request: IncomingMessage): PeerInfo {
  const peer: PeerInfo = { remoteAddress: `${request.socket.remoteAddress}:${request.socket.remotePort}` };
  const origin = request.headers.origin;
  const userAgent = request.headers['user-agent'];
  if (origin !== undefined) peer.origin = origin;
  if (userAgent !== undefined) peer.userAgent = userAgent;
  // The client's Finished is the one this end received.
  const finished = request.socket instanceof TLSSocket ? request.socket.getPeerFinished() : undefined;
  if (finished !== undefined) peer.tlsUnique = finished;
  return peer;
}

/**
 * The path of a request URL, without its query.
 *
 * @example
 * ```ts
 * pathOf('/ws?token=1'); // '/ws'
 * ```
 */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
