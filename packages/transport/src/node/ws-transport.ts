// A ws socket as a Transport: one write per turn, backpressure both ways (water marks, pauseReading), close codes.
import type { Socket } from 'node:net';
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';
import type WebSocket from 'ws';
import { CloseCode, clampCloseReason, describeCloseCode } from '../close-codes.js';
import { deliverFrame } from '../frame.js';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from '../transport.js';
import type { TransportLogger } from './logger.js';
import {
  COPY_LIMIT,
  FrameCache,
  headerLength,
  type ServerFrame,
  serverFrame,
  writeFrameInto,
  writeServerFrame,
} from './server-frames.js';

const BINARY_FRAME = Object.freeze({ binary: true });
const TEXT_FRAME = Object.freeze({ binary: false });
const EMPTY = Buffer.alloc(0);

// Frames sent in one event-loop turn leave together in setImmediate: a burst of frames to one peer (a fan-out, a
// batch of results) goes out in one write rather than one per frame. A transport that frames its messages itself
// frames each payload straight into one buffer (one write, no frame built per message); one that sends through ws
// corks its socket.
// Process-wide on purpose: one callback per turn flushes every connection written to in it.
const writtenThisTurn: WsTransport[] = [];

function flushAll(): void {
  for (const transport of writtenThisTurn) transport.flush();
  writtenThisTurn.length = 0;
  for (const cache of frameCaches.values()) cache.clear();
}

/** One frame cache per serializer, shared by every server connection using it (see {@link FrameCache}). */
const frameCaches = new Map<Serializer, FrameCache>();

function frameCacheFor(serializer: Serializer): FrameCache {
  let cache = frameCaches.get(serializer);
  if (cache === undefined) {
    cache = new FrameCache(serializer.binary);
    frameCaches.set(serializer, cache);
  }
  return cache;
}

/**
 * True when this side may write its frames itself: a server socket (its frames are unmasked) without
 * permessage-deflate (ws then never queues a frame of its own ahead of ours), with its TCP socket at hand.
 */
function writesFramesItself(socket: WebSocket, tcpSocket: Socket | undefined): boolean {
  return (
    tcpSocket !== undefined &&
    (socket as unknown as { _isServer?: boolean })._isServer === true &&
    socket.extensions === ''
  );
}

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

