// Dynamic authorization: a role whose actions a procedure of the realm decides (registered by a backend session
// with a static role), its cache, its failures, and the order of a session's messages while it decides.
import {
  call,
  ErrorUri,
  hello,
  type Message,
  MessageCode,
  publish,
  register,
  subscribe,
  yieldResult,
} from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import type { DynamicAuthorization, RealmAuth } from '../src/index.js';
import { type RouterFixture, startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

const AUTHORIZER = 'com.app.authorize';

function authOptions(frontend: Omit<DynamicAuthorization, 'authorizer'> = {}): Record<string, RealmAuth> {
  return {
    app: {
      ticket: {
        backend: { role: 'backend', ticket: 'b' },
        fran: { role: 'frontend', ticket: 'f' },
      },
      roles: {
        backend: [{ uri: 'com.app.', match: 'prefix', allow: ['register', 'subscribe'] }],
        frontend: { authorizer: AUTHORIZER, ...frontend },
      },
    },
  };
}

async function join(peer: RawPeer, authid: string, ticket: string): Promise<number> {
  peer.send(
    hello('app', { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} }, authmethods: ['ticket'], authid }),
  );
  expect((await peer.next())[0]).toBe(MessageCode.CHALLENGE);
  peer.send([MessageCode.AUTHENTICATE, ticket, {}]);
  const welcome = await peer.next();
  expect(welcome[0]).toBe(MessageCode.WELCOME);
  return welcome[1] as number;
}

/** The arguments of one call to the authorizer, and how to answer it. */
interface AuthorizerRequest {
  args: unknown[];
  answer(decision: unknown): void;
  fail(): void;
}

/**
 * A backend session that registers the authorizer and hands each of its invocations to `decide`, which answers
 * at once or keeps the request to answer later.
 */
async function startAuthorizer(
  fixture: RouterFixture,
  decide: (request: AuthorizerRequest) => void,
): Promise<{ backend: RawPeer; requests: AuthorizerRequest[] }> {
  const backend = fixture.local();
  await join(backend, 'backend', 'b');
  backend.send(register(1, {}, AUTHORIZER));
  expect((await backend.next())[0]).toBe(MessageCode.REGISTERED);
  const requests: AuthorizerRequest[] = [];
  backend.transport.onmessage = (raw) => {
    const message = raw as Message;
    if (message[0] !== MessageCode.INVOCATION) return;
    const id = message[1];
    const request: AuthorizerRequest = {
      args: (message[4] ?? []) as unknown[],
      answer: (decision) => backend.send(yieldResult(id, {}, [decision])),
      fail: () => backend.send([MessageCode.ERROR, MessageCode.INVOCATION, id, {}, 'com.app.error.broken']),
    };
    requests.push(request);
    decide(request);
  };
  return { backend, requests };
}

/** Authorizer requests kept to answer later, handed out in order as they come. */
class PendingRequests {
  private readonly queued: AuthorizerRequest[] = [];
  private waiter: ((request: AuthorizerRequest) => void) | undefined;

  readonly keep = (request: AuthorizerRequest): void => {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter === undefined) this.queued.push(request);
    else waiter(request);
  };

  next(): Promise<AuthorizerRequest> {
    const request = this.queued.shift();
    if (request !== undefined) return Promise.resolve(request);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}

/** The outcome of one request: 'ok', or the ERROR's URI. */
async function outcome(peer: RawPeer, message: unknown[]): Promise<string> {
  peer.send(message);
  const answer = await peer.next();
  return answer[0] === MessageCode.ERROR ? (answer[4] as string) : 'ok';
}

/** Allows what starts with `com.app.open.`, and discloses the publisher on `com.app.open.chat`. */
function openOnly({ args, answer }: AuthorizerRequest): void {
  const uri = args[1] as string;
  if (!uri.startsWith('com.app.open.')) answer(false);
  else if (uri === 'com.app.open.chat') answer({ allow: true, disclose: true });
  else answer(true);
}

