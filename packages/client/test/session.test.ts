import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import type { Transport } from '@wamp/transport';
import { describe, expect, it } from 'vitest';
import {
  type CloseInfo,
  ConnectionClosedError,
  EventOverflowError,
  RUNTIME_ERROR_URI,
  WampError,
  type WampEvent,
} from '../src/index.js';
import { startRouter } from './fixture.js';

describe.each([
  ['json', jsonSerializer],
  ['cbor', cborSerializer],
  ['msgpack', msgpackSerializer],
])('Session over %s', (_name, serializer) => {
  it('calls a registered procedure and gets its result', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.register('com.example.add', (args) => (args[0] as number) + (args[1] as number));
    expect(await caller.call('com.example.add', [2, 3])).toBe(5);
    expect(caller.state).toBe('open');
    expect(caller.readyState).toBe(1);
    expect(caller.id).toBeGreaterThan(0);
  });

  it('carries args and kwargs faithfully through raw', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.raw.register('com.example.both', ({ args, kwargs }) => ({
      args: [...args, 'x'],
      kwargs: { ...kwargs, seen: true },
    }));
    const result = await caller.raw.call('com.example.both', [1], { kwargs: { a: { deep: [1, 2] } } });
    expect(result.args).toEqual([1, 'x']);
    expect(result.kwargs).toEqual({ a: { deep: [1, 2] }, seen: true });
  });

  it('rejects with the WampError the callee threw, URI, args and kwargs intact', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.register('com.example.fail', () => {
      throw new WampError('com.example.error.not_found', ['no user 42'], { kwargs: { id: 42 } });
    });
    const error = await caller.call('com.example.fail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WampError);
    expect(error).toMatchObject({ uri: 'com.example.error.not_found', args: ['no user 42'], kwargs: { id: 42 } });
  });

  it('turns any other thrown error into an application error with the message only, no stack', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    const reported: unknown[] = [];
    callee.on('error', (error) => reported.push(error));
    await callee.register('com.example.bug', () => {
      throw new TypeError('cannot read property x');
    });
    const error = (await caller.call('com.example.bug').catch((e: unknown) => e)) as WampError;
    expect(error.uri).toBe(RUNTIME_ERROR_URI);
    expect(error.args).toEqual(['cannot read property x']);
    expect(error.kwargs).toEqual({});
    expect(JSON.stringify([error.args, error.details])).not.toContain('session.test');
    // The callee's side keeps the whole exception, stack included, for its own logs.
    expect(reported).toEqual([expect.any(TypeError)]);
  });

  it('rejects a call to a missing procedure with no_such_procedure', async () => {
    await using fixture = await startRouter(serializer);
    const caller = await fixture.session();
    await expect(caller.call('com.example.nothing')).rejects.toMatchObject({ uri: 'wamp.error.no_such_procedure' });
  });

  it('delivers events to a callback subscriber and stops after unsubscribe', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const received: unknown[][] = [];
    const subscription = await subscriber.subscribe('com.example.tick', (args) => received.push(args));
    await publisher.publish('com.example.tick', [1], { acknowledge: true });
    await publisher.publish('com.example.tick', [2], { acknowledge: true, kwargs: { k: 'v' } });
    await expect.poll(() => received).toEqual([[1], [2]]);
    await subscription.unsubscribe();
    expect(fixture.router.stats().subscriptions).toBe(0);
  });

  it('iterates events with for await, in order, and unsubscribes when the loop ends', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const stream = subscriber.subscribe('com.example.stream');
    await stream.ready;
    for (let i = 1; i <= 5; i++) await publisher.publish('com.example.stream', [i], { kwargs: { i } });
    const seen: WampEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (seen.length === 5) break;
    }
    expect(seen.map((event) => event.args[0])).toEqual([1, 2, 3, 4, 5]);
    expect(seen[4]!.kwargs).toEqual({ i: 5 });
    await expect.poll(() => fixture.router.stats().subscriptions).toBe(0);
  });

  it('applies the overflow policy when the consumer is slower than the publisher', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const oldest = subscriber.subscribe('com.example.flood', { buffer: 3, overflow: 'drop-oldest' });
    const newest = subscriber.subscribe('com.example.flood', { buffer: 3, overflow: 'drop-newest' });
    const strict = subscriber.subscribe('com.example.flood', { buffer: 3, overflow: 'error' });
    await Promise.all([oldest.ready, newest.ready, strict.ready]);
    for (let i = 1; i <= 6; i++) await publisher.publish('com.example.flood', [i], { acknowledge: true });
    await expect.poll(() => oldest.dropped).toBe(3);
    expect(newest.dropped).toBe(3);

    const take = async (stream: AsyncIterator<WampEvent>, count: number) => {
      const values: unknown[] = [];
      for (let i = 0; i < count; i++) values.push(((await stream.next()).value as WampEvent).args[0]);
      return values;
    };
    expect(await take(oldest, 3)).toEqual([4, 5, 6]);
    expect(await take(newest, 3)).toEqual([1, 2, 3]);
    expect(await take(strict, 3)).toEqual([1, 2, 3]);
    await expect(strict.next()).rejects.toBeInstanceOf(EventOverflowError);
    await oldest.return();
    await newest.return();
    // The three streams shared one router subscription; it goes when the last one leaves.
    await expect.poll(() => fixture.router.stats().subscriptions).toBe(0);
  });

  it('stops an iterator with its signal: the loop throws the reason and the subscription ends', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const controller = new AbortController();
    const stream = subscriber.subscribe('com.example.stoppable', { signal: controller.signal });
    await stream.ready;
    await publisher.publish('com.example.stoppable', [1], { acknowledge: true });
    const seen: unknown[] = [];
    const loop = (async () => {
      for await (const event of stream) {
        seen.push(event.args[0]);
        controller.abort(new Error('enough'));
      }
    })();
    await expect(loop).rejects.toThrow('enough');
    expect(seen).toEqual([1]);
    await expect.poll(() => fixture.router.stats().subscriptions).toBe(0);
  });

  it('shares one router subscription between a callback and an iterator, and keeps it until both leave', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const received: unknown[] = [];
    const subscription = await subscriber.subscribe('com.example.shared', ([n]) => received.push(n));
    const stream = subscriber.subscribe('com.example.shared');
    await stream.ready;
    expect(fixture.router.stats().subscriptions).toBe(1);
    await publisher.publish('com.example.shared', [1], { acknowledge: true });
    expect(((await stream.next()).value as WampEvent).args).toEqual([1]);
    await expect.poll(() => received).toEqual([1]);
    await subscription.unsubscribe();
    expect(fixture.router.stats().subscriptions).toBe(1);
    await stream.return();
    await expect.poll(() => fixture.router.stats().subscriptions).toBe(0);
  });

  it('reports a throwing event handler and keeps delivering to the others', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const reported: unknown[] = [];
    subscriber.on('error', (error) => reported.push(error));
    const received: unknown[] = [];
    await subscriber.subscribe('com.example.fragile', () => {
      throw new Error('handler bug');
    });
    await subscriber.subscribe('com.example.fragile', ([n]) => received.push(n));
    await publisher.publish('com.example.fragile', [1], { acknowledge: true });
    await expect.poll(() => received).toEqual([1]);
    expect(reported).toEqual([expect.objectContaining({ message: 'handler bug' })]);
  });

  it('excludes the publisher by default and includes it with exclude_me: false', async () => {
    await using fixture = await startRouter(serializer);
    const session = await fixture.session();
    const received: unknown[] = [];
    await session.subscribe('com.example.self', ([n]) => received.push(n));
    await session.publish('com.example.self', [1], { acknowledge: true });
    await session.publish('com.example.self', [2], { acknowledge: true, exclude_me: false });
    await expect.poll(() => received).toEqual([2]);
  });

  it('unregisters a procedure', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const registration = await callee.register('com.example.temp', () => 1);
    expect(registration.id).toBeGreaterThan(0);
    await registration.unregister();
    expect(fixture.router.stats().registrations).toBe(0);
  });

  it('rejects at once with the signal reason when a call is aborted, and ignores the late result', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    let release!: () => void;
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    await callee.register('com.example.slow', async () => {
      started();
      await new Promise<void>((done) => {
        release = done;
      });
      return 'late';
    });
    const controller = new AbortController();
    const pending = caller.call('com.example.slow', [], { signal: controller.signal });
    await handlerStarted;
    controller.abort(new Error('user gave up'));
    await expect(pending).rejects.toThrow('user gave up');
    release();
    // The session is still fine afterwards.
    await callee.register('com.example.fast', () => 'ok');
    expect(await caller.call('com.example.fast')).toBe('ok');
  });

  it('rejects with a TimeoutError after the timeout', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.register('com.example.never', () => new Promise(() => {}));
    const error = await caller.call('com.example.never', [], { timeout: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe('TimeoutError');
  });

  it('settles every pending call with ConnectionClosedError when the connection drops', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    let connection: Transport | undefined;
    const caller = await fixture.session({
      transport: () => {
        connection = fixture.router.createLocalTransport();
        return connection;
      },
    });
    await callee.register('com.example.hang', () => new Promise(() => {}));
    const pending = [caller.call('com.example.hang'), caller.call('com.example.hang')];
    await expect.poll(() => fixture.router.stats().pendingCalls).toBe(2);
    connection!.terminate();
    for (const call of pending) await expect(call).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(caller.state).toBe('closed');
    await expect(caller.call('com.example.hang')).rejects.toBeInstanceOf(ConnectionClosedError);
  });

  it('reports state changes and the close, ends iterators, and refuses work afterwards', async () => {
    await using fixture = await startRouter(serializer);
    const session = await fixture.session();
    const states: string[] = [];
    session.on('state', (state) => states.push(state));
    const closes: CloseInfo[] = [];
    session.on('close', (info) => closes.push(info));
    const stream = session.subscribe('com.example.until-close');
    await stream.ready;
    await session.close();
    expect(states).toEqual(['closing', 'closed']);
    expect(closes).toEqual([expect.objectContaining({ code: 1000, wasClean: true, willReconnect: false })]);
    expect(session.readyState).toBe(3);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await expect(session.call('com.example.x')).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(session.register('com.example.x', () => 1)).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(session.drain()).rejects.toBeInstanceOf(ConnectionClosedError);
    await session.close(); // idempotent
    await expect.poll(() => fixture.router.stats().sessions).toBe(0);
  });

  it('resolves drain() at once while writable', async () => {
    await using fixture = await startRouter(serializer);
    const session = await fixture.session();
    expect(session.bufferedAmount).toBe(0);
    await session.drain();
  });
});

describe('Session.connect', () => {
  it('rejects with the ABORT as a WampError for an unknown realm', async () => {
    await using fixture = await startRouter(jsonSerializer);
    await expect(fixture.session({ realm: 'nope' })).rejects.toMatchObject({ uri: 'wamp.error.no_such_realm' });
  });

  it('rejects with the signal reason when aborted', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(fixture.session({ signal: controller.signal })).rejects.toThrow('stop');
  });

  it('connects in-process through a custom transport', async () => {
    await using fixture = await startRouter(jsonSerializer);
    const local = await fixture.session({ transport: () => fixture.router.createLocalTransport() });
    const remote = await fixture.session();
    await local.register('com.example.local', () => 'from inside');
    expect(await remote.call('com.example.local')).toBe('from inside');
  });
});
