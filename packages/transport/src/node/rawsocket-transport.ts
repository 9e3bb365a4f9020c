// A WAMP-over-RawSocket connection after its handshake, as a Transport: the router's connections and the Node
// client's alike, on a TCP, TLS or Unix domain socket. Frames are read by RawFrameReader and written one buffer per
// turn (TurnQueue); PINGs are answered with PONGs; backpressure both ways; RawSocket has no closing handshake.
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';
import { CloseCode, describeCloseCode } from '../close-codes.js';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from '../transport.js';
import { type Keepalive, type KeepaliveTarget, MAX_PENDING_PONGS } from './keepalive.js';
import type { TransportLogger } from './logger.js';
import { controlFrame, FrameType, RAW_SOCKET_FRAMING, RawFrameReader, type RawFrameSink } from './rawsocket-frames.js';
import { DrainWatch } from './socket-writes.js';
import { TurnQueue } from './turn-queue.js';
import type { WaterMarks } from './ws-transport.js';

const EMPTY = Buffer.alloc(0);
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * What one RawSocket connection runs with: the limits both handshakes agreed on, and what its server (or client)
 * gives every connection.
 *
 * @example
 * ```ts
 * const settings: RawSocketSettings = {
 *   marks: { highWaterMark: 1 << 20, lowWaterMark: 1 << 18 },
 *   receiveLimit: 16 << 20, // announced in this end's handshake
 *   sendLimit: 1 << 16,     // announced in the peer's
 *   closeTimeoutMs: 5_000,
 *   keepalive: null,
 * };
 * ```
 */
export interface RawSocketSettings {
  marks: WaterMarks;
  /** Largest frame this end accepts (what its handshake announced); a longer one fails the connection. */
  receiveLimit: number;
  /** Largest message the peer accepts (what its handshake announced); a longer one is not sent. */
  sendLimit: number;
  /** How long `close` waits for the peer to end its side before the socket is destroyed. */
  closeTimeoutMs: number;
  /** Sends PINGs and cuts a peer that does not PONG; null for none. */
  keepalive: Keepalive | null;
  logger?: TransportLogger | undefined;
  /** Called once the socket closed, before `onclose`. */
  closed?(transport: RawSocketTransport): void;
}

/**
 * One WAMP-over-RawSocket connection, on its socket after the handshake, as a {@link Transport}. The same class
 * serves the router's connections and the Node client's. It decodes messages with the serializer the handshake
 * chose but does not parse them, and writes each turn's frames in one write.
 *
 * RawSocket carries no close code: `close(code, reason)` writes what was queued and ends this side of the socket,
 * and the end that closed reports its own code and reason; the other end sees the socket end and reports 1005 (no
 * status), clean. A reset or a cut reports 1006; a frame the peer got wrong fails the connection with the code
 * WebSocket would use (1009 too long, 1002 reserved bits or types).
 *
 * @example
 * ```ts
 * const transport = new RawSocketTransport(socket, jsonSerializer, { remoteAddress: '10.0.0.7:51234' }, settings);
 * transport.onmessage = (message) => console.log(message);
 * ```
 */