describe('dynamic authorization', () => {
  it('asks the procedure with the session, URI, action and options, and follows its answer', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions() });
    const { requests } = await startAuthorizer(fixture, openOnly);
    const fran = fixture.local();
    const franId = await join(fran, 'fran', 'f');

    expect(await outcome(fran, subscribe(1, {}, 'com.app.open.news'))).toBe('ok');
    expect(await outcome(fran, subscribe(2, {}, 'com.app.secret'))).toBe(ErrorUri.NOT_AUTHORIZED);
    expect(await outcome(fran, publish(3, { acknowledge: true }, 'com.app.open.news'))).toBe('ok');
    expect(await outcome(fran, publish(4, { acknowledge: true }, 'com.app.secret'))).toBe(ErrorUri.NOT_AUTHORIZED);
    expect(await outcome(fran, register(5, {}, 'com.app.secret.proc'))).toBe(ErrorUri.NOT_AUTHORIZED);
    expect(await outcome(fran, call(6, {}, 'com.app.secret.proc'))).toBe(ErrorUri.NOT_AUTHORIZED);

    expect(requests[0]!.args).toEqual([
      { session: franId, authid: 'fran', authrole: 'frontend', authmethod: 'ticket', authprovider: 'static' },
      'com.app.open.news',
      'subscribe',
      {},
    ]);
    expect(requests.map(({ args }) => args[2])).toEqual([
      'subscribe',
      'subscribe',
      'publish',
      'publish',
      'register',
      'call',
    ]);
  });

  it('forces publisher disclosure when the answer says disclose', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions() });
    const { backend } = await startAuthorizer(fixture, openOnly);
    const reader = fixture.local();
    await join(reader, 'backend', 'b');
    reader.send(subscribe(1, {}, 'com.app.open.chat'));
    expect((await reader.next())[0]).toBe(MessageCode.SUBSCRIBED);
    const fran = fixture.local();
    const franId = await join(fran, 'fran', 'f');
    expect(await outcome(fran, publish(1, { acknowledge: true }, 'com.app.open.chat', ['hi']))).toBe('ok');
    expect((await reader.next())[3]).toMatchObject({ publisher: franId, publisher_authid: 'fran' });
    expect(backend.closeEvent).toBeUndefined();
  });

  it('remembers a decision per session, action and URI, unless the answer says cache: false', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions() });
    const { requests } = await startAuthorizer(fixture, ({ args, answer }) =>
      answer(args[1] === 'com.app.open.live' ? { allow: true, cache: false } : true),
    );
    const fran = fixture.local();
    await join(fran, 'fran', 'f');
    for (let i = 1; i <= 3; i++)
      expect(await outcome(fran, publish(i, { acknowledge: true }, 'com.app.open.a'))).toBe('ok');
    expect(requests).toHaveLength(1);
    expect(await outcome(fran, subscribe(4, {}, 'com.app.open.a'))).toBe('ok');
    expect(requests).toHaveLength(2); // another action on the same URI is another decision
    for (let i = 5; i <= 7; i++)
      expect(await outcome(fran, publish(i, { acknowledge: true }, 'com.app.open.live'))).toBe('ok');
    expect(requests).toHaveLength(5);
    // Another session of the same role gets its own decisions.
    const other = fixture.local();
    await join(other, 'fran', 'f');
    expect(await outcome(other, publish(1, { acknowledge: true }, 'com.app.open.a'))).toBe('ok');
    expect(requests).toHaveLength(6);
  });

  it('keeps no more decisions than cache.maxEntries, and none with maxEntries 0', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions({ cache: { maxEntries: 2 } }) });
    const { requests } = await startAuthorizer(fixture, ({ answer }) => answer(true));
    const fran = fixture.local();
    await join(fran, 'fran', 'f');
    const publishTo = (request: number, topic: string) =>
      outcome(fran, publish(request, { acknowledge: true }, `com.app.${topic}`));
    await publishTo(1, 'a');
    await publishTo(2, 'b');
    await publishTo(3, 'a'); // cached; `a` is now the most recently used
    await publishTo(4, 'c'); // evicts `b`
    expect(requests).toHaveLength(3);
    await publishTo(5, 'a');
    expect(requests).toHaveLength(3);
    await publishTo(6, 'b');
    expect(requests).toHaveLength(4);

    await using uncached = await startRouter({ realms: ['app'], auth: authOptions({ cache: { maxEntries: 0 } }) });
    const second = await startAuthorizer(uncached, ({ answer }) => answer(true));
    const peer = uncached.local();
    await join(peer, 'fran', 'f');
    for (let i = 1; i <= 3; i++) await outcome(peer, publish(i, { acknowledge: true }, 'com.app.a'));
    expect(second.requests).toHaveLength(3);
  });

  it('denies, without caching, when the authorizer fails, answers nonsense, is missing or too slow', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions({ timeoutMs: 200 }) });
    const fran = fixture.local();
    await join(fran, 'fran', 'f');
    // Nobody registered the authorizer yet.
    expect(await outcome(fran, subscribe(1, {}, 'com.app.x'))).toBe(ErrorUri.NOT_AUTHORIZED);
    let mode: 'fail' | 'nonsense' | 'silent' | 'allow' = 'fail';
    const { requests } = await startAuthorizer(fixture, (request) => {
      if (mode === 'fail') request.fail();
      else if (mode === 'nonsense') request.answer({ allow: 'yes' });
      else if (mode === 'allow') request.answer(true);
    });
    expect(await outcome(fran, subscribe(2, {}, 'com.app.x'))).toBe(ErrorUri.NOT_AUTHORIZED);
    mode = 'nonsense';
    expect(await outcome(fran, subscribe(3, {}, 'com.app.x'))).toBe(ErrorUri.NOT_AUTHORIZED);
    mode = 'silent';
    expect(await outcome(fran, subscribe(4, {}, 'com.app.x'))).toBe(ErrorUri.NOT_AUTHORIZED);
    mode = 'allow';
    expect(await outcome(fran, subscribe(5, {}, 'com.app.x'))).toBe('ok');
    expect(requests).toHaveLength(4);
  });

  it("holds a session's later messages until the authorizer decided, so they keep their order", async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions() });
    const pending = new PendingRequests();
    const { backend, requests } = await startAuthorizer(fixture, pending.keep);
    const reader = fixture.local();
    await join(reader, 'backend', 'b');
    reader.send(subscribe(1, { match: 'prefix' }, 'com.app.open.'));
    expect((await reader.next())[0]).toBe(MessageCode.SUBSCRIBED);

    const fran = fixture.local();
    await join(fran, 'fran', 'f');
    for (const [request, topic] of [
      [1, 'com.app.open.first'],
      [2, 'com.app.open.second'],
      [3, 'com.app.open.first'],
    ] as const) {
      fran.send(publish(request, {}, topic, [request]));
    }
    // A round trip through the router from another session: the router has read all three publications by now.
    backend.send(call(99, {}, 'com.app.open.nothing'));
    await new Promise<void>((resolve) => {
      const onmessage = backend.transport.onmessage!;
      backend.transport.onmessage = (raw, frameBytes) => {
        if ((raw as Message)[0] === MessageCode.ERROR) resolve();
        else onmessage(raw, frameBytes);
      };
    });
    expect(requests).toHaveLength(1); // the second publication waits behind the first decision
    (await pending.next()).answer(true);
    const secondAsked = await pending.next();
    expect(secondAsked.args[1]).toBe('com.app.open.second');
    secondAsked.answer(true);
    const events = [await reader.next(), await reader.next(), await reader.next()];
    expect(events.map((event) => (event[4] as number[])[0])).toEqual([1, 2, 3]);
    expect(requests).toHaveLength(2); // the third publication used the cached decision
  });

  it('drops a session that floods a pending authorizer, and only that session', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: authOptions() });
    const pending = new PendingRequests();
    await startAuthorizer(fixture, pending.keep);
    const fran = fixture.local();
    await join(fran, 'fran', 'f');
    for (let i = 1; i <= 10_002; i++) fran.send(publish(i, {}, 'com.app.open.flood'));
    const abort = await fran.next(5_000);
    expect(abort[0]).toBe(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.UNAVAILABLE);
    expect((await fran.closed()).code).toBe(1008);
    // Others go on; the late answer for the dropped session changes nothing.
    (await pending.next()).answer(true);
    const other = fixture.local();
    await join(other, 'fran', 'f');
    other.send(subscribe(1, {}, 'com.app.open.still'));
    const asked = await pending.next();
    expect(asked.args[1]).toBe('com.app.open.still');
    asked.answer(true);
    expect((await other.next())[0]).toBe(MessageCode.SUBSCRIBED);
  });
});
