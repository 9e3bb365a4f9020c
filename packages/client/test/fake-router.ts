// A scripted router over in-memory pairs, for the client paths our router does not exercise yet (call
// canceling, INTERRUPT, CHALLENGE, revocation, protocol violations, backpressure). Each test says exactly
// what the router sends and asserts exactly what the client sent.
import {
  CloseUri,
  goodbye,
  type HelloMessage,
  type Message,
  MessageCode,
  parseMessage,
  type WelcomeDetails,
  welcome,
} from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { createMemoryPair, type Transport } from '@wamp/transport';
import { type ApiDefinition, Session, type SessionOptions, type Untyped } from '../src/index.js';

const WAIT_MS = 2_000;

export interface FakeRouter extends AsyncDisposable {
  /** Opens a new connection: pass it as `Session.connect({ transport: () => fake.transport() })`. */
  transport(): Transport;
  /** The router's end of the latest connection. */
  readonly server: Transport;
  /** How many connections were opened. */
  readonly connections: number;
  /** The next message the client sent, parsed; fails after 2 s. */
  next(): Promise<Message>;
  /** The next message of type `code`, skipping others; fails after 2 s. */
  expect<M extends Message>(code: M[0]): Promise<M>;
  /** Sends a message to the client on the latest connection. */
  send(message: Message): void;
  /** Waits for HELLO and answers WELCOME with `roles`. */
  welcome(roles?: WelcomeDetails['roles'], session?: number): Promise<HelloMessage>;
  /** Connects a session and completes its handshake. */
  session<Api extends ApiDefinition = Untyped>(
    options?: Partial<SessionOptions<Api>>,
    roles?: WelcomeDetails['roles'],
  ): Promise<Session<Api>>;
}

export function fakeRouter(): FakeRouter {
  const inbox: Message[] = [];
  let waiter: ((message: Message) => void) | null = null;
  let server: Transport | undefined;
  let connections = 0;
  const sessions: Session<ApiDefinition>[] = [];

  const next = (): Promise<Message> => {
    const queued = inbox.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiter = null;
        reject(new Error('the client sent nothing within 2 s'));
      }, WAIT_MS);
      waiter = (message) => {
        clearTimeout(timer);
        waiter = null;
        resolve(message);
      };
    });
  };

  const fake: FakeRouter = {
    get server() {
      if (server === undefined) throw new Error('no connection yet');
      return server;
    },
    get connections() {
      return connections;
    },
    transport() {
      const [client, routerEnd] = createMemoryPair(jsonSerializer, { highWaterMark: 64 });
      server = routerEnd;
      connections++;
      routerEnd.onmessage = (raw) => {
        const message = parseMessage(raw);
        // Like a real router: answer GOODBYE and close, so session.close() is quick.
        if (message[0] === MessageCode.GOODBYE && message[2] !== CloseUri.GOODBYE_AND_OUT) {
          routerEnd.send(goodbye({}, CloseUri.GOODBYE_AND_OUT));
          routerEnd.close(1000, '');
        }
        if (waiter !== null) waiter(message);
        else inbox.push(message);
      };
      return client;
    },
    next,
    async expect<M extends Message>(code: M[0]) {
      for (;;) {
        const message = await next();
        if (message[0] === code) return message as M;
      }
    },
    send(message) {
      fake.server.send(message);
    },
    async welcome(roles = { broker: {}, dealer: {} }, session = 1) {
      const hello = await fake.expect<HelloMessage>(MessageCode.HELLO);
      fake.send(welcome(session, { roles }));
      return hello;
    },
    async session<Api extends ApiDefinition = Untyped>(
      options: Partial<SessionOptions<Api>> = {},
      roles?: WelcomeDetails['roles'],
    ) {
      const [session] = await Promise.all([
        Session.connect<Api>({ realm: 'realm1', transport: () => fake.transport(), reconnect: false, ...options }),
        fake.welcome(roles),
      ]);
      sessions.push(session as unknown as Session<ApiDefinition>);
      return session;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(sessions.map((session) => session.close()));
    },
  };
  return fake;
}