export class RawSocketTransport implements Transport, RawFrameSink, KeepaliveTarget {
  readonly protocol: Subprotocol;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  onmessage: ((message: unknown, frameBytes: number) => void) | null = null;
  ondecodeerror: ((error: Error) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;

  private state: ReadyState = ReadyState.OPEN;
  private readonly reader: RawFrameReader;
  private readonly drain: DrainWatch;
  private readonly unsent: TurnQueue;
  private paused = false;
  /** The code and reason this end closed with, or the failure the peer caused; null while neither happened. */
  private ending: { code: number; reason: string; wasClean: boolean } | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  /** True once the peer ended its side of the socket (its FIN) while this side was open. */
  private peerEnded = false;
  private pendingPongs = 0;
  /** Messages not sent since the last warning because they were over the peer's limit. */
  private oversized = 0;

  constructor(
    private readonly socket: Duplex,
    readonly serializer: Serializer,
    readonly peer: PeerInfo,
    private readonly settings: RawSocketSettings,
  ) {
    this.protocol = serializer.subprotocol;
    this.highWaterMark = settings.marks.highWaterMark;
    this.lowWaterMark = settings.marks.lowWaterMark;
    this.reader = new RawFrameReader(this, settings.receiveLimit);
    this.drain = new DrainWatch(this, socket);
    this.unsent = new TurnQueue(socket, RAW_SOCKET_FRAMING, serializer);
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
    settings.keepalive?.track(this, peer.remoteAddress);
  }

  get readyState(): ReadyState {
    return this.state;
  }

  get bufferedAmount(): number {
    return this.socket.writableLength + this.unsent.bytes;
  }

  get bytesRead(): number {
    return (this.socket as Socket).bytesRead;
  }

  get bytesWritten(): number {
    return (this.socket as Socket).bytesWritten;
  }

  isWritable(): boolean {
    return this.state === ReadyState.OPEN && this.drain.isWritable();
  }

  send(message: Message): void {
    if (this.state !== ReadyState.OPEN) return;
    this.queue(this.serializer.encode(message), false);
  }

  sendEncoded(frame: string | Uint8Array): void {
    if (this.state !== ReadyState.OPEN) return;
    this.queue(frame, true);
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.state !== ReadyState.OPEN) return;
    this.ending = { code, reason, wasClean: true };
    this.endSocket();
  }

  pauseReading(): void {
    if (this.paused || this.state !== ReadyState.OPEN) return;
    this.paused = true;
    this.reader.pause();
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    // The frames read already go first; the socket flows again only if none of their handlers paused anew.
    this.reader.resume();
    if (!this.paused) this.socket.resume();
  }

  terminate(): void {
    this.unsent.drop();
    if (this.state < ReadyState.CLOSING) this.state = ReadyState.CLOSING;
    // A reset, so that the peer sees the connection cut rather than ended; a TLS or Unix socket cannot send one.
    const tcp = this.socket as Socket & { resetAndDestroy?(): void };
    try {
      tcp.resetAndDestroy?.();
    } catch {
      // not a TCP handle
    }
    this.socket.destroy();
  }

  /** Reads bytes that came from the socket before this transport listened to it (behind the handshake). */
  receive(bytes: Buffer): void {
    this.reader.push(bytes);
  }

  /** Sends a PING (keepalive); the peer's PONG reaches {@link Keepalive.answered}. */
  ping(): void {
    if (this.state === ReadyState.OPEN) this.socket.write(controlFrame(FrameType.PING, EMPTY));
  }

  onRawMessage(payload: Buffer): void {
    // After this end closed, the peer's messages have no one to go to.
    if (this.state !== ReadyState.OPEN) return;
    let message: unknown;
    try {
      message = this.serializer.decode(this.serializer.binary ? payload : this.text(payload));
    } catch (error) {
      this.ondecodeerror?.(error as Error);
      return;
    }
    this.onmessage?.(message, payload.length);
  }

  onRawPing(payload: Buffer): void {
    if (this.state !== ReadyState.OPEN) return;
    if (this.pendingPongs >= MAX_PENDING_PONGS) {
      this.settings.logger?.warn(
        { peer: this.peer.remoteAddress, pendingPongs: this.pendingPongs },
        'connection cut: a burst of RawSocket PINGs outran the PONGs',
      );
      this.terminate();
      return;
    }
    this.pendingPongs++;
    // At once, before this turn's messages: a PONG is a frame of its own, and frames never interleave.
    this.socket.write(controlFrame(FrameType.PONG, payload), this.onPongWritten);
  }

  onRawPong(): void {
    this.settings.keepalive?.answered(this);
  }

  onRawError(code: number, reason: string): void {
    this.fail(code, reason);
  }

