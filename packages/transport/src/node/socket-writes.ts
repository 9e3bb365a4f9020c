// When the bytes a Node transport sends leave: one write per connection at the end of each event-loop turn, and
// the watch for its TCP socket draining past its water marks.
import type { Duplex } from 'node:stream';
import { ReadyState, type Transport } from '../transport.js';
import { clearFrameCaches } from './server-frames.js';

/** A transport that holds this turn's frames and writes them in {@link TurnWriter.flush}. */
export interface TurnWriter {
  flush(): void;
}

// Process-wide on purpose: one callback per turn flushes every connection written to in it, so a burst of frames
// to one peer (a fan-out, a batch of results) goes out in one write rather than one per frame.
const writtenThisTurn: TurnWriter[] = [];

function flushAll(): void {
  for (const writer of writtenThisTurn) writer.flush();
  writtenThisTurn.length = 0;
  clearFrameCaches();
}

/**
 * Has `writer.flush()` called at the end of this turn of the event loop (in `setImmediate`). Call it once per turn
 * per writer: on the turn's first frame.
 *
 * @example
 * ```ts
 * if (!this.flushScheduled) {
 *   this.flushScheduled = true;
 *   flushAtTurnEnd(this);
 * }
 * ```
 */
export function flushAtTurnEnd(writer: TurnWriter): void {
  if (writtenThisTurn.push(writer) === 1) setImmediate(flushAll);
}

const EMPTY = Buffer.alloc(0);

/** Calls `drained` once what is queued on `socket` now has been handed to the OS. */
function whenDrained(socket: Duplex | undefined, drained: () => void): void {
  if (socket === undefined || !socket.writable) return;
  // A socket's 'drain' only comes after a write crossed its own high-water mark (16 KiB), so below that an empty
  // write stands in: its callback runs once every byte queued before it is written.
  if (socket.writableNeedDrain) socket.once('drain', drained);
  else if (socket.writableLength > 0) socket.write(EMPTY, drained);
  else setImmediate(drained); // the bytes wait for this turn's flush or in ws's queue: look again soon
}

/** The parts of a transport a {@link DrainWatch} reads, and the handler it calls. */
export type DrainOwner = Pick<
  Transport,
  'bufferedAmount' | 'highWaterMark' | 'lowWaterMark' | 'readyState' | 'ondrain'
>;

/**
 * The water marks of one connection's outbound queue: once `bufferedAmount` is past the high-water mark it
 * watches the TCP socket until the queue is back at the low-water mark, then calls the owner's `ondrain`. No timer
 * runs while the connection is writable.
 *
 * @example
 * ```ts
 * this.drain = new DrainWatch(this, tcpSocket);
 * // after each send:
 * this.drain.afterWrite();
 * ```
 */
export class DrainWatch {
  private aboveHighWater = false;

  constructor(
    private readonly owner: DrainOwner,
    private readonly socket: Duplex | undefined,
  ) {}

  /** Starts watching when a write took the queue past the high-water mark. */
  afterWrite(): void {
    if (!this.aboveHighWater && this.owner.bufferedAmount > this.owner.highWaterMark) this.watch();
  }

  /** True while the queue is at or under the high-water mark. */
  isWritable(): boolean {
    if (this.owner.bufferedAmount <= this.owner.highWaterMark) return true;
    // Over the mark without a send noticing (pings or pongs): watch all the same, since whoever is told "not
    // writable" may wait for `ondrain`.
    if (!this.aboveHighWater) this.watch();
    return false;
  }

  private watch(): void {
    this.aboveHighWater = true;
    whenDrained(this.socket, this.drained);
  }

  private readonly drained = (): void => {
    const owner = this.owner;
    if (!this.aboveHighWater || owner.readyState !== ReadyState.OPEN) return;
    if (owner.bufferedAmount <= owner.lowWaterMark) {
      this.aboveHighWater = false;
      owner.ondrain?.();
    } else {
      whenDrained(this.socket, this.drained);
    }
  };
}
