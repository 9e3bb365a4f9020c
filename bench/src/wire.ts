// The lean peer's wire: a WebSocket client (or, for an rs:// URL, a RawSocket client) written on a bare TCP socket,
// speaking one serializer with one encode per message sent and one decode per message received, and nothing else. No client library in the loop: the
// generator must cost less than what it measures, or a run shows the generator's pace instead of the router's.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { hello, type Message, MessageCode, type Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';

export type SerializerName = 'json' | 'msgpack' | 'cbor';
export type Target = 'router' | 'ceiling';

export const SERIALIZERS: Record<SerializerName, Serializer> = {
  json: jsonSerializer,
  msgpack: msgpackSerializer,
  cbor: cborSerializer,
};

const OPCODE_TEXT = 0x1;
const OPCODE_BINARY = 0x2;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;
const FIN = 0x80;
const MASKED = 0x80;

// Frames a peer sends in one turn of the event loop go out in one write, as a corked client's would.
const unflushed: Wire[] = [];
function flushAll(): void {
  for (const wire of unflushed) wire.flush();
  unflushed.length = 0;
}

/**
 * A client frame of `payload`. Its masking key is all zeros: a key the server cannot tell from any other (it
 * unmasks every frame the same way), which spares the generator the XOR pass over each payload.
 */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + length);
  frame[0] = FIN | opcode;
  if (length < 126) {
    frame[1] = MASKED | length;
  } else if (length < 65536) {
    frame[1] = MASKED | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = MASKED | 127;
    frame.writeUInt32BE(0, 2);
    frame.writeUInt32BE(length, 6);
  }
  frame.writeUInt32BE(0, header);
  payload.copy(frame, header + 4);
  return frame;
}

/** A RawSocket frame of `payload`: the 4-octet prefix (type, 24-bit length) and the payload. */
function rawSocketFrame(type: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(4 + payload.length);
  frame.writeUInt32BE(((type << 24) | payload.length) >>> 0, 0);
  payload.copy(frame, 4);
  return frame;
}

const RAWSOCKET_IDS: Record<string, number> = { 'wamp.2.json': 1, 'wamp.2.msgpack': 2, 'wamp.2.cbor': 3 };

/** One peer connection. `onMessage` gets each decoded message. */
export class Wire {
  onMessage: (message: unknown[]) => void = () => {};
  private pending: Buffer[] = [];
  private received: Buffer = Buffer.alloc(0);

  private constructor(
    readonly socket: Socket,
    readonly serializer: Serializer,
    rest: Buffer,
    private readonly rawsocket: boolean,
    private readonly role: string,
  ) {
    socket.on('data', (chunk: Buffer) => (rawsocket ? this.readRawSocket(chunk) : this.read(chunk)));
    if (rest.length > 0) {
      if (rawsocket) this.readRawSocket(rest);
      else this.read(rest);
    }
  }

