// A ws socket as a Transport (the client side, and server connections with permessage-deflate): one write per
// turn, backpressure both ways (water marks, pauseReading), close codes.
import type { Socket } from 'node:net';
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';
import type WebSocket from 'ws';
import { CloseCode, clampCloseReason, describeCloseCode, isValidCloseCode } from '../close-codes.js';
import { deliverFrame } from '../frame.js';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from '../transport.js';
import type { TransportLogger } from './logger.js';
import { DrainWatch, flushAtTurnEnd } from './socket-writes.js';

const BINARY_FRAME = Object.freeze({ binary: true });
const TEXT_FRAME = Object.freeze({ binary: false });

/**
 * Water marks of one connection's outbound queue, in bytes.
 *
 * @example
 * ```ts
 * const marks: WaterMarks = { highWaterMark: 1 << 20, lowWaterMark: 1 << 18 };
 * ```
 */
export interface WaterMarks {
  highWaterMark: number;
  lowWaterMark: number;
}

/**
 * The close code ws sent after the peer's error, from the error's code; null for an error of our own side (e.g. a
 * failed compression on send), after which ws just drops the socket and its own close event says so.
 */
function closeCodeOf(error: Error & { code?: string }): number | null {
  const code = error.code;
  if (code === undefined) return null;
  if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' || code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH') {
    return CloseCode.MESSAGE_TOO_BIG;
  }
  if (code === 'WS_ERR_INVALID_UTF8') return CloseCode.INVALID_DATA;
  if (code.startsWith('WS_ERR_')) return CloseCode.PROTOCOL_ERROR;
  // zlib's codes (Z_DATA_ERROR, …): a compressed message that does not inflate.
  if (code.startsWith('Z_')) return CloseCode.INVALID_DATA;
  return null;
}

/**
 * A `ws` socket (client side, or a server connection with permessage-deflate) as a {@link Transport}. It decodes
 * frames with the negotiated serializer but does not parse them; the frames it sends in one turn leave in one
 * write, its socket corked until the end of the turn. Its listeners are bound once per connection, never per
 * message.
 *
 * @example
 * ```ts
 * const transport = new WsTransport(socket, jsonSerializer, { remoteAddress: '10.0.0.7:51234' }, marks, logger);
 * ```
 */
