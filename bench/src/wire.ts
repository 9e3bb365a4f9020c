// The lean peer's wire: a ws socket speaking one serializer, one encode per message sent and one decode per
// message received. No client library in the loop.
import { hello, type Message, MessageCode, type Serializer } from '@wamp/protocol';
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import WebSocket from 'ws';

export type SerializerName = 'json' | 'msgpack' | 'cbor';
export type Target = 'router' | 'ceiling';

export const SERIALIZERS: Record<SerializerName, Serializer> = {
  json: jsonSerializer,
  msgpack: msgpackSerializer,
  cbor: cborSerializer,
};

/** One peer connection. `onMessage` gets each decoded message. */
export class Wire {
  onMessage: (message: unknown[]) => void = () => {};
  private readonly options: { binary: boolean };

  private constructor(
    readonly socket: WebSocket,
    readonly serializer: Serializer,
  ) {
    this.options = { binary: serializer.binary };
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.onMessage(serializer.decode(serializer.binary || isBinary ? data : data.toString()) as unknown[]);
    });
  }

  /** Connects with `role` in the query (the ceiling forwarder routes by it; the router ignores it). */
  static open(url: string, serializer: Serializer, role: string): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${url}?role=${role}`, [serializer.subprotocol], { perMessageDeflate: false });
      socket.once('error', reject);
      socket.once('open', () => resolve(new Wire(socket, serializer)));
    });
  }

  send(message: Message): void {
    this.socket.send(this.serializer.encode(message), this.options);
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

  /** HELLO → WELCOME against the router; the ceiling forwarder echoes HELLO back instead. */
  async join(target: Target): Promise<void> {
    const answer = this.next(target === 'router' ? MessageCode.WELCOME : MessageCode.HELLO);
    this.send(hello('realm1', { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } }));
    await answer;
  }
}
