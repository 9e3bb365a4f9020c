// The router's advanced features through @wamp/client's typed options, over JSON and CBOR.
import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import type { RouterOptions } from '@wamp/router';
import type { Transport } from '@wamp/transport';
import { describe, expect, it } from 'vitest';
import type { WampEvent } from '../src/index.js';
import { startRouter } from './fixture.js';

/** Anonymous sessions may do everything, the meta procedures that act on others included (refused without roles). */
const OPERATORS: RouterOptions = {
  auth: {
    realm1: {
      anonymous: { role: 'operator' },
      roles: { operator: [{ uri: '', match: 'prefix', allow: ['call', 'register', 'publish', 'subscribe'] }] },
    },
  },
};

describe.each([
  ['json', jsonSerializer],
  ['cbor', cborSerializer],
])('advanced features with @wamp/client over %s', (_name, serializer) => {
  it('subscribes by prefix and wildcard, and sees the concrete topic and a disclosed publisher', async () => {
    await using fixture = await startRouter(serializer);
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const events: WampEvent[] = [];
    await subscriber.subscribe('com.app.', (_args, event) => events.push(event), { match: 'prefix' });
    await subscriber.subscribe('com..alert', (_args, event) => events.push(event), { match: 'wildcard' });
    await publisher.publish('com.app.alert', [1], { acknowledge: true, disclose_me: true });
    await expect.poll(() => events.length).toBe(2);
    for (const event of events)
      expect(event.details).toMatchObject({ topic: 'com.app.alert', publisher: publisher.id });
  });

  it('shares a registration round-robin and discloses the caller', async () => {
    await using fixture = await startRouter(serializer);
    const callees = [await fixture.session(), await fixture.session()];
    const served: [number, unknown][] = [];
    for (const [index, callee] of callees.entries()) {
      await callee.register(
        'com.shared',
        (_args, invocation) => {
          served.push([index, invocation.details.caller]);
          return index;
        },
        { invoke: 'roundrobin' },
      );
    }
    const caller = await fixture.session();
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await caller.call('com.shared', [], { disclose_me: true }));
    expect(results).toEqual([0, 1, 0, 1]);
    expect(served.every(([, who]) => who === caller.id)).toBe(true);
  });

  it('keeps others out with exclude and eligible lists, and delivers retained events on request', async () => {
    await using fixture = await startRouter(serializer);
    const publisher = await fixture.session();
    const a = await fixture.session();
    const b = await fixture.session();
    const got: string[] = [];
    await a.subscribe('com.lists', () => got.push('a'));
    await b.subscribe('com.lists', () => got.push('b'));
    await publisher.publish('com.lists', [], { acknowledge: true, exclude: [a.id] });
    await publisher.publish('com.lists', [], { acknowledge: true, eligible: [a.id] });
    await publisher.publish('com.state', ['kept'], { acknowledge: true, retain: true });
    const retained: WampEvent[] = [];
    await b.subscribe('com.state', (_args, event) => retained.push(event), { get_retained: true });
    await expect.poll(() => got.length + retained.length).toBe(3);
    expect(got.sort()).toEqual(['a', 'b']);
    expect(retained[0]).toMatchObject({ args: ['kept'], details: { retained: true } });
  });

  it('times a call out at the dealer, which interrupts the callee', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    let interrupted!: () => void;
    const calleeInterrupted = new Promise<void>((resolve) => {
      interrupted = resolve;
    });
    await callee.register('com.slow', (_args, invocation) => {
      invocation.signal.addEventListener('abort', () => interrupted());
      return new Promise(() => {});
    });
    // A local deadline later than the router's: the router's wamp.error.timeout arrives first.
    const error = await caller.raw.call('com.slow', [], { timeout: 60 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: expect.stringMatching(/WampError|TimeoutError/) });
    await calleeInterrupted;
  });

  it('streams progressive input into one invocation', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.raw.register('com.concat', async (invocation) => {
      const parts = [invocation.args[0]];
      for await (const chunk of invocation.input ?? []) parts.push(chunk.args[0]);
      return { args: [parts.join('')] };
    });
    const stream = caller.raw.callWithInput('com.concat', ['a']);
    stream.send(['b']);
    stream.end(['c']);
    expect((await stream.result).args).toEqual(['abc']);
  });

  it('learns of a revoked registration and stops serving it', async () => {
    await using fixture = await startRouter(serializer, 0, OPERATORS);
    const callee = await fixture.session();
    const admin = await fixture.session();
    const registration = await callee.register('com.revocable', () => 'here');
    await admin.raw.call('wamp.registration.remove', [registration.id], { kwargs: { reason: 'maintenance' } });
    await expect(admin.call('com.revocable')).rejects.toMatchObject({ uri: 'wamp.error.no_such_procedure' });
  });

  it('leaves a testament that is published when the session is lost', async () => {
    await using fixture = await startRouter(serializer);
    const watcher = await fixture.session();
    const heard: unknown[] = [];
    await watcher.subscribe('com.farewell', (args) => heard.push(args[0]));
    let connection: Transport | undefined;
    const leaving = await fixture.session({
      transport: () => {
        connection = fixture.router.createLocalTransport();
        return connection;
      },
    });
    await leaving.raw.call('wamp.session.add_testament', ['com.farewell', ['bye'], {}]);
    connection!.terminate(); // lost, not left: no GOODBYE
    await expect.poll(() => heard).toEqual(['bye']);
  });

  it('forwards payload passthru options with the payload untouched', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.raw.register('com.sealed', (invocation) => ({
      args: [invocation.details.ppt_scheme, invocation.args[0]],
    }));
    const result = await caller.raw.call('com.sealed', ['opaque'], { ppt_scheme: 'x_demo' });
    expect(result.args).toEqual(['x_demo', 'opaque']);
  });

  it('registers by pattern and learns the procedure actually called', async () => {
    await using fixture = await startRouter(serializer);
    const callee = await fixture.session();
    const caller = await fixture.session();
    await callee.register('com.api.', (_args, invocation) => invocation.procedure, { match: 'prefix' });
    await callee.register('com..status', (_args, invocation) => `status of ${invocation.procedure}`, {
      match: 'wildcard',
    });
    expect(await caller.call('com.api.users.list')).toBe('com.api.users.list');
    expect(await caller.call('com.db.status')).toBe('status of com.db.status');
  });

  it('reads event history and learns of a revoked subscription', async () => {
    await using fixture = await startRouter(serializer, 0, {
      ...OPERATORS,
      eventHistory: [{ topic: 'com.audit', limit: 10 }],
    });
    const subscriber = await fixture.session();
    const publisher = await fixture.session();
    const subscription = await subscriber.subscribe('com.audit', () => {});
    for (const entry of ['login', 'logout']) await publisher.publish('com.audit', [entry], { acknowledge: true });
    const history = (await subscriber.raw.call('wamp.subscription.get_events', [subscription.id])).args[0] as {
      args: unknown[];
    }[];
    expect(history.map((event) => event.args[0])).toEqual(['login', 'logout']);
    await publisher.raw.call('wamp.subscription.remove', [subscription.id]);
    await expect.poll(() => fixture.router.stats().subscriptions).toBe(0);
  });

  it('reaches the meta API through raw calls', async () => {
    await using fixture = await startRouter(serializer);
    const session = await fixture.session();
    await fixture.session();
    expect((await session.raw.call('wamp.session.count')).args).toEqual([2]);
    expect((await session.raw.call('wamp.session.get', [session.id])).args[0]).toMatchObject({ session: session.id });
  });
});
