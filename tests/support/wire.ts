import { hello, type Message, MessageCode, parseMessage, type Serializer } from '@wamp/protocol';
import { connect, type Transport } from '@wamp/transport/node';

/** A bare WAMP connection for load and failure tests: raw messages in, the next message out. */
export class Wire {
  private readonly inbox: unknown[][] = [];
  private waiter: ((message: unknown[]) => void) | null = null;
  closed = false;

  private constructor(readonly transport: Transport) {
    transport.onmessage = (raw) => {
      const message = parseMessage(raw) as unknown[];
      const waiter = this.waiter;
      if (waiter !== null) {
        this.waiter = null;
        waiter(message);
      } else {
        this.inbox.push(message);
      }
    };
    transport.onclose = () => {
      this.closed = true;
    };
  }

  static async open(url: string, serializer: Serializer): Promise<Wire> {
    return new Wire(await connect(url, { serializers: [serializer] }));
  }

  send(message: Message | unknown[]): void {
    this.transport.send(message as Message);
  }

  /** The next message, failing after `timeoutMs`. */
  next(timeoutMs = 5_000): Promise<unknown[]> {
    const queued = this.inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiter = (message) => {
        clearTimeout(timer);
        resolve(message);
      };
    });
  }

  /** Sends `message` and expects an answer of type `code`. */
  async expect(message: Message | unknown[], code: number): Promise<unknown[]> {
    this.send(message);
    const answer = await this.next();
    if (answer[0] !== code) throw new Error(`expected message type ${code}, got ${JSON.stringify(answer)}`);
    return answer;
  }

  join(realm = 'realm1'): Promise<unknown[]> {
    return this.expect(
      hello(realm, { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} } }),
      MessageCode.WELCOME,
    );
  }
}