/** Close codes a peer may send in a close frame (RFC 6455 §7.4); anything else becomes a plain 1000. */
function isSendableCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999)
  );
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
 * A `ws` socket (server or client side) as a {@link Transport}. It decodes frames with the negotiated serializer
 * but does not parse them. Its listeners are bound once per connection, never per message.
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

  private aboveHighWater = false;
  private closed = false;
  /** True once this turn's first frame was sent, until {@link WsTransport.flush}. */
  private flushScheduled = false;
  /**
   * This turn's messages, when this transport frames its messages itself: payloads, each framed straight into
   * the one buffer `flush` writes, or frames built already and shared with other sockets (a fan-out's). The first
   * `unsentCount` slots are used: the arrays keep their length between turns, so they are not grown again each.
   */
  private readonly unsent: (string | Uint8Array)[] = [];
  /** The payload bytes of each unsent entry, or -1 for a frame built already. */
  private readonly unsentPayloadBytes: number[] = [];
  private unsentCount = 0;
  /** Bytes of the frames of the unsent entries. */
  private unsentBytes = 0;
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
  /**
   * Set when this transport frames its messages itself and writes them to the TCP socket (see
   * {@link writesFramesItself}): ws's send path builds two option objects and a header per frame, and frames a
   * fan-out's EVENT once per subscriber.
   */
  private readonly frames: FrameCache | null;

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
    this.frames = writesFramesItself(socket, this.tcpSocket) ? frameCacheFor(serializer) : null;
    socket.on('message', this.onSocketMessage);
    socket.on('close', this.onSocketClose);
    socket.on('error', this.onSocketError);
  }

  get readyState(): ReadyState {
    return this.socket.readyState as ReadyState;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount + this.unsentBytes;
  }

  isWritable(): boolean {
    const socket = this.socket;
    if (socket.readyState !== ReadyState.OPEN) return false;
    if (this.bufferedAmount <= this.highWaterMark) return true;
    // Over the mark without a send of ours noticing (a ping or pong of ws's own): watch for the drain all the
    // same, since whoever is told "not writable" may wait for `ondrain`.
    if (!this.aboveHighWater) {
      this.aboveHighWater = true;
      this.waitForDrain();
    }
    return false;
  }

  send(message: Message): void {
    if (this.socket.readyState !== ReadyState.OPEN) return;
    // A payload encoded for this one message goes to this socket only: no other send can share its frame.
    this.write(this.serializer.encode(message), false);
  }

  sendEncoded(frame: string | Uint8Array): void {
    if (this.socket.readyState !== ReadyState.OPEN) return;
    this.write(frame, true);
  }

  private write(payload: string | Uint8Array, shareable: boolean): void {
    if (!this.flushScheduled && this.tcpSocket !== undefined) {
      this.flushScheduled = true;
      if (this.frames === null) this.tcpSocket.cork();
      if (writtenThisTurn.push(this) === 1) setImmediate(flushAll);
    }
    if (this.frames === null) this.socket.send(payload, this.frameOptions);
    else if (shareable) this.queueShared(payload, this.frames);
    else this.queue(payload);
    if (!this.aboveHighWater && this.bufferedAmount > this.highWaterMark) {
      this.aboveHighWater = true;
      this.waitForDrain();
    }
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.socket.readyState >= ReadyState.CLOSING) return;
    // What was sent before the close goes out before ws's close frame.
    this.writeUnsent();
    // Read again, so the peer's close frame can complete the closing handshake; what it sent before is dropped.
    if (this.paused) {
      this.paused = false;
      this.dropHeld();
      this.socket.resume();
    }
    this.socket.close(isSendableCode(code) ? code : CloseCode.NORMAL, clampCloseReason(reason));
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
    this.dropUnsent();
    this.socket.terminate();
  }

  /** Writes what was sent in this turn of the event loop. */
  flush(): void {
    this.flushScheduled = false;
    if (this.frames === null) this.tcpSocket?.uncork();
    else this.writeUnsent();
  }

  /** Queues a payload that other sockets may be sent in this turn too: its frame is then built once for them. */
  private queueShared(payload: string | Uint8Array, frames: FrameCache): void {
    const shared = frames.repeatedFrame(payload);
    if (shared === null) this.queue(payload);
    else if ('header' in shared) this.writeLarge(shared);
    else this.push(shared, -1, shared.length);
  }

  private queue(payload: string | Uint8Array): void {
    const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (bytes > COPY_LIMIT) this.writeLarge(serverFrame(payload, this.serializer.binary));
    else this.push(payload, bytes, headerLength(bytes) + bytes);
  }

  private push(entry: string | Uint8Array, payloadBytes: number, frameBytes: number): void {
    const slot = this.unsentCount++;
    this.unsent[slot] = entry;
    this.unsentPayloadBytes[slot] = payloadBytes;
    this.unsentBytes += frameBytes;
  }

  /** A large payload is not copied into the turn's buffer: what came before it is written, then its frame. */
  private writeLarge(frame: ServerFrame): void {
    this.writeUnsent();
    writeServerFrame(this.tcpSocket!, frame);
  }

  private writeUnsent(): void {
    const count = this.unsentCount;
    if (count === 0) return;
    const unsent = this.unsent;
    const payloadBytes = this.unsentPayloadBytes;
    const tcp = this.tcpSocket!;
    if (tcp.writable) {
      if (count === 1 && payloadBytes[0]! < 0) tcp.write(unsent[0]!);
      else {
        const joined = Buffer.allocUnsafe(this.unsentBytes);
        const binary = this.serializer.binary;
        for (let i = 0, at = 0; i < count; i++) {
          const entry = unsent[i]!;
          const bytes = payloadBytes[i]!;
          if (bytes < 0) at += (entry as Buffer).copy(joined, at);
          else at = writeFrameInto(joined, at, entry, bytes, binary);
        }
        tcp.write(joined);
      }
    }
    this.dropUnsent();
  }

  private dropUnsent(): void {
    // The slots let go of their frames (shared with other sockets) but stay, for the next turn.
    this.unsent.fill(EMPTY, 0, this.unsentCount);
    this.unsentCount = 0;
    this.unsentBytes = 0;
  }

  private waitForDrain(): void {
    // The TCP socket under ws (untyped by ws) carries the backpressure signal. Its 'drain' only comes after a
    // write crossed the socket's own high-water mark (16 KiB), so below that an empty write stands in: its
    // callback runs once every byte queued before it has been handed to the OS.
    const tcp = this.tcpSocket;
    if (tcp === undefined || !tcp.writable) return;
    if (tcp.writableNeedDrain) tcp.once('drain', this.onTcpDrain);
    else if (tcp.writableLength > 0) tcp.write(EMPTY, this.onTcpDrain);
    else setImmediate(this.onTcpDrain); // the bytes wait for this turn's flush or in ws's queue: look again soon
  }

  private readonly onTcpDrain = (): void => {
    if (!this.aboveHighWater || this.socket.readyState !== ReadyState.OPEN) return;
    if (this.bufferedAmount <= this.lowWaterMark) {
      this.aboveHighWater = false;
      this.ondrain?.();
    } else {
      this.waitForDrain();
    }
  };

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
    this.dropUnsent();
    this.logger?.debug({ peer: this.peer.remoteAddress, code, meaning: describeCloseCode(code) }, 'websocket closed');
    const failure = this.failure;
    this.onclose?.(
      failure !== null
        ? { code: failure.code, reason: failure.reason, wasClean: false }
        : { code, reason: reason.toString(), wasClean: code !== CloseCode.ABNORMAL },
    );
  };
}
