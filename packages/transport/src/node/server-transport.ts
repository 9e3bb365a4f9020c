// A server-side WebSocket connection on its TCP socket, as a Transport: frames read by FrameReader and written
// one buffer per turn, backpressure both ways, the closing handshake, pings. Every server connection without
// permessage-deflate runs on it; ws serves the compressed ones and the client side.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';
import { CloseCode, clampCloseReason, describeCloseCode, isValidCloseCode } from '../close-codes.js';
import { deliverFrame } from '../frame.js';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from '../transport.js';
import { FrameReader, type FrameSink } from './frame-reader.js';
import { type Keepalive, type KeepaliveTarget, MAX_PENDING_PONGS } from './keepalive.js';
import type { TransportLogger } from './logger.js';
import { webSocketFraming } from './server-frames.js';
import { DrainWatch } from './socket-writes.js';
import { TurnQueue } from './turn-queue.js';
import type { WaterMarks } from './ws-transport.js';

const EMPTY = Buffer.alloc(0);
const PING_FRAME = Buffer.from([0x89, 0x00]);
const OP_CLOSE = 0x88;
const OP_PONG = 0x8a;

/** A control frame (FIN set, unmasked) of `opcode` around `payload` (at most 125 bytes). */
function controlFrame(opcode: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(2 + payload.length);
  frame[0] = opcode;
  frame[1] = payload.length;
  frame.set(payload, 2);
  return frame;
}

function closeFrame(code: number, reason: string): Buffer {
  const frame = Buffer.allocUnsafe(4 + Buffer.byteLength(reason));
  frame[0] = OP_CLOSE;
  frame[1] = frame.length - 2;
  frame.writeUInt16BE(code, 2);
  frame.write(reason, 4);
  return frame;
}

/**
 * What one server gives each of its {@link ServerSocketTransport}s: built once per server.
 *
 * @example
 * ```ts
 * const settings: ServerConnectionSettings = {
 *   marks: { highWaterMark: 1 << 20, lowWaterMark: 1 << 18 },
 *   maxMessageBytes: 16 << 20,
 *   closeTimeoutMs: 5_000,
 *   keepalive: null,
 *   closed: (transport) => transports.delete(transport),
 * };
 * ```
 */
export interface ServerConnectionSettings {
  marks: WaterMarks;
  maxMessageBytes: number;
  /** How long the closing handshake may take before the socket is destroyed. */
  closeTimeoutMs: number;
  keepalive: Keepalive | null;
  logger?: TransportLogger | undefined;
  /** Called once the socket closed, before `onclose`. */
  closed(transport: ServerSocketTransport): void;
}

/**
 * A WebSocket connection the server accepted, on its socket after the 101 response, as a {@link Transport}. It
 * decodes messages with the negotiated serializer but does not parse them, frames what it sends itself (a server
 * frame is unmasked, so a fan-out's frame is built once for every subscriber of a serializer) and writes each
 * turn's frames in one write. Its handlers are bound once per connection, never per message.
 *
 * @example
 * ```ts
 * const transport = new ServerSocketTransport(socket, jsonSerializer, { remoteAddress: '10.0.0.7:51234' }, settings);
 * transport.onmessage = (message) => console.log(message);
 * ```
 */
export class ServerSocketTransport implements Transport, FrameSink, KeepaliveTarget {
  readonly protocol: Subprotocol;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  onmessage: ((message: unknown, frameBytes: number) => void) | null = null;
  ondecodeerror: ((error: Error) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;

  private state: ReadyState = ReadyState.OPEN;
  private readonly reader: FrameReader;
  private readonly drain: DrainWatch;
  private paused = false;
  private closeSent = false;
  /** The peer's close frame, once it came: the code (1005 without one) and reason `onclose` reports. */
  private peerClose: { code: number; reason: string } | null = null;
  /** Set when the peer broke the protocol (oversize, bad UTF-8, bad frame): the code we closed with. */
  private failure: { code: number; reason: string } | null = null;
  private closeTimer: NodeJS.Timeout | null = null;
  private pendingPongs = 0;
  /** This turn's messages, written in one write at its end. */
  private readonly unsent: TurnQueue;

  constructor(
    private readonly socket: Duplex,
    readonly serializer: Serializer,
    readonly peer: PeerInfo,
    private readonly settings: ServerConnectionSettings,
  ) {
    this.protocol = serializer.subprotocol;
    this.highWaterMark = settings.marks.highWaterMark;
    this.lowWaterMark = settings.marks.lowWaterMark;
    this.unsent = new TurnQueue(socket, webSocketFraming(serializer.binary), serializer);
    this.reader = new FrameReader(this, settings.maxMessageBytes);
    this.drain = new DrainWatch(this, socket);
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

  // The upgrade's socket is a net.Socket (a tls.TLSSocket over HTTPS): its counts cost nothing to keep.
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
    // A payload encoded for this one message goes to this socket only: no other send can share its frame.
    this.unsent.add(this.serializer.encode(message), false);
    this.drain.afterWrite();
  }

  sendEncoded(frame: string | Uint8Array): void {
    if (this.state !== ReadyState.OPEN) return;
    this.unsent.add(frame, true);
    this.drain.afterWrite();
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.state !== ReadyState.OPEN) return;
    // What was sent before the close goes out before the close frame.
    this.unsent.write();
    this.sendClose(isValidCloseCode(code) ? code : CloseCode.NORMAL, clampCloseReason(reason));
    // Read again, so the peer's close frame can complete the closing handshake; its messages are dropped.
    this.resumeReading();
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
    this.socket.destroy();
  }

