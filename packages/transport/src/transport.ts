// The Transport interface every connection implements (ws, browser, in-memory), with its state and events.
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';

/**
 * A connection's state, with WebSocket's `readyState` numbers.
 *
 * @example
 * ```ts
 * if (transport.readyState === ReadyState.OPEN) transport.send(msg);
 * ```
 */
export const ReadyState = {
  CONNECTING: 0,
  OPEN: 1,
  CLOSING: 2,
  CLOSED: 3,
} as const;

/**
 * One of {@link ReadyState}'s values.
 *
 * @example
 * ```ts
 * const state: ReadyState = transport.readyState;
 * ```
 */
export type ReadyState = (typeof ReadyState)[keyof typeof ReadyState];

/**
 * How a transport ended: the WebSocket close code and reason, and whether the closing handshake completed.
 *
 * @example
 * ```ts
 * transport.onclose = ({ code, reason, wasClean }) => {
 *   if (!wasClean) log.warn({ code, meaning: describeCloseCode(code), reason }, 'connection lost');
 * };
 * ```
 */
export interface TransportCloseEvent {
  code: number;
  reason: string;
  wasClean: boolean;
}

/**
 * What is known of the peer, for logs and (later) authentication.
 *
 * @example
 * ```ts
 * log.info({ peer: transport.peer.remoteAddress, origin: transport.peer.origin }, 'session opened');
 * ```
 */
export interface PeerInfo {
  /** `ip:port` of the peer, or `'memory'` for an in-process transport. */
  remoteAddress: string;
  /** The `Origin` header of the handshake, when the peer sent one. */
  origin?: string;
  /** The `User-Agent` header of the handshake, when the peer sent one. */
  userAgent?: string;
  /**
   * The `tls-unique` channel binding data of a TLS connection (RFC 5929: the first Finished message of its handshake,
   * the client's), for authentication bound to this very connection. Absent without TLS, and in browsers.
   */
  tlsUnique?: Uint8Array;
}

/**
 * One WAMP connection, as the router and the client see it. Every implementation (ws in Node, the browser's
 * WebSocket, the in-memory pair) passes the same conformance suite.
 *
 * Inbound frames are decoded (never parsed) and handed to `onmessage`; a frame that cannot be decoded goes to
 * `ondecodeerror` instead, so the layer above can answer with ABORT. Handler slots rather than an event
 * emitter: nothing is allocated per message, and browsers need no `events` module.
 *
 * Backpressure: `bufferedAmount` counts the bytes accepted by `send` but not yet handed to the OS. Once it passes
 * `highWaterMark`, `isWritable()` turns false; `ondrain` fires when it falls back to `lowWaterMark` or below.
 * The other direction: a transport that can push back on its peer offers `pauseReading`/`resumeReading`.
 *
 * @example
 * ```ts
 * transport.onmessage = (raw) => handle(parseMessage(raw));
 * transport.onclose = ({ code, reason }) => console.log('closed', code, reason);
 * transport.send(hello('realm1', { roles: { caller: {} } }));
 * ```
 */
export interface Transport {
  /** The negotiated subprotocol, e.g. `'wamp.2.json'`. */
  readonly protocol: Subprotocol;
  /** The serializer of the negotiated subprotocol. */
  readonly serializer: Serializer;
  /** WebSocket-style state: 0 connecting, 1 open, 2 closing, 3 closed. */
  readonly readyState: ReadyState;
  /** Bytes queued for sending and not yet written to the network. */
  readonly bufferedAmount: number;
  /** `bufferedAmount` above which the transport stops being writable. */
  readonly highWaterMark: number;
  /** `bufferedAmount` at or below which `ondrain` fires after the high-water mark was passed. */
  readonly lowWaterMark: number;
  /** The peer, for logs. */
  readonly peer: PeerInfo;
  /**
   * Bytes read from the network on this connection so far, its handshake and frame headers included (read from
   * the socket's own count, so nothing is added per message). Absent where there is no network to count (the
   * in-memory pair) or it cannot be read (the browser).
   */
  readonly bytesRead?: number;
  /** Bytes written to the network on this connection so far, like {@link Transport.bytesRead}. */
  readonly bytesWritten?: number;

  /** True while the transport is open and `bufferedAmount` is at or below `highWaterMark`. */
  isWritable(): boolean;
  /** Encodes and sends one message. Does nothing once the transport is closing or closed. */
  send(message: Message): void;
  /**
   * Sends a frame that this transport's serializer already produced; lets a broker encode an event once for
   * every subscriber sharing a serializer.
   */
  sendEncoded(frame: string | Uint8Array): void;
  /** Starts the closing handshake with a WebSocket close code (default 1000) and a reason (at most 123 bytes). */
  close(code?: number, reason?: string): void;
  /** Ends the connection at once, without a closing handshake; the peer sees 1006. */
  terminate(): void;
  /**
   * Stops handing inbound messages over until `resumeReading`: no `onmessage` (nor `ondecodeerror`) runs in
   * between, even for frames already read, and the socket is no longer read, so the peer is slowed down by TCP
   * flow control rather than having anything dropped. Writing goes on. Calling it again while paused does nothing.
   * Absent where the peer cannot be pushed back (the browser's WebSocket can only be read).
   */
  pauseReading?(): void;
  /**
   * Hands over the messages held since `pauseReading`, in order, then reads the socket again; a handler that
   * pauses again stops the rest. Does nothing when not paused. Present exactly when `pauseReading` is.
   */
  resumeReading?(): void;

  /**
   * Receives every decoded inbound message, with the size of its frame (bytes on a socket; characters for a
   * text frame of the in-memory pair), e.g. for rate limits.
   */
  onmessage: ((message: unknown, frameBytes: number) => void) | null;
  /** Receives a frame that could not be decoded (bad JSON/CBOR/MessagePack, or a frame of the wrong type). */
  ondecodeerror: ((error: Error) => void) | null;
  /** Fires once, when the transport reaches `CLOSED`. */
  onclose: ((event: TransportCloseEvent) => void) | null;
  /** Fires when `bufferedAmount` falls back to `lowWaterMark` after having passed `highWaterMark`. */
  ondrain: (() => void) | null;
}
