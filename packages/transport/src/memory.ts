// A pair of in-memory transports connected to each other, with no socket.
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';
import { CloseCode } from './close-codes.js';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from './transport.js';

const MEMORY_PEER: PeerInfo = Object.freeze({ remoteAddress: 'memory' });

/**
 * Options of {@link createMemoryPair}.
 *
 * @example
 * ```ts
 * const [client, server] = createMemoryPair(cborSerializer, { highWaterMark: 64 * 1024 });
 * ```
 */
export interface MemoryPairOptions {
  /** Queued bytes (frames not yet delivered) above which `isWritable()` turns false. Default 1 MiB. */
  highWaterMark?: number;
  /**
   * The server end's serializer when it is a variant of the client end's for the same subprotocol, as the
   * router's pass-through JSON is (`@wamp/protocol/json-passthrough`). Default: `serializer` on both ends.
   */
  serverSerializer?: Serializer;
}

function frameBytes(frame: string | Uint8Array): number {
  return typeof frame === 'string' ? frame.length : frame.byteLength;
}

/**
 * One end of an in-memory pair. Frames go through the serializer both ways, exactly as on a socket, and are
 * delivered in batches on a microtask, never synchronously inside `send`. While the receiving end is paused,
 * frames stay in the sender's queue and count in its `bufferedAmount`, as bytes would in a socket's.
 */
class MemoryTransport implements Transport {
  readonly protocol: Subprotocol;
  readonly peer = MEMORY_PEER;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  readyState: ReadyState = ReadyState.OPEN;
  bufferedAmount = 0;
  onmessage: ((message: unknown, frameBytes: number) => void) | null = null;
  ondecodeerror: ((error: Error) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;

  /** The other end; set right after construction. */
  other!: MemoryTransport;
  private outbox: (string | Uint8Array)[] = [];
  private scheduled = false;
  private aboveHighWater = false;
  private paused = false;
  /** The close this end asked for, delivered to both ends after the frames queued before it. */
  private pendingClose: TransportCloseEvent | null = null;
  private readonly flushBound = () => this.flush();

  constructor(
    readonly serializer: Serializer,
    highWaterMark: number,
  ) {
    this.protocol = serializer.subprotocol;
    this.highWaterMark = highWaterMark;
    this.lowWaterMark = highWaterMark >>> 2;
  }

  isWritable(): boolean {
    return this.readyState === ReadyState.OPEN && this.bufferedAmount <= this.highWaterMark;
  }

  send(message: Message): void {
    if (this.readyState !== ReadyState.OPEN) return;
    this.sendEncoded(this.serializer.encode(message));
  }

  sendEncoded(frame: string | Uint8Array): void {
    if (this.readyState !== ReadyState.OPEN) return;
    this.outbox.push(frame);
    this.bufferedAmount += frameBytes(frame);
    if (this.bufferedAmount > this.highWaterMark) this.aboveHighWater = true;
    this.schedule();
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.readyState >= ReadyState.CLOSING) return;
    this.readyState = ReadyState.CLOSING;
    this.other.readyState = ReadyState.CLOSING;
    this.pendingClose = { code, reason, wasClean: true };
    this.schedule();
  }

  pauseReading(): void {
    this.paused = true;
  }

  resumeReading(): void {
    if (!this.paused) return;
    this.paused = false;
    this.other.schedule();
  }

  terminate(): void {
    if (this.readyState === ReadyState.CLOSED) return;
    this.outbox = [];
    this.other.outbox = [];
    const abnormal: TransportCloseEvent = { code: CloseCode.ABNORMAL, reason: '', wasClean: false };
    queueMicrotask(() => {
      this.finish(abnormal);
      this.other.finish(abnormal);
    });
    this.readyState = ReadyState.CLOSING;
    this.other.readyState = ReadyState.CLOSING;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.flushBound);
  }

  private flush(): void {
    this.scheduled = false;
    const frames = this.outbox;
    this.outbox = [];
    const receiver = this.other;
    for (let index = 0; index < frames.length; index++) {
      if (receiver.paused && receiver.readyState !== ReadyState.CLOSED) {
        // Kept, ahead of anything sent meanwhile, until the receiver resumes (which schedules a flush).
        this.outbox = frames.slice(index).concat(this.outbox);
        break;
      }
      const frame = frames[index]!;
      this.bufferedAmount -= frameBytes(frame);
      if (receiver.readyState === ReadyState.CLOSED) continue;
      receiver.receive(frame);
    }
    if (this.aboveHighWater && this.bufferedAmount <= this.lowWaterMark) {
      this.aboveHighWater = false;
      this.ondrain?.();
    }
    const close = this.pendingClose;
    if (close !== null && this.outbox.length === 0) {
      this.pendingClose = null;
      this.finish(close);
      receiver.finish(close);
    }
  }

  private receive(frame: string | Uint8Array): void {
    let message: unknown;
    try {
      message = this.serializer.decode(frame);
    } catch (error) {
      this.ondecodeerror?.(error as Error);
      return;
    }
    this.onmessage?.(message, frameBytes(frame));
  }

  private finish(event: TransportCloseEvent): void {
    if (this.readyState === ReadyState.CLOSED) return;
    this.readyState = ReadyState.CLOSED;
    this.bufferedAmount = 0;
    this.onclose?.(event);
  }
}

/**
 * Two transports connected to each other in memory, with no socket: for a client living in the router's
 * process, and for fast tests. Both ends speak `serializer`.
 *
 * @example
 * ```ts
 * const [client, server] = createMemoryPair(jsonSerializer);
 * router.accept(server);
 * client.send(hello('realm1', { roles: { caller: {} } }));
 * ```
 */
export function createMemoryPair(
  serializer: Serializer,
  options: MemoryPairOptions = {},
): [client: Transport, server: Transport] {
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  const client = new MemoryTransport(serializer, highWaterMark);
  const serverSerializer = options.serverSerializer ?? serializer;
  if (serverSerializer.subprotocol !== serializer.subprotocol) {
    throw new TypeError(
      `the server end speaks ${serverSerializer.subprotocol}, the client end ${serializer.subprotocol}: they must match`,
    );
  }
  const server = new MemoryTransport(serverSerializer, highWaterMark);
  client.other = server;
  server.other = client;
  return [client, server];
}
