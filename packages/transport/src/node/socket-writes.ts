// When the bytes a Node transport sends leave: one write per connection at the end of each event-loop turn, and
// the watch for its TCP socket draining.
import type { Duplex } from 'node:stream';
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

/**
 * Calls `drained` once what is queued on `socket` now has been handed to the OS, or at once (next turn) when
 * nothing is; never when the socket is no longer writable. A socket's 'drain' only comes after a write crossed its
 * own high-water mark (16 KiB), so below that an empty write stands in: its callback runs once every byte queued
 * before it is written.
 *
 * @example
 * ```ts
 * whenDrained(tcp, () => this.ondrain?.());
 * ```
 */
export function whenDrained(socket: Duplex | undefined, drained: () => void): void {
  if (socket === undefined || !socket.writable) return;
  if (socket.writableNeedDrain) socket.once('drain', drained);
  else if (socket.writableLength > 0) socket.write(EMPTY, drained);
  else setImmediate(drained); // the bytes wait for this turn's flush or in ws's queue: look again soon
}
