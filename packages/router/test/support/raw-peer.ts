import { hello, type Message, MessageCode, parseMessage } from '@wamp/protocol';
import type { Transport, TransportCloseEvent } from '@wamp/transport';

const DEFAULT_ROLES = { publisher: {}, subscriber: {}, caller: {}, callee: {} };

/**
 * A bare WAMP peer for tests: sends raw messages and awaits the next ones, with a deadline instead of sleeps.
 * It uses no client library, so the router is seen exactly as it speaks on the wire.
 */
export class RawPeer {
  readonly received: Message[] = [];
  closeEvent: TransportCloseEvent | undefined;
  sessionId = 0;
  private waiters: (() => void)[] = [];

  constructor(readonly transport: Transport) {
    transport.onmessage = (raw) => {
      this.received.push(parseMessage(raw));
      this.wake();
    };
    transport.onclose = (event) => {
      this.closeEvent = event;
      this.wake();
    };
  }

  send(message: Message | unknown[]): void {
    this.transport.send(message as Message);
  }

  /** HELLO, then expects WELCOME. */
  async join(realm = 'realm1', roles: object = DEFAULT_ROLES): Promise<Message> {
    this.send(hello(realm, { roles }));
    const welcome = await this.next();
    if (welcome[0] !== MessageCode.WELCOME) throw new Error(`expected WELCOME, got ${JSON.stringify(welcome)}`);
    this.sessionId = welcome[1];
    return welcome;
  }

  /** The next message received (already queued or still to come), failing after `timeoutMs`. */
  async next(timeoutMs = 2_000): Promise<Message> {
    await this.until(() => this.received.length > 0, timeoutMs, 'a message');
    return this.received.shift()!;
  }

  /** Waits for the transport to close. */
  async closed(timeoutMs = 2_000): Promise<TransportCloseEvent> {
    await this.until(() => this.closeEvent !== undefined, timeoutMs, 'the connection to close');
    return this.closeEvent!;
  }

  /** Resolves once `condition` holds, re-checked whenever something arrives. */
  private until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        reject(
          new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received ${JSON.stringify(this.received)}`),
        );
      }, timeoutMs);
      const check = () => {
        if (!condition()) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      this.waiters.push(check);
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((waiter) => !(waiter as () => boolean)());
  }
}
