// One connection's outbound messages of this event-loop turn, framed into one buffer and written once at the end of
// the turn: the send path the server's WebSocket connections and every RawSocket connection share.
import type { Duplex } from 'node:stream';
import type { Serializer } from '@wamp/protocol';
import {
  COPY_LIMIT,
  type FrameCache,
  type Framing,
  frameCacheFor,
  type ServerFrame,
  writeServerFrame,
} from './server-frames.js';
import { flushAtTurnEnd, type TurnWriter } from './socket-writes.js';

const EMPTY = Buffer.alloc(0);

/**
 * This turn's payloads for one socket: each is framed straight into the one buffer written at the end of the turn
 * (no frame built per message), a payload sent to several connections in one turn is framed once for all but the
 * first ({@link FrameCache}), and a payload over 64 KiB is written after its header, uncopied. The arrays keep
 * their length between turns, so they are not grown again each turn.
 *
 * @example
 * ```ts
 * const queue = new TurnQueue(socket, webSocketFraming(serializer.binary), serializer);
 * queue.add(serializer.encode(message), false);
 * queue.bytes; // counted in the transport's bufferedAmount until the turn ends
 * ```
 */
export class TurnQueue implements TurnWriter {
  /** Bytes of the frames queued and not yet handed to the socket. */
  bytes = 0;
  private flushScheduled = false;
  /** Payloads, or frames built already and shared with other sockets; the first `count` slots are used. */
  private readonly entries: (string | Uint8Array)[] = [];
  /** The payload bytes of each entry, or -1 for a frame built already. */
  private readonly payloadBytes: number[] = [];
  private count = 0;
  private readonly frames: FrameCache;

  constructor(
    private readonly socket: Duplex,
    private readonly framing: Framing,
    serializer: Serializer,
  ) {
    this.frames = frameCacheFor(serializer, framing);
  }

  /**
   * Queues `payload` for the end of the turn. `shareable`: other sockets may be sent the same payload in this turn
   * (a fan-out's), so its frame is built once for them. `byteLength` when the caller knew it already, else -1.
   */
  add(payload: string | Uint8Array, shareable: boolean, byteLength = -1): void {
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      flushAtTurnEnd(this);
    }
    if (shareable) {
      const shared = this.frames.repeatedFrame(payload);
      if (shared !== null) {
        if ('header' in shared) this.writeLarge(shared);
        else this.push(shared, -1, shared.length);
        return;
      }
    }
    const bytes =
      byteLength >= 0 ? byteLength : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
    if (bytes > COPY_LIMIT) this.writeLarge(this.framing.frame(payload));
    else this.push(payload, bytes, this.framing.frameBytes(bytes));
  }

  /** Writes this turn's frames: called at the end of the turn, and before anything that must follow them. */
  flush(): void {
    this.flushScheduled = false;
    this.write();
  }

  /** Writes the queued frames now, in one write. */
  write(): void {
    const count = this.count;
    if (count === 0) return;
    const entries = this.entries;
    const payloadBytes = this.payloadBytes;
    const socket = this.socket;
    if (socket.writable) {
      if (count === 1 && payloadBytes[0]! < 0) socket.write(entries[0]!);
      else {
        const joined = Buffer.allocUnsafe(this.bytes);
        const framing = this.framing;
        for (let i = 0, at = 0; i < count; i++) {
          const entry = entries[i]!;
          const bytes = payloadBytes[i]!;
          if (bytes < 0) at += (entry as Buffer).copy(joined, at);
          else at = framing.writeFrameInto(joined, at, entry, bytes);
        }
        socket.write(joined);
      }
    }
    this.drop();
  }

  /** Forgets the queued frames unwritten (the connection is terminated or closed). */
  drop(): void {
    // The slots let go of their frames (shared with other sockets) but stay, for the next turn.
    this.entries.fill(EMPTY, 0, this.count);
    this.count = 0;
    this.bytes = 0;
  }

  private push(entry: string | Uint8Array, payloadBytes: number, frameBytes: number): void {
    const slot = this.count++;
    this.entries[slot] = entry;
    this.payloadBytes[slot] = payloadBytes;
    this.bytes += frameBytes;
  }

  /** A large payload is not copied into the turn's buffer: what came before it is written, then its frame. */
  private writeLarge(frame: ServerFrame): void {
    this.write();
    writeServerFrame(this.socket, frame);
  }
}
