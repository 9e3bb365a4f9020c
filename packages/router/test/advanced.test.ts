// Advanced profile features of the broker and dealer, announced in WELCOME: pattern-based subscriptions and
// registrations, shared registrations, publisher and caller identification, subscriber black- and whitelisting.
import { call, ErrorUri, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

async function answer(peer: RawPeer, message: unknown[], code: number): Promise<unknown[]> {
  peer.send(message);
  const reply = await peer.next();
  expect(reply[0], JSON.stringify(reply)).toBe(code);
  return reply;
}

describe('advanced profile features', () => {
  it('announces what it implements in WELCOME', async () => {
    await using fixture = await startRouter();
    const welcome = await fixture.local().join();
    expect(welcome[2]).toMatchObject({
      roles: {
        broker: {
          features: {
            publisher_exclusion: true,
            publisher_identification: true,
            subscriber_blackwhite_listing: true,
            pattern_based_subscription: true,
          },
        },
        dealer: {
          features: { caller_identification: true, pattern_based_registration: true, shared_registration: true },
        },
      },
    });
  });

  it('delivers to prefix and wildcard subscriptions with the concrete topic in the details', async () => {
    await using fixture = await startRouter();
    const subscriber = fixture.local();
    await subscriber.join();
    const prefix = (await answer(subscriber, subscribe(1, { match: 'prefix' }, 'com.app.'), MessageCode.SUBSCRIBED))[2];
    const wildcard = (
      await answer(subscriber, subscribe(2, { match: 'wildcard' }, 'com..update'), MessageCode.SUBSCRIBED)
    )[2];
    const exact = (await answer(subscriber, subscribe(3, {}, 'com.app.update'), MessageCode.SUBSCRIBED))[2];
    const publisher = fixture.local();
    await publisher.join();
    await answer(publisher, publish(1, { acknowledge: true }, 'com.app.update', [1]), MessageCode.PUBLISHED);
    const events = [await subscriber.next(), await subscriber.next(), await subscriber.next()];
    const bySubscription = new Map<unknown, unknown>(events.map((event) => [event[1], event[3]]));
    expect(bySubscription.get(exact)).toEqual({});
    expect(bySubscription.get(prefix)).toEqual({ topic: 'com.app.update' });
    expect(bySubscription.get(wildcard)).toEqual({ topic: 'com.app.update' });
    await answer(publisher, publish(2, { acknowledge: true }, 'com.other.update', [2]), MessageCode.PUBLISHED);
    const only = await subscriber.next();
    expect(only.slice(1, 2)).toEqual([wildcard]);
  });

  it('refuses malformed patterns with invalid_uri', async () => {
    await using fixture = await startRouter();
    const peer = fixture.local();
    await peer.join();
    expect((await answer(peer, subscribe(1, {}, 'com..x'), MessageCode.ERROR))[4]).toBe(ErrorUri.INVALID_URI);
    expect((await answer(peer, register(2, { match: 'prefix' }, 'com..x'), MessageCode.ERROR))[4]).toBe(
      ErrorUri.INVALID_URI,
    );
    await answer(peer, register(3, { match: 'wildcard' }, 'com..x'), MessageCode.REGISTERED);
  });

  it('routes calls exact > longest prefix > wildcard, with the called procedure in the details', async () => {
    await using fixture = await startRouter();
    const callees: Record<string, RawPeer> = {};
    const registrations: [string, 'exact' | 'prefix' | 'wildcard'][] = [
      ['a1.b2.c3.d4.e55', 'exact'],
      ['a1.b2.c3', 'prefix'],
      ['a1.b2.c3.d4', 'prefix'],
      ['a1.b2..d4.e5', 'wildcard'],
    ];
    for (const [procedure, match] of registrations) {
      const peer = fixture.local();
      await peer.join();
      await answer(peer, register(1, { match }, procedure), MessageCode.REGISTERED);
      callees[procedure] = peer;
    }
    const caller = fixture.local();
    await caller.join();
    const expectations: [string, string, object][] = [
      ['a1.b2.c3.d4.e55', 'a1.b2.c3.d4.e55', {}],
      ['a1.b2.c3.d98.e74', 'a1.b2.c3', { procedure: 'a1.b2.c3.d98.e74' }],
      ['a1.b2.c3.d4.e325', 'a1.b2.c3.d4', { procedure: 'a1.b2.c3.d4.e325' }],
      ['a1.b2.c55.d4.e5', 'a1.b2..d4.e5', { procedure: 'a1.b2.c55.d4.e5' }],
    ];
    let request = 0;
    for (const [procedure, servedBy, details] of expectations) {
      caller.send(call(++request, {}, procedure));
      const invocation = await callees[servedBy]!.next();
      expect(invocation[3]).toEqual(details);
      callees[servedBy]!.send(yieldResult(invocation[1] as number, {}, [servedBy]));
      expect((await caller.next())[3]).toEqual([servedBy]);
    }
    caller.send(call(++request, {}, 'a2.b2.c2.d2.e2'));
    expect((await caller.next())[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });

  it('spreads 300 calls 100/100/100 over three callees of a roundrobin registration', async () => {
    await using fixture = await startRouter();
    const counts = [0, 0, 0];
    const callees: RawPeer[] = [];
    let registrationId = 0;
    for (let i = 0; i < 3; i++) {
      const peer = fixture.local();
      await peer.join();
      const registered = await answer(
        peer,
        register(1, { invoke: 'roundrobin' }, 'com.shared'),
        MessageCode.REGISTERED,
      );
      if (i === 0) registrationId = registered[2] as number;
      expect(registered[2]).toBe(registrationId);
      peer.transport.onmessage = (raw) => {
        const message = raw as unknown[];
        counts[i]!++;
        peer.send(yieldResult(message[1] as number, {}, [i]));
      };
      callees.push(peer);
    }
    const caller = fixture.local();
    await caller.join();
    for (let request = 1; request <= 300; request++)
      await answer(caller, call(request, {}, 'com.shared'), MessageCode.RESULT);
    expect(counts).toEqual([100, 100, 100]);
  });

  it.each([
    ['first', [0, 0, 0]],
    ['last', [2, 2, 2]],
  ] as const)('picks the %s callee under that policy', async (invoke, served) => {
    await using fixture = await startRouter();
    for (let i = 0; i < 3; i++) {
      const peer = fixture.local();
      await peer.join();
      await answer(peer, register(1, { invoke }, 'com.policy'), MessageCode.REGISTERED);
      peer.transport.onmessage = (raw) => peer.send(yieldResult((raw as unknown[])[1] as number, {}, [i]));
    }
    const caller = fixture.local();
    await caller.join();
    const results: unknown[] = [];
    for (let request = 1; request <= 3; request++)
      results.push(((await answer(caller, call(request, {}, 'com.policy'), MessageCode.RESULT))[3] as number[])[0]);
    expect(results).toEqual(served);
  });

  it('spreads calls over the callees of a random registration', async () => {
    await using fixture = await startRouter();
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const peer = fixture.local();
      await peer.join();
      await answer(peer, register(1, { invoke: 'random' }, 'com.random'), MessageCode.REGISTERED);
      peer.transport.onmessage = (raw) => peer.send(yieldResult((raw as unknown[])[1] as number, {}, [i]));
    }
    const caller = fixture.local();
    await caller.join();
    for (let request = 1; request <= 60; request++) {
      seen.add(((await answer(caller, call(request, {}, 'com.random'), MessageCode.RESULT))[3] as number[])[0]!);
    }
    expect(seen).toEqual(new Set([0, 1, 2]));
  });

  it('refuses a second registration with another policy, or a single one, as procedure_already_exists', async () => {
    await using fixture = await startRouter();
    const first = fixture.local();
    const second = fixture.local();
    await first.join();
    await second.join();
    await answer(first, register(1, { invoke: 'roundrobin' }, 'com.mixed'), MessageCode.REGISTERED);
    expect((await answer(second, register(1, { invoke: 'random' }, 'com.mixed'), MessageCode.ERROR))[4]).toBe(
      ErrorUri.PROCEDURE_ALREADY_EXISTS,
    );
    expect((await answer(first, register(2, { invoke: 'roundrobin' }, 'com.mixed'), MessageCode.ERROR))[4]).toBe(
      ErrorUri.PROCEDURE_ALREADY_EXISTS,
    );
    await answer(first, register(3, {}, 'com.single'), MessageCode.REGISTERED);
    expect((await answer(second, register(2, {}, 'com.single'), MessageCode.ERROR))[4]).toBe(
      ErrorUri.PROCEDURE_ALREADY_EXISTS,
    );
  });

  it('discloses the publisher and the caller when they ask for it', async () => {
    await using fixture = await startRouter();
    const subscriber = fixture.local();
    await subscriber.join();
    await answer(subscriber, subscribe(1, {}, 'com.news'), MessageCode.SUBSCRIBED);
    await answer(subscriber, register(2, {}, 'com.who'), MessageCode.REGISTERED);
    const other = fixture.local();
    const welcome = await other.join();
    const sessionId = welcome[1];
    await answer(other, publish(1, { acknowledge: true, disclose_me: true }, 'com.news'), MessageCode.PUBLISHED);
    expect((await subscriber.next())[3]).toEqual({
      publisher: sessionId,
      publisher_authid: expect.any(String),
      publisher_authrole: 'anonymous',
    });
    other.send(call(2, { disclose_me: true }, 'com.who'));
    const invocation = await subscriber.next();
    expect(invocation[3]).toEqual({
      caller: sessionId,
      caller_authid: expect.any(String),
      caller_authrole: 'anonymous',
    });
  });

  it('honours exclude and eligible lists by session, authid and authrole', async () => {
    await using fixture = await startRouter();
    const subscribers: RawPeer[] = [];
    const ids: number[] = [];
    const authids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const peer = fixture.local();
      const welcome = await peer.join();
      ids.push(welcome[1] as number);
      authids.push((welcome[2] as { authid: string }).authid);
      await answer(peer, subscribe(1, {}, 'com.lists'), MessageCode.SUBSCRIBED);
      subscribers.push(peer);
    }
    const publisher = fixture.local();
    await publisher.join();
    const cases: [object, boolean[]][] = [
      [{ exclude: [ids[0]] }, [false, true, true]],
      [{ eligible: [ids[1]] }, [false, true, false]],
      [{ eligible: [ids[0], ids[1]], exclude: [ids[1]] }, [true, false, false]],
      [{ exclude_authid: [authids[2]] }, [true, true, false]],
      [{ eligible_authid: [authids[0]] }, [true, false, false]],
      [{ eligible_authrole: ['admin'] }, [false, false, false]],
      [{ exclude_authrole: ['anonymous'] }, [false, false, false]],
    ];
    for (const [index, [options]] of cases.entries()) {
      await answer(
        publisher,
        publish(index + 1, { acknowledge: true, ...options }, 'com.lists', [index]),
        MessageCode.PUBLISHED,
      );
    }
    // A final event for everyone marks the end: each subscriber's events before it are the ones it was eligible for.
    await answer(publisher, publish(99, { acknowledge: true }, 'com.lists', ['end']), MessageCode.PUBLISHED);
    for (const [position, subscriber] of subscribers.entries()) {
      const received: unknown[] = [];
      for (;;) {
        const value = ((await subscriber.next())[4] as unknown[])[0];
        if (value === 'end') break;
        received.push(value);
      }
      const wanted = cases.flatMap(([, expected], index) => (expected[position] ? [index] : []));
      expect(received).toEqual(wanted);
    }
  });
});