  /** A JSON payload's text; bytes that are not UTF-8 throw, as a WebSocket text frame's would fail. */
  private text(payload: Buffer): string {
    const text = payload.toString('utf8');
    // Decoding replaces every invalid sequence with U+FFFD, so only a text holding one needs the strict check.
    if (text.includes(REPLACEMENT_CHARACTER) && !isUtf8(payload)) {
      throw new TypeError('a JSON message that is not valid UTF-8');
    }
    return text;
  }

  private queue(payload: string | Uint8Array, shareable: boolean): void {
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (bytes > this.settings.sendLimit) {
      this.notSent(bytes);
      return;
    }
    this.unsent.add(payload, shareable, bytes);
    this.drain.afterWrite();
  }

  /**
   * A message over the peer's limit cannot be sent (the spec leaves what then to the implementation): it is
   * dropped, and the first drop and then every power of two of them logged, so the connection and its other
   * messages live on (an event too large for one small subscriber must not cut it off).
   */
  private notSent(bytes: number): void {
    const count = ++this.oversized;
    if ((count & (count - 1)) !== 0) return;
    this.settings.logger?.warn(
      { peer: this.peer.remoteAddress, bytes, peerLimit: this.settings.sendLimit, dropped: count },
      'RawSocket message not sent: longer than the peer accepts',
    );
  }

  /** Fails the connection over the peer's error: what was queued goes out, then this side ends. */
  private fail(code: number, reason: string): void {
    if (this.state !== ReadyState.OPEN) return;
    this.settings.logger?.warn(
      { peer: this.peer.remoteAddress, closeCode: code, error: reason },
      'RawSocket protocol error, closing the connection',
    );
    this.ending = { code, reason, wasClean: false };
    this.endSocket();
  }

  private endSocket(): void {
    this.state = ReadyState.CLOSING;
    this.unsent.write();
    this.socket.end();
    this.closeTimer = setTimeout(this.onCloseTimeout, this.settings.closeTimeoutMs);
    // Read again, so that the peer's end of the socket arrives; its messages are dropped.
    this.resumeReading();
  }

  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
  };

  private readonly onPongWritten = (): void => {
    this.pendingPongs--;
  };

  private readonly onEnd = (): void => {
    if (this.state === ReadyState.OPEN) {
      if (this.reader.midFrame) {
        this.fail(CloseCode.PROTOCOL_ERROR, 'the peer ended the connection in the middle of a frame');
        return;
      }
      // The peer ended its side: what this side queued goes out, then it ends too.
      this.peerEnded = true;
      this.state = ReadyState.CLOSING;
      this.unsent.write();
    }
    this.socket.end();
  };

  private readonly onError = (error: Error): void => {
    // A reset or a failed write: the socket is destroyed and its close event reports 1006.
    this.settings.logger?.debug({ peer: this.peer.remoteAddress, error: error.message }, 'socket error');
    if (this.ending?.wasClean === true) this.ending = null;
    this.socket.destroy();
  };

  private readonly onCloseTimeout = (): void => {
    this.closeTimer = null;
    // The peer never ended its side: not a clean close.
    if (this.ending?.wasClean === true) this.ending = null;
    this.socket.destroy();
  };

  private readonly onSocketClose = (hadError: boolean): void => {
    if (this.state === ReadyState.CLOSED) return;
    const endedByPeer = this.peerEnded && !hadError;
    this.state = ReadyState.CLOSED;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.reader.stop();
    this.unsent.drop();
    this.settings.keepalive?.untrack(this);
    this.settings.closed?.(this);
    const event: TransportCloseEvent =
      this.ending ??
      (endedByPeer
        ? { code: CloseCode.NO_STATUS, reason: '', wasClean: true }
        : { code: CloseCode.ABNORMAL, reason: '', wasClean: false });
    this.settings.logger?.debug(
      { peer: this.peer.remoteAddress, code: event.code, meaning: describeCloseCode(event.code) },
      'rawsocket closed',
    );
    this.onclose?.(event);
  };
}
