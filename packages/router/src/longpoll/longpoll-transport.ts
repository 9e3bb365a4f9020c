// One WAMP-over-HTTP-long-poll connection as a Transport: outbound frames wait for a `receive` request, inbound
// ones come with `send` requests, and a client that stops polling is closed after an idle timeout.
import type { ServerResponse } from 'node:http';
import type { Message, Serializer } from '@wamp/protocol';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from '@wamp/transport';

/** How one long-poll transport batches, buffers and times out. */
export interface LongPollTransportOptions {
  /** `wamp.2.json.batched` etc.: a `receive` answer carries every frame pending, and a `send` body may carry several. */
  batched: boolean;
  /** Queued outbound bytes above which the transport is not writable (the router's `limits.outboundHighWater`). */
  highWaterMark: number;
  /** How long a `receive` request is held open when nothing is pending; answered with 204 then. */
  pollTimeoutMs: number;
  /** How long the transport lives with no request held and none arriving; then it closes (the peer sees 1006). */
  idleTimeoutMs: number;
}

/** The record separator that ends every JSON message of a batch (as `wamp.2.json.batched` over WebSocket). */
const JSON_BATCH_SEPARATOR = '\u001e';

const HEADERS_JSON = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
const HEADERS_BINARY = { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' };

/**
 * A server-side long-poll transport (WAMP spec, advanced profile, "HTTP Longpoll Transport"). The endpoint hands it
 * the `receive` responses ({@link LongPollTransport.poll}) and the `send` bodies ({@link LongPollTransport.deliver});
 * everything else is the {@link Transport} the router's core already drives.
 *
 * @example
 * ```ts
 * const transport = new LongPollTransport(jsonSerializer, peer, options, () => transports.delete(id));
 * core.accept(transport);
 * transport.deliver(body);    // POST <base>/<id>/send
 * transport.poll(response);   // POST <base>/<id>/receive
 * ```
 */
export class LongPollTransport implements Transport {
  readonly protocol;
  readonly lowWaterMark: number;
  readonly highWaterMark: number;
  readyState: ReadyState = ReadyState.OPEN;
  bufferedAmount = 0;
  bytesRead = 0;
  bytesWritten = 0;

  onmessage: ((message: unknown, frameBytes: number) => void) | null = null;
  ondecodeerror: ((error: Error) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;

  private readonly queue: (string | Uint8Array)[] = [];
  private readonly sizes: number[] = [];
  /** The `receive` request held open, waiting for a frame. */
  private held: ServerResponse | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** After `close`, ends the transport if the client does not take its queue within `pollTimeoutMs`. */
  private closeTimer: NodeJS.Timeout | null = null;
  private aboveHighWater = false;
  /** How the transport ends once its queue is taken, after `close`. */
  private closing: TransportCloseEvent | null = null;

  /**
   * @param serializer - the serializer agreed in `open`.
   * @param peer - the client of the `open` request.
   * @param onGone - called once when the transport is closed, so the endpoint forgets its ID.
   */
  constructor(
    readonly serializer: Serializer,
    readonly peer: PeerInfo,
    private readonly options: LongPollTransportOptions,
    private readonly onGone: () => void,
  ) {
    this.protocol = serializer.subprotocol;
    this.highWaterMark = options.highWaterMark;
    // A quarter, as the socket transports have it: reading resumes once most of the backlog is taken.
    this.lowWaterMark = options.highWaterMark >> 2;
    this.armIdle();
  }

  isWritable(): boolean {
    return this.readyState === ReadyState.OPEN && this.bufferedAmount <= this.highWaterMark;
  }

  send(message: Message): void {
    if (this.readyState === ReadyState.OPEN) this.sendEncoded(this.serializer.encode(message));
  }

  sendEncoded(frame: string | Uint8Array): void {
    if (this.readyState !== ReadyState.OPEN) return;
    const size = typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength;
    this.queue.push(frame);
    this.sizes.push(size);
    this.bufferedAmount += size;
    if (this.bufferedAmount > this.highWaterMark) this.aboveHighWater = true;
    if (this.held !== null) this.answerHeld();
  }

  /**
   * Lets the client take what is queued (the GOODBYE or ABORT last); the transport closes once it is taken, or
   * uncleanly when it is not taken within `pollTimeoutMs`, as a WebSocket whose closing handshake gets no answer.
   */
  close(code = 1000, reason = ''): void {
    if (this.readyState !== ReadyState.OPEN) return;
    this.readyState = ReadyState.CLOSING;
    this.closing = { code, reason, wasClean: true };
    if (this.queue.length === 0) {
      this.finish(this.closing);
      return;
    }
    this.closeTimer = setTimeout(() => this.finish({ code, reason, wasClean: false }), this.options.pollTimeoutMs);
    this.closeTimer.unref();
  }

  terminate(): void {
    this.finish({ code: 1006, reason: '', wasClean: false });
  }

  /** `POST <base>/<id>/close`: the client ends the transport. */
  closedByClient(): void {
    this.finish({ code: 1000, reason: 'closed by the client', wasClean: true });
  }

  /**
   * `POST <base>/<id>/send`: decodes the body (one message, or a batch) and hands each message on. Returns false
   * when the body is not valid in the agreed format, for a 400 answer; the messages before the bad one are handed on.
   */
  deliver(body: Buffer): boolean {
    this.armIdle();
    this.bytesRead += body.byteLength;
    const frames = this.options.batched ? splitBatch(body, this.serializer.binary) : [frameOf(body, this.serializer)];
    if (frames === null) {
      this.ondecodeerror?.(new Error('the batch of a long-poll send request is cut short'));
      return false;
    }
    for (const frame of frames) {
      if (this.readyState === ReadyState.CLOSED) return true;
      let message: unknown;
      try {
        message = this.serializer.decode(frame);
      } catch (error) {
        this.ondecodeerror?.(error as Error);
        return false;
      }
      this.onmessage?.(message, typeof frame === 'string' ? Buffer.byteLength(frame) : frame.byteLength);
    }
    return true;
  }

  /**
   * `POST <base>/<id>/receive`: answers at once when frames are pending, else holds the request until one comes or
   * `pollTimeoutMs` passes (204). A second poll while one is held answers the first with 204.
   */
  poll(response: ServerResponse): void {
    if (this.held !== null) this.release(204);
    this.held = response;
    this.stopIdle();
    response.once('close', () => {
      if (this.held === response) this.dropHeld();
    });
    if (this.queue.length > 0) this.answerHeld();
    else {
      this.pollTimer = setTimeout(() => this.release(204), this.options.pollTimeoutMs);
      this.pollTimer.unref();
    }
  }

  /** Answers the held poll with what is queued: one frame, or all of them in batched mode. */
  private answerHeld(): void {
    const response = this.held!;
    this.dropHeld();
    const count = this.options.batched ? this.queue.length : 1;
    const frames = this.queue.splice(0, count);
    let taken = 0;
    for (const size of this.sizes.splice(0, count)) taken += size;
    this.bufferedAmount -= taken;
    const body = this.options.batched ? joinBatch(frames, this.serializer.binary) : frames[0]!;
    this.bytesWritten += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    response.writeHead(200, this.serializer.binary ? HEADERS_BINARY : HEADERS_JSON).end(body);
    if (this.aboveHighWater && this.bufferedAmount <= this.lowWaterMark) {
      this.aboveHighWater = false;
      this.ondrain?.();
    }
    if (this.closing !== null && this.queue.length === 0) this.finish(this.closing);
  }

  /** Answers the held poll with an empty body (nothing came in time, or another poll replaced it). */
  private release(status: number): void {
    const response = this.held;
    if (response === null) return;
    this.dropHeld();
    response.writeHead(status, { 'cache-control': 'no-store' }).end();
  }

  /** Forgets the held poll and starts counting idle time. */
  private dropHeld(): void {
    this.held = null;
    if (this.pollTimer !== null) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    if (this.readyState !== ReadyState.CLOSED) this.armIdle();
  }

  private armIdle(): void {
    this.stopIdle();
    this.idleTimer = setTimeout(() => this.terminate(), this.options.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private stopIdle(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private finish(event: TransportCloseEvent): void {
    if (this.readyState === ReadyState.CLOSED) return;
    this.readyState = ReadyState.CLOSED;
    this.release(204);
    this.stopIdle();
    if (this.closeTimer !== null) clearTimeout(this.closeTimer);
    this.queue.length = 0;
    this.sizes.length = 0;
    this.bufferedAmount = 0;
    this.onGone();
    this.onclose?.(event);
  }
}

/** One message's frame from a request body: text for JSON, the bytes for a binary serializer. */
function frameOf(body: Buffer, serializer: Serializer): string | Uint8Array {
  return serializer.binary ? body : body.toString('utf8');
}

/**
 * The frames of a batched body: JSON messages each ended by 0x1E, binary ones each after a 4-octet big-endian
 * length. Null when a binary batch is cut short.
 */
function splitBatch(body: Buffer, binary: boolean): (string | Uint8Array)[] | null {
  if (!binary) {
    const parts = body.toString('utf8').split(JSON_BATCH_SEPARATOR);
    // The separator ends each message, so the last part is empty (text without one is a last message all the same).
    if (parts[parts.length - 1] === '') parts.pop();
    return parts;
  }
  const frames: Uint8Array[] = [];
  let at = 0;
  while (at < body.byteLength) {
    if (at + 4 > body.byteLength) return null;
    const length = body.readUInt32BE(at);
    if (at + 4 + length > body.byteLength) return null;
    frames.push(body.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return frames;
}

/** The body of a batched `receive` answer, the inverse of {@link splitBatch}. */
function joinBatch(frames: (string | Uint8Array)[], binary: boolean): string | Buffer {
  if (!binary) return `${frames.join(JSON_BATCH_SEPARATOR)}${JSON_BATCH_SEPARATOR}`;
  const parts: Buffer[] = [];
  for (const frame of frames as Uint8Array[]) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(frame.byteLength);
    parts.push(length, Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
  }
  return Buffer.concat(parts);
}
