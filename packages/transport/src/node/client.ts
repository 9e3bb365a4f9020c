// The Node `connect`: a WAMP WebSocket client connection on ws.
import { TLSSocket } from 'node:tls';
import type { Serializer } from '@wamp/protocol';
import WebSocket from 'ws';
import { CloseCode } from '../close-codes.js';
import { ConnectionError } from '../connection-error.js';
import type { PeerInfo, Transport } from '../transport.js';
import { connectRawSocket, isRawSocketUrl } from './rawsocket-client.js';
import { WsTransport } from './ws-transport.js';

/** How much of a refused handshake's HTTP body goes into the error message. */
const MAX_REFUSAL_BODY = 512;

/**
 * Options of the Node {@link connect}.
 *
 * @example
 * ```ts
 * const options: NodeConnectOptions = {
 *   serializers: [cborSerializer, jsonSerializer],
 *   signal: AbortSignal.timeout(5_000),
 *   headers: { Authorization: `Bearer ${token}` },
 *   tls: { ca: readFileSync('ca.pem') },
 * };
 * ```
 */
export interface NodeConnectOptions {
  /** Serializers to offer, in order of preference. */
  serializers: readonly Serializer[];
  /** Aborts the connection attempt; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Extra HTTP headers for the handshake (e.g. `Origin`, `Authorization`). */
  headers?: Record<string, string>;
  /** Largest inbound message in bytes; a larger one closes the connection with 1009. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Outbound bytes queued above which the transport stops being writable. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued bytes at or below which `ondrain` fires again. Default a quarter of the high-water mark. */
  lowWaterMark?: number;
  /** Offer `permessage-deflate`. Default false. */
  perMessageDeflate?: boolean;
  /** TLS settings for `wss://`: a CA to trust (e.g. a self-signed certificate), or turning verification off. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}

/**
 * Opens a WAMP WebSocket connection from Node (on `ws`), offering the serializers' subprotocols in order; for an
 * `rs://`, `rss://` or `rs+unix://` URL, a RawSocket connection instead ({@link connectRawSocket}, which takes the
 * same options but `headers` and `perMessageDeflate`).
 * Rejects with a {@link ConnectionError} when the server cannot be reached, refuses the upgrade, or picks no
 * subprotocol that was offered; with the signal's reason when it aborts; with a `TypeError` for no serializers.
 *
 * @example
 * ```ts
 * import { connect } from '@wamp/transport';
 * import { jsonSerializer } from '@wamp/protocol/json';
 * const transport = await connect('ws://127.0.0.1:8080/ws', { serializers: [jsonSerializer] });
 * ```
 */
export function connect(url: string, options: NodeConnectOptions): Promise<Transport> {
  const { serializers, signal } = options;
  if (serializers.length === 0) return Promise.reject(new TypeError('connect: offer at least one serializer'));
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (isRawSocketUrl(url)) return connectRawSocket(url, options);
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      url,
      serializers.map((serializer) => serializer.subprotocol),
      {
        maxPayload: options.maxMessageBytes ?? 16 << 20,
        perMessageDeflate: options.perMessageDeflate ?? false,
        ...(options.headers !== undefined && { headers: options.headers }),
        ...(options.tls?.ca !== undefined && { ca: options.tls.ca }),
        ...(options.tls?.rejectUnauthorized !== undefined && { rejectUnauthorized: options.tls.rejectUnauthorized }),
      },
    );
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    };
    const onAbort = () => {
      fail(signal!.reason);
      socket.terminate();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // System errors (refused, DNS, reset, TLS) carry a `code`; the handshake checks of ws (subprotocol, accept
    // key) do not.
    const onError = (error: Error) =>
      fail(new ConnectionError('code' in error ? 'network' : 'handshake', url, error.message, { cause: error }));
    socket.on('error', onError);
    socket.once('unexpected-response', (request, response) => {
      // A refused handshake: keep the server's explanation (e.g. which subprotocols it speaks) for the error.
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < MAX_REFUSAL_BODY) body += chunk;
      });
      response.once('close', () => {
        const explanation = body.trim().slice(0, MAX_REFUSAL_BODY);
        const statusCode = response.statusCode ?? 0;
        const status = `HTTP ${statusCode} ${response.statusMessage ?? ''}`.trimEnd();
        const text = explanation === '' ? status : `${status}: ${explanation}`;
        fail(new ConnectionError('http', url, text, { status: statusCode }));
        request.destroy();
        socket.terminate();
      });
    });
    socket.once('open', () => {
      const serializer = serializers.find((candidate) => candidate.subprotocol === socket.protocol);
      if (serializer === undefined) {
        // ws already refuses a missing or unoffered subprotocol; this guards against that ever changing.
        fail(
          new ConnectionError('handshake', url, `the server chose subprotocol "${socket.protocol}", not one offered`),
        );
        socket.close(CloseCode.PROTOCOL_ERROR, 'no WAMP subprotocol negotiated');
        return;
      }
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      const highWaterMark = options.highWaterMark ?? 1 << 20;
      const peer: PeerInfo = { remoteAddress: url };
      // `_socket` is ws's underlying TCP/TLS socket; the client's Finished is the one this end sent.
      const tcp = (socket as unknown as { _socket: unknown })._socket;
      const finished = tcp instanceof TLSSocket ? tcp.getFinished() : undefined;
      if (finished !== undefined) peer.tlsUnique = finished;
      resolve(
        new WsTransport(socket, serializer, peer, {
          highWaterMark,
          lowWaterMark: options.lowWaterMark ?? highWaterMark >>> 2,
        }),
      );
    });
  });
}