  ping(): void {
    if (this.state === ReadyState.OPEN) this.socket.write(PING_FRAME);
  }

  onFrameMessage(message: string | Buffer, bytes: number): void {
    // After our close frame the peer's messages have no one to go to.
    if (this.state === ReadyState.OPEN) deliverFrame(this, message, typeof message !== 'string', bytes);
  }

  onFramePing(payload: Buffer): void {
    if (this.state !== ReadyState.OPEN) return;
    if (this.pendingPongs >= MAX_PENDING_PONGS) {
      this.settings.logger?.warn(
        { peer: this.peer.remoteAddress, pendingPongs: this.pendingPongs },
        'connection cut: a burst of pings outran the pongs',
      );
      this.terminate();
      return;
    }
    this.pendingPongs++;
    this.socket.write(controlFrame(OP_PONG, payload), this.onPongWritten);
  }

  onFramePong(): void {
    this.settings.keepalive?.answered(this);
  }

  onFrameClose(code: number, reason: string): void {
    this.peerClose = { code, reason };
    if (!this.closeSent) {
      this.unsent.write();
      // Echo the peer's code, as RFC 6455 §5.5.1 has it; a close without a code is answered without one.
      this.sendClose(code, reason);
    }
    // The server closes the TCP connection first (RFC 6455 §7.1.1).
    this.socket.end();
  }

  onFrameError(code: number, reason: string): void {
    this.failure = { code, reason };
    this.settings.logger?.warn(
      { peer: this.peer.remoteAddress, closeCode: code, error: reason },
      'websocket error, closing the connection',
    );
    if (!this.closeSent) {
      this.unsent.write();
      this.sendClose(code, '');
    }
    this.socket.end();
  }

  private sendClose(code: number, reason: string): void {
    this.closeSent = true;
    this.state = ReadyState.CLOSING;
    if (this.socket.writable)
      this.socket.write(code === CloseCode.NO_STATUS ? controlFrame(OP_CLOSE, EMPTY) : closeFrame(code, reason));
    this.closeTimer = setTimeout(this.onCloseTimeout, this.settings.closeTimeoutMs);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
  };

  private readonly onPongWritten = (): void => {
    this.pendingPongs--;
  };

  private readonly onEnd = (): void => {
    // The peer sent its FIN, with or without a close frame. An HTTP server's sockets allow half-open connections,
    // so this side ends too.
    if (this.state === ReadyState.OPEN) this.state = ReadyState.CLOSING;
    this.socket.end();
  };

  private readonly onError = (error: Error & { code?: string }): void => {
    // A reset or a failed write: the socket is destroyed and its close event reports 1006.
    this.settings.logger?.debug({ peer: this.peer.remoteAddress, error: error.message }, 'socket error');
    this.socket.destroy();
  };

  private readonly onCloseTimeout = (): void => {
    this.closeTimer = null;
    this.socket.destroy();
  };

  private readonly onSocketClose = (): void => {
    if (this.state === ReadyState.CLOSED) return;
    this.state = ReadyState.CLOSED;
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.reader.stop();
    this.unsent.drop();
    this.settings.keepalive?.untrack(this);
    this.settings.closed(this);
    const failure = this.failure;
    const peerClose = this.peerClose;
    const code = failure?.code ?? peerClose?.code ?? CloseCode.ABNORMAL;
    this.settings.logger?.debug(
      { peer: this.peer.remoteAddress, code, meaning: describeCloseCode(code) },
      'websocket closed',
    );
    this.onclose?.(
      failure !== null
        ? { code: failure.code, reason: failure.reason, wasClean: false }
        : { code, reason: peerClose?.reason ?? '', wasClean: peerClose !== null },
    );
  };
}
