// The browser's native WebSocket as a Transport, and the browser `connect`.
import type { Message, Serializer, Subprotocol } from '@wamp/protocol';
import { CloseCode, clampCloseReason } from '../close-codes.js';
import { ConnectionError } from '../connection-error.js';
import { deliverFrame } from '../frame.js';
import { type PeerInfo, ReadyState, type Transport, type TransportCloseEvent } from '../transport.js';

/**
 * Options of the browser {@link connect}.
 *
 * @example
 * ```ts
 * const options: BrowserConnectOptions = {
 *   serializers: [cborSerializer, jsonSerializer],
 *   signal: AbortSignal.timeout(5_000),
 * };
 * ```
 */
export interface BrowserConnectOptions {
  /** Serializers to offer, in order of preference. */
  serializers: readonly Serializer[];
  /** Aborts the connection attempt; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Outbound bytes queued above which the transport stops being writable. Default 1 MiB. */
  highWaterMark?: number;
  /** Queued bytes at or below which `ondrain` fires again. Default a quarter of the high-water mark. */
  lowWaterMark?: number;
}

/** How often `bufferedAmount` is looked at while above the high-water mark: browsers have no drain event. */
const DRAIN_POLL_MS = 20;

/**
 * A browser `WebSocket` as a {@link Transport}. It has no `pauseReading`: a page cannot stop its WebSocket from
 * reading, so it cannot push back on the router.
 */
class BrowserTransport implements Transport {
  readonly protocol: Subprotocol;
  readonly peer: PeerInfo;
  readonly highWaterMark: number;
  readonly lowWaterMark: number;
  onmessage: ((message: unknown, frameBytes: number) => void) | null = null;
  ondecodeerror: ((error: Error) => void) | null = null;
  onclose: ((event: TransportCloseEvent) => void) | null = null;
  ondrain: (() => void) | null = null;
  private drainTimer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly socket: WebSocket,
    readonly serializer: Serializer,
    highWaterMark: number,
    lowWaterMark: number,
  ) {
    this.protocol = serializer.subprotocol;
    this.peer = { remoteAddress: socket.url };
    this.highWaterMark = highWaterMark;
    this.lowWaterMark = lowWaterMark;
    socket.onmessage = this.onSocketMessage;
    socket.onclose = this.onSocketClose;
  }

  get readyState(): ReadyState {
    return this.socket.readyState as ReadyState;
  }

  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  isWritable(): boolean {
    return this.socket.readyState === ReadyState.OPEN && this.socket.bufferedAmount <= this.highWaterMark;
  }

  send(message: Message): void {
    if (this.socket.readyState !== ReadyState.OPEN) return;
    this.sendEncoded(this.serializer.encode(message));
  }

  sendEncoded(frame: string | Uint8Array): void {
    const socket = this.socket;
    if (socket.readyState !== ReadyState.OPEN) return;
    socket.send(frame as string | Uint8Array<ArrayBuffer>);
    if (this.drainTimer === undefined && socket.bufferedAmount > this.highWaterMark) {
      this.drainTimer = setInterval(this.checkDrain, DRAIN_POLL_MS);
    }
  }

  close(code: number = CloseCode.NORMAL, reason = ''): void {
    if (this.socket.readyState >= ReadyState.CLOSING) return;
    // Browsers only let scripts send 1000 or 3000-4999.
    this.socket.close(
      code === CloseCode.NORMAL || (code >= 3000 && code <= 4999) ? code : CloseCode.NORMAL,
      clampCloseReason(reason),
    );
  }

  terminate(): void {
    // Browsers cannot drop a connection without a close frame; the nearest is an immediate close.
    this.close(CloseCode.NORMAL, '');
  }

  private readonly checkDrain = (): void => {
    if (this.socket.readyState !== ReadyState.OPEN || this.socket.bufferedAmount <= this.lowWaterMark) {
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
      if (this.socket.readyState === ReadyState.OPEN) this.ondrain?.();
    }
  };

  private readonly onSocketMessage = (event: MessageEvent): void => {
    const data = event.data as string | ArrayBuffer;
    if (typeof data === 'string') deliverFrame(this, data, false, data.length);
    else deliverFrame(this, new Uint8Array(data), true, data.byteLength);
  };

  private readonly onSocketClose = (event: CloseEvent): void => {
    clearInterval(this.drainTimer);
    this.onclose?.({ code: event.code, reason: event.reason, wasClean: event.wasClean });
  };
}

/**
 * Opens a WAMP WebSocket connection with the browser's native `WebSocket`, offering the serializers'
 * subprotocols in order. Same signature as the Node `connect`. Rejects with a {@link ConnectionError}: `'network'`
 * for any failure before the connection opens (the browser does not say which), `'handshake'` when the server
 * picks a subprotocol that was not offered.
 *
 * @example
 * ```ts
 * import { connect } from '@wamp/transport';
 * import { jsonSerializer } from '@wamp/protocol/json';
 * const transport = await connect('wss://example.com/ws', { serializers: [jsonSerializer] });
 * ```
 */
export function connect(url: string, options: BrowserConnectOptions): Promise<Transport> {
  const { serializers, signal } = options;
  if (serializers.length === 0) return Promise.reject(new TypeError('connect: offer at least one serializer'));
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (/^rs(s|\+unix)?:/i.test(url)) {
    return Promise.reject(
      new TypeError(`connect: ${url} is RawSocket, which browsers cannot open; use ws:// or wss://`),
    );
  }
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(
      url,
      serializers.map((serializer) => serializer.subprotocol),
    );
    socket.binaryType = 'arraybuffer';
    const onAbort = () => {
      socket.close();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.onerror = () => {
      // The browser hides the cause (refused handshake, unreachable host); the close event that follows has 1006.
      signal?.removeEventListener('abort', onAbort);
      reject(new ConnectionError('network', url, ''));
    };
    socket.onopen = () => {
      signal?.removeEventListener('abort', onAbort);
      socket.onerror = null;
      const serializer = serializers.find((candidate) => candidate.subprotocol === socket.protocol);
      if (serializer === undefined) {
        socket.close(CloseCode.NORMAL, 'no WAMP subprotocol negotiated');
        reject(
          new ConnectionError('handshake', url, `the server chose subprotocol "${socket.protocol}", not one offered`),
        );
        return;
      }
      const highWaterMark = options.highWaterMark ?? 1 << 20;
      resolve(new BrowserTransport(socket, serializer, highWaterMark, options.lowWaterMark ?? highWaterMark >>> 2));
    };
  });
}
