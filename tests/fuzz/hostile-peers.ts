// The peers of the hostile-values suite: a bare WAMP session that keeps every message it receives and hands out the
// first one matching what a step waits for, and the comparison of a received value with the value that was sent.
import { hello, type Message, MessageCode, parseMessage, type Serializer, yieldResult } from '@wamp/protocol';
import { connect, type Transport } from '@wamp/transport/node';

const ROLES = {
  caller: { features: { progressive_call_results: true, call_canceling: true } },
  callee: { features: { progressive_call_results: true, call_canceling: true } },
  publisher: {},
  subscriber: {},
};

type Match = (message: unknown[]) => boolean;

export class Peer {
  private readonly inbox: unknown[][] = [];
  private waiters: (() => void)[] = [];
  closeCode: number | undefined;
  /** Answers every INVOCATION at once with an empty YIELD (after keeping it), like a plain callee. */
  autoYield = false;
  private request = 0;

  private constructor(private readonly transport: Transport) {
    transport.onmessage = (raw) => {
      const message = parseMessage(raw) as unknown[];
      this.inbox.push(message);
      if (this.autoYield && message[0] === MessageCode.INVOCATION) this.send(yieldResult(message[1] as number, {}));
      this.wake();
    };
    transport.onclose = ({ code }) => {
      this.closeCode = code;
      this.wake();
    };
  }

  static async open(url: string, serializer: Serializer): Promise<Peer> {
    const peer = new Peer(await connect(url, { serializers: [serializer] }));
    peer.send(hello('realm1', { roles: ROLES }));
    await peer.take((message) => message[0] === MessageCode.WELCOME, 'WELCOME');
    return peer;
  }

  /** A fresh request ID of this session. */
  nextRequest(): number {
    return ++this.request;
  }

  send(message: Message | unknown[]): void {
    this.transport.send(message as Message);
  }

  /** A frame written by hand in this peer's format. */
  sendFrame(frame: string | Uint8Array): void {
    this.transport.sendEncoded(frame);
  }

  close(): void {
    this.transport.close(1000, '');
  }

  /** True when a message matching `match` is waiting, not taken. */
  holds(match: Match): boolean {
    return this.inbox.some(match);
  }

  /** The first received message matching `match` (now or later), removed from the inbox. The timeout only guards. */
  take(match: Match, what: string, timeoutMs = 5_000): Promise<unknown[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.inbox.findIndex(match);
        if (index >= 0) {
          done();
          resolve(this.inbox.splice(index, 1)[0]!);
        } else if (this.closeCode !== undefined) {
          done();
          reject(new Error(`closed (${this.closeCode}) while waiting for ${what}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; inbox ${describeInbox(this.inbox)}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

function describeInbox(inbox: unknown[][]): string {
  return inbox.map((message) => String(message[0])).join(',') || 'empty';
}

/** The answer (RESULT or ERROR) to CALL `request`. */
export const answerTo =
  (request: number): Match =>
  (message) =>
    (message[0] === MessageCode.RESULT && message[1] === request) ||
    (message[0] === MessageCode.ERROR && message[1] === MessageCode.CALL && message[2] === request);

function isBytes(value: unknown): value is Uint8Array {
  // Buffer (what the binary decoders return in Node) is a Uint8Array; other typed arrays are not bytes.
  return value instanceof Uint8Array && value.constructor.name !== 'Uint8ClampedArray';
}

function isPlainDict(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Where `received` is not a faithful copy of `sent` (the value as the router decoded it), or undefined when it is.
 * Faithful: the same numbers (a negative zero may arrive as 0, by the router's rule), strings, booleans and null,
 * byte arrays as byte arrays, lists, and plain dicts with the same own keys. Anything else in `sent` (a big integer,
 * undefined, a date, a tag...) should never have been routed, so its arrival is a difference whatever it became.
 */
export function difference(sent: unknown, received: unknown, path = ''): string | undefined {
  const here = path || 'the value';
  if (typeof sent === 'number') {
    return typeof received === 'number' && (Object.is(sent, received) || (sent === 0 && received === 0))
      ? undefined
      : `${here}: sent ${sent}, received ${String(received)}`;
  }
  if (sent === null || typeof sent === 'string' || typeof sent === 'boolean') {
    return Object.is(sent, received)
      ? undefined
      : `${here}: sent ${JSON.stringify(sent)}, received ${describe(received)}`;
  }
  if (isBytes(sent)) {
    if (!isBytes(received)) return `${here}: sent bytes, received ${describe(received)}`;
    return Buffer.compare(sent, received) === 0 ? undefined : `${here}: bytes differ`;
  }
  if (Array.isArray(sent)) {
    if (!Array.isArray(received) || received.length !== sent.length) {
      return `${here}: sent a list of ${sent.length}, received ${describe(received)}`;
    }
    for (let i = 0; i < sent.length; i++) {
      const found = difference(sent[i], received[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (isPlainDict(sent)) {
    if (!isPlainDict(received)) return `${here}: sent a dict, received ${describe(received)}`;
    const keys = Object.keys(sent).sort();
    const got = Object.keys(received).sort();
    if (JSON.stringify(keys) !== JSON.stringify(got))
      return `${here}: keys ${JSON.stringify(keys)} arrived as ${JSON.stringify(got)}`;
    for (const key of keys) {
      const found = difference(sent[key], received[key], `${path}.${key}`);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  return `${here}: ${describe(sent)} was routed (and arrived as ${describe(received)})`;
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) return `a ${value.constructor?.name ?? 'dict without prototype'}`;
  return typeof value === 'bigint' ? `${value}n` : `${typeof value} ${String(value)}`;
}
