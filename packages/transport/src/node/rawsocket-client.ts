// The Node client of WAMP-over-RawSocket: `rs://host:port` (TCP), `rss://host:port` (TLS) and
// `rs+unix:///path` (a Unix domain socket), the client's side of the handshake, and the connection as a Transport.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import type { Serializer } from '@wamp/protocol';
import { ConnectionError } from '../connection-error.js';
import type { PeerInfo, Transport } from '../transport.js';
import {
  handshakeOctets,
  lengthExponent,
  lengthOf,
  RawSocketError,
  rawSocketSerializerId,
  readReply,
} from './rawsocket-handshake.js';
import { RawSocketTransport } from './rawsocket-transport.js';

/**
 * Options of {@link connectRawSocket}.
 *
 * @example
 * ```ts
 * const options: RawSocketConnectOptions = {
 *   serializers: [cborSerializer, jsonSerializer],
 *   signal: AbortSignal.timeout(5_000),
 *   tls: { ca: readFileSync('ca.pem') },
 * };
 * ```
 */
export interface RawSocketConnectOptions {
  /**
   * Serializers to ask for, in order. A RawSocket handshake names one: when the router answers "serializer
   * unsupported", the next one is asked for on a new connection.
   */
  serializers: readonly Serializer[];
  /** Aborts the connection attempt; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Largest inbound message in bytes, announced as the largest power of two at or below it. Default 16 MiB. */
  maxMessageBytes?: number;
  /** Outbound bytes queued above which the transport stops being writable. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued bytes at or below which `ondrain` fires again. Default a quarter of the high-water mark. */
  lowWaterMark?: number;
  /** TLS settings for `rss://`: a CA to trust (e.g. a self-signed certificate), or turning verification off. */
  tls?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}

const SCHEMES = ['rs:', 'rss:', 'rs+unix:'];

/**
 * True for the URLs {@link connectRawSocket} takes: `rs://`, `rss://` and `rs+unix://`.
 *
 * @example
 * ```ts
 * isRawSocketUrl('rs+unix:///run/wamp-router.sock'); // true
 * isRawSocketUrl('ws://127.0.0.1:8080/ws'); // false
 * ```
 */
export function isRawSocketUrl(url: string): boolean {
  const colon = url.indexOf(':');
  return colon > 0 && SCHEMES.includes(url.slice(0, colon + 1).toLowerCase());
}

/** Opens the socket a RawSocket URL names; `ready` is its connect (or TLS secureConnect) event. */
function openSocket(url: URL, options: RawSocketConnectOptions): { socket: Socket; ready: string } {
  if (url.protocol === 'rs+unix:') {
    return { socket: connectTcp(decodeURIComponent(url.pathname)), ready: 'connect' };
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = Number(url.port);
  if (url.protocol === 'rs:') return { socket: connectTcp({ host, port }), ready: 'connect' };
  const tls = options.tls;
  const socket = connectTls({
    host,
    port,
    // SNI takes host names only.
    ...(/^[\d.]+$|:/.test(host) ? {} : { servername: host }),
    ...(tls?.ca !== undefined && { ca: tls.ca }),
    ...(tls?.rejectUnauthorized !== undefined && { rejectUnauthorized: tls.rejectUnauthorized }),
  });
  return { socket, ready: 'secureConnect' };
}

function parseUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`connect: ${url} is not a URL (rs://host:port, rss://host:port or rs+unix:///path)`);
  }
  if (parsed.protocol === 'rs+unix:' ? parsed.pathname.length < 2 : parsed.port === '') {
    throw new TypeError(
      parsed.protocol === 'rs+unix:'
        ? `connect: ${url} names no socket path (rs+unix:///run/wamp-router.sock)`
        : `connect: ${url} names no port (RawSocket has no default port: rs://host:8081)`,
    );
  }
  return parsed;
}