export class WsTransport implements Transport {
  readonly protocol: Subprotocol;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  onmessage: ((message: unknown, frameBytes: number) => void) | null = null;
  ondecodeerror: ((error: Error) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;

  private readonly drain: DrainWatch;
  private closed = false;
  /** True once this turn's first frame was sent, until {@link WsTransport.flush}. */
  private flushScheduled = false;
  private paused = false;
  /** True while held frames are handed over, so a nested resume does not start a second pass over them. */
  private releasing = false;
  /**
   * Frames ws had already read when reading was paused (the rest of one TCP read at most), with their kind;
   * null while none is held. Allocated only by a pause, never per message.
   */
  private heldFrames: Buffer[] | null = null;
  private heldBinary: boolean[] | null = null;
  private readonly tcpSocket: Socket | undefined;
  /** Set when ws closed the connection over the peer's protocol error (oversize, bad UTF-8, bad frame). */
  private failure: { code: number; reason: string } | null = null;
  private readonly frameOptions: typeof BINARY_FRAME | typeof TEXT_FRAME;

  constructor(
    private readonly socket: WebSocket,
    readonly serializer: Serializer,
    readonly peer: PeerInfo,
    marks: WaterMarks,
    private readonly logger?: TransportLogger,
  ) {
    this.protocol = serializer.subprotocol;
    this.highWaterMark = marks.highWaterMark;
    this.lowWaterMark = marks.lowWaterMark;
    this.frameOptions = serializer.binary ? BINARY_FRAME : TEXT_FRAME;
    this.tcpSocket = (socket as unknown as { _socket?: Socket })._socket;
    this.drain = new DrainWatch(this, this.tcpSocket);
    socket.on('message', this.onSocketMessage);
    socket.on('close', this.onSocketClose);
    socket.on('error', this.onSocketError);
  }

  get readyState(): ReadyState {
    return this.socket.readyState as ReadyState;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  get bytesRead(): number {
    return this.tcpSocket?.bytesRead ?? 0;
  }

  get bytesWritten(): number {
    return this.tcpSocket?.bytesWritten ?? 0;
  }

  isWritable(): boolean {
    return this.socket.readyState === ReadyState.OPEN && this.drain.isWritable();
  }

  send(message: Message): void {
    this.sendEncoded(this.serializer.encode(message));
  }

  sendEncoded(frame: string | Uint8Array): void {
    if (this.socket.readyState !== ReadyState.OPEN) return;
    if (!this.flushScheduled && this.tcpSocket !== undefined) {
      this.flushScheduled = true;
      this.tcpSocket.cork();
      flushAtTurnEnd(this);
    }
    this.socket.send(frame, this.frameOptions);
    this.drain.afterWrite();
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.socket.readyState >= ReadyState.CLOSING) return;
    // Read again, so the peer's close frame can complete the closing handshake; what it sent before is dropped.
    if (this.paused) {
      this.paused = false;
      this.dropHeld();
      this.socket.resume();
    }
    this.socket.close(isValidCloseCode(code) ? code : CloseCode.NORMAL, clampCloseReason(reason));
  }

  pauseReading(): void {
    if (this.paused || this.socket.readyState !== ReadyState.OPEN) return;
    this.paused = true;
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.releaseHeld();
    if (!this.paused && this.socket.readyState === ReadyState.OPEN) this.socket.resume();
  }

  terminate(): void {
    this.socket.terminate();
  }

  /** Writes what was sent in this turn of the event loop. */
  flush(): void {
    this.flushScheduled = false;
    this.tcpSocket?.uncork();
  }

  /** Hands the held frames over in order, until a handler pauses again; the rest stays held. */
  private releaseHeld(): void {
    const frames = this.heldFrames;
    if (frames === null || this.releasing) return;
    this.releasing = true;
    const kinds = this.heldBinary!;
    let next = 0;
    while (next < frames.length && !this.paused) {
      this.deliver(frames[next]!, kinds[next]!);
      next++;
    }
    this.releasing = false;
    if (next === frames.length) {
      this.dropHeld();
    } else {
      frames.splice(0, next);
      kinds.splice(0, next);
    }
  }

  private dropHeld(): void {
    this.heldFrames = null;
    this.heldBinary = null;
  }

  private readonly onSocketMessage = (data: Buffer, isBinary: boolean): void => {
    // ws finishes parsing the TCP read it is in after a pause; those frames wait for resumeReading.
    if (this.paused) {
      if (this.heldFrames === null) {
        this.heldFrames = [];
        this.heldBinary = [];
      }
      this.heldFrames.push(data);
      this.heldBinary!.push(isBinary);
      return;
    }
    this.deliver(data, isBinary);
  };

  private deliver(data: Buffer, isBinary: boolean): void {
    // ws hands every frame over as bytes; only JSON wants a string.
    deliverFrame(this, isBinary ? data : data.toString(), isBinary, data.length);
  }

  private readonly onSocketError = (error: Error & { code?: string }): void => {
    // ws follows a protocol error (bad frame, oversize message, invalid UTF-8) with a close frame carrying the
    // code, but then stops reading, so its own close event would say 1006; keep the real code for onclose.
    const code = closeCodeOf(error);
    if (code !== null) this.failure = { code, reason: error.message };
    this.logger?.warn(
      { peer: this.peer.remoteAddress, code: error.code, error: error.message },
      'websocket error, closing the connection',
    );
  };

  private readonly onSocketClose = (code: number, reason: Buffer): void => {
    if (this.closed) return;
    this.closed = true;
    this.dropHeld();
    this.logger?.debug({ peer: this.peer.remoteAddress, code, meaning: describeCloseCode(code) }, 'websocket closed');
    const failure = this.failure;
    this.onclose?.(
      failure !== null
        ? { code: failure.code, reason: failure.reason, wasClean: false }
        : { code, reason: reason.toString(), wasClean: code !== CloseCode.ABNORMAL },
    );
  };
}