  /**
   * Connects with `role` in the query (the ceiling forwarder routes by it; the router ignores it); over RawSocket
   * the role goes in the ceiling's HELLO instead (see `join`).
   */
  static open(url: string, serializer: Serializer, role: string): Promise<Wire> {
    if (url.startsWith('rs://')) return Wire.openRawSocket(url, serializer, role);
    const { hostname, port, pathname } = new URL(url);
    const key = randomBytes(16).toString('base64');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), noDelay: true });
      socket.once('error', reject);
      let head = Buffer.alloc(0);
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end === -1) return;
        socket.off('data', onHead);
        const status = head.toString('latin1', 0, end);
        if (!status.startsWith('HTTP/1.1 101')) {
          reject(new Error(`upgrade refused: ${status.split('\r\n')[0]}`));
          socket.destroy();
          return;
        }
        resolve(new Wire(socket, serializer, head.subarray(end + 4), false, role));
      };
      socket.on('data', onHead);
      socket.write(
        `GET ${pathname}?role=${role} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Protocol: ${serializer.subprotocol}\r\n\r\n`,
      );
    });
  }

  /** The RawSocket handshake (JSON 1, MessagePack 2, CBOR 3; 16 MiB), then RawSocket frames. */
  private static openRawSocket(url: string, serializer: Serializer, role: string): Promise<Wire> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: hostname, port: Number(port), noDelay: true });
      socket.once('error', reject);
      let head = Buffer.alloc(0);
      const onHead = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        if (head.length < 4) return;
        socket.off('data', onHead);
        if (head[0] !== 0x7f || (head[1]! & 0x0f) === 0) {
          reject(new Error(`RawSocket handshake refused: ${head.subarray(0, 4).toString('hex')}`));
          socket.destroy();
          return;
        }
        resolve(new Wire(socket, serializer, head.subarray(4), true, role));
      };
      socket.on('data', onHead);
      socket.write(Buffer.from([0x7f, 0xf0 | RAWSOCKET_IDS[serializer.subprotocol]!, 0, 0]));
    });
  }

  send(message: Message): void {
    const encoded = this.serializer.encode(message);
    const payload =
      typeof encoded === 'string'
        ? Buffer.from(encoded)
        : Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength);
    const frame = this.rawsocket
      ? rawSocketFrame(0, payload)
      : clientFrame(this.serializer.binary ? OPCODE_BINARY : OPCODE_TEXT, payload);
    if (this.pending.push(frame) === 1) {
      if (unflushed.push(this) === 1) setImmediate(flushAll);
    }
  }

  /** Writes this turn's frames in one write. */
  flush(): void {
    const frames = this.pending;
    this.pending = [];
    this.socket.write(frames.length === 1 ? frames[0]! : Buffer.concat(frames));
  }

  /** Cuts whole frames off what has arrived and decodes each (server frames are unmasked and not fragmented). */
  private read(chunk: Buffer): void {
    const data = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let offset = 0;
    for (;;) {
      if (data.length - offset < 2) break;
      const opcode = data[offset]! & 0x0f;
      let length = data[offset + 1]! & 0x7f;
      let start = offset + 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        start = offset + 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = data.readUInt32BE(offset + 6);
        start = offset + 10;
      }
      const end = start + length;
      if (end > data.length) break;
      offset = end;
      if (opcode === OPCODE_TEXT)
        this.onMessage(this.serializer.decode(data.toString('utf8', start, end)) as unknown[]);
      else if (opcode === OPCODE_BINARY) this.onMessage(this.serializer.decode(data.subarray(start, end)) as unknown[]);
      else if (opcode === OPCODE_PING) this.socket.write(clientFrame(0xa, Buffer.from(data.subarray(start, end))));
      else if (opcode === OPCODE_CLOSE) this.socket.end();
    }
    // Keep an incomplete frame's bytes (copied: `data` may be a chunk of a pooled read buffer).
    this.received = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
  }

  /** Cuts whole RawSocket frames off what has arrived and decodes each; answers a PING with its PONG. */
  private readRawSocket(chunk: Buffer): void {
    const data = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    let offset = 0;
    while (data.length - offset >= 4) {
      const type = data[offset]! & 0x07;
      const start = offset + 4;
      const end = start + (data.readUInt32BE(offset) & 0xffffff);
      if (end > data.length) break;
      offset = end;
      if (type === 0) {
        const payload = data.subarray(start, end);
        this.onMessage(
          this.serializer.decode(this.serializer.binary ? payload : payload.toString('utf8')) as unknown[],
        );
      } else if (type === 1) this.socket.write(rawSocketFrame(2, Buffer.from(data.subarray(start, end))));
    }
    this.received = offset === data.length ? Buffer.alloc(0) : Buffer.from(data.subarray(offset));
  }

  /** Waits for the next message matching `code` (a handshake step; not used in measured loops). */
  next(code: number): Promise<unknown[]> {
    return new Promise((resolve) => {
      const previous = this.onMessage;
      this.onMessage = (message) => {
        if (message[0] !== code) return;
        this.onMessage = previous;
        resolve(message);
      };
    });
  }

  /**
   * HELLO → WELCOME against the router; the ceiling forwarder echoes HELLO back instead. The RawSocket ceiling
   * reads the peer's role from the HELLO's realm, `role.<role>`.
   */
  async join(target: Target): Promise<void> {
    const answer = this.next(target === 'router' ? MessageCode.WELCOME : MessageCode.HELLO);
    const realm = target === 'ceiling' && this.rawsocket ? `role.${this.role}` : 'realm1';
    this.send(hello(realm, { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } }));
    await answer;
  }
}