/** One handshake for `serializer`: resolves with the transport, or rejects with a ConnectionError. */
function handshake(
  url: string,
  parsed: URL,
  serializer: Serializer,
  options: RawSocketConnectOptions,
): Promise<{ transport: RawSocketTransport } | { refused: number }> {
  const { signal } = options;
  const maxMessageBytes = options.maxMessageBytes ?? 16 << 20;
  const exponent = lengthExponent(maxMessageBytes);
  const serializerId = rawSocketSerializerId(serializer);
  return new Promise((resolve, reject) => {
    const { socket, ready } = openSocket(parsed, options);
    let received = Buffer.alloc(0);
    const finish = () => {
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off('data', onData);
    };
    const fail = (error: unknown) => {
      finish();
      socket.destroy();
      reject(error);
    };
    const onAbort = () => fail(signal!.reason);
    const onError = (error: Error) => fail(new ConnectionError('network', url, error.message, { cause: error }));
    const onClose = () =>
      fail(
        new ConnectionError(
          'handshake',
          url,
          'the server closed the connection during the RawSocket handshake (is it a WAMP RawSocket endpoint?)',
        ),
      );
    const onData = (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      const reply = readReply(received, serializerId);
      if (!reply.ok) {
        if (reply.refused === RawSocketError.SERIALIZER_UNSUPPORTED) {
          finish();
          socket.destroy();
          resolve({ refused: reply.refused });
        } else fail(new ConnectionError('handshake', url, reply.reason));
        return;
      }
      finish();
      const highWaterMark = options.highWaterMark ?? 1 << 20;
      const peer: PeerInfo = { remoteAddress: url };
      // The client's Finished is the one this end sent.
      const finished = (socket as Partial<TLSSocket>).getFinished?.();
      if (finished !== undefined) peer.tlsUnique = finished;
      const transport = new RawSocketTransport(socket, serializer, peer, {
        marks: { highWaterMark, lowWaterMark: options.lowWaterMark ?? highWaterMark >>> 2 },
        receiveLimit: lengthOf(exponent),
        sendLimit: reply.maxBytes,
        closeTimeoutMs: 5_000,
        keepalive: null,
      });
      resolve({ transport });
      // A router speaks only after HELLO, so nothing should be behind its reply; should something be, it is read
      // once the caller had the turn to set its handlers.
      if (received.length > 4) {
        const behind = received.subarray(4);
        setImmediate(() => transport.receive(behind));
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once(ready, () => {
      socket.setNoDelay(true);
      socket.on('data', onData);
      socket.write(handshakeOctets(exponent, serializerId));
    });
  });
}

/**
 * Opens a WAMP-over-RawSocket connection from Node: `rs://host:port` over TCP, `rss://host:port` over TLS, or
 * `rs+unix:///path` over a Unix domain socket. Rejects with a {@link ConnectionError} (`network` when the socket
 * cannot be opened, `handshake` when the router refuses the handshake or is not a RawSocket router, saying why),
 * with the signal's reason when it aborts, with a `TypeError` for a URL without port or path.
 *
 * @example
 * ```ts
 * import { connectRawSocket } from '@wamp/transport/node';
 * import { jsonSerializer } from '@wamp/protocol/json';
 * const transport = await connectRawSocket('rs://127.0.0.1:8081', { serializers: [jsonSerializer] });
 * ```
 */
export async function connectRawSocket(url: string, options: RawSocketConnectOptions): Promise<Transport> {
  const { serializers, signal } = options;
  if (serializers.length === 0) throw new TypeError('connect: offer at least one serializer');
  const parsed = parseUrl(url);
  if (signal?.aborted) throw signal.reason;
  for (const serializer of serializers) {
    const outcome = await handshake(url, parsed, serializer, options);
    if ('transport' in outcome) return outcome.transport;
  }
  const asked = serializers.map((serializer) => serializer.subprotocol).join(', ');
  throw new ConnectionError('handshake', url, `the router speaks none of the serializers asked for (${asked})`);
}
