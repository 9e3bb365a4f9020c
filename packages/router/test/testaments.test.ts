// Testaments (wamp.session.add_testament, flush_testaments): published when a session is lost, bounded, and
// never a way to reach the router's own meta events.
import { CloseUri, call, ErrorUri, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';

describe('testaments', () => {
  async function setup() {
    const fixture = await startRouter();
    const watcher = fixture.local();
    await watcher.join();
    watcher.send(subscribe(1, {}, 'com.last.words'));
    await watcher.next();
    const client = fixture.local();
    await client.join();
    return { fixture, watcher, client };
  }

  /** Publishes a marker the watcher also receives: events before it in its queue are the ones that came. */
  async function eventsUntilMarker(
    fixture: Awaited<ReturnType<typeof startRouter>>,
    watcher: ReturnType<Awaited<ReturnType<typeof startRouter>>['local']>,
  ) {
    const marker = fixture.local();
    await marker.join();
    marker.send([MessageCode.PUBLISH, 1, { acknowledge: true }, 'com.last.words', ['marker']]);
    await marker.next();
    const seen: unknown[] = [];
    for (;;) {
      const event = await watcher.next();
      const first = (event[4] as unknown[])[0];
      if (first === 'marker') return seen;
      seen.push(first);
    }
  }

  it('publishes a testament when the session is lost', async () => {
    const { fixture, watcher, client } = await setup();
    await using _ = fixture;
    client.send(call(1, {}, 'wamp.session.add_testament', ['com.last.words', ['gone'], { who: 'client' }]));
    expect((await client.next())[0]).toBe(MessageCode.RESULT);
    client.transport.terminate();
    const event = await watcher.next();
    expect(event[4]).toEqual(['gone']);
    expect(event[5]).toEqual({ who: 'client' });
  });

  it('does not publish it after a clean GOODBYE, unless added with _on_goodbye', async () => {
    const { fixture, watcher, client } = await setup();
    await using _ = fixture;
    client.send(call(1, {}, 'wamp.session.add_testament', ['com.last.words', ['silent']]));
    client.send(call(2, {}, 'wamp.session.add_testament', ['com.last.words', ['asked']], { _on_goodbye: true }));
    await client.next();
    await client.next();
    client.send([MessageCode.GOODBYE, {}, CloseUri.CLOSE_REALM]);
    expect((await client.next())[0]).toBe(MessageCode.GOODBYE);
    expect(await eventsUntilMarker(fixture, watcher)).toEqual(['asked']);
  });

  it("refuses a testament on a reserved wamp.* topic: no client may forge the router's meta events", async () => {
    const { fixture, client } = await setup();
    await using _ = fixture;
    const forged = [1, 'someone', 'admin'];
    client.send(call(1, {}, 'wamp.session.add_testament', ['wamp.session.on_leave', forged]));
    const refusal = await client.next();
    expect(refusal.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.INVALID_URI]);
    expect(refusal[5]).toEqual(['testaments may not publish to the reserved wamp.* topics']);
  });

  it('refuses publish options a PUBLISH could not carry, and the meta API keeps answering', async () => {
    const { fixture, client } = await setup();
    await using _ = fixture;
    const testament = ['com.last.words', ['x']];
    client.send(call(1, {}, 'wamp.session.add_testament', testament, { publish_options: { retain: 'yes' } }));
    const refusal = await client.next();
    expect(refusal.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 1, {}, ErrorUri.INVALID_ARGUMENT]);
    expect(String((refusal[5] as string[])[0])).toContain('retain');
    client.send(call(2, {}, 'wamp.session.count'));
    expect(await client.next()).toEqual([MessageCode.RESULT, 2, {}, [2]]);
  });

  it('bounds the testaments of a session by count and by bytes', async () => {
    const { fixture, watcher, client } = await setup();
    await using _ = fixture;
    for (let request = 1; request <= 16; request++) {
      client.send(call(request, {}, 'wamp.session.add_testament', ['com.last.words', [request]]));
      expect((await client.next())[0]).toBe(MessageCode.RESULT);
    }
    client.send(call(17, {}, 'wamp.session.add_testament', ['com.last.words', [17]]));
    const tooMany = await client.next();
    expect(tooMany.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 17, {}, ErrorUri.UNAVAILABLE]);
    client.send(call(18, {}, 'wamp.session.flush_testaments'));
    await client.next();
    client.send(call(19, {}, 'wamp.session.add_testament', ['com.last.words', ['x'.repeat(70_000)]]));
    const tooBig = await client.next();
    expect(tooBig.slice(0, 5)).toEqual([MessageCode.ERROR, MessageCode.CALL, 19, {}, ErrorUri.UNAVAILABLE]);
    expect(String((tooBig[5] as string[])[0])).toContain('65536 bytes');
    // Nothing refused was kept: the session leaves without a word to its watcher.
    client.transport.terminate();
    await expect.poll(() => fixture.router.stats().sessions).toBe(1);
    expect(await eventsUntilMarker(fixture, watcher)).toEqual([]);
  });

  it('forgets flushed testaments', async () => {
    const { fixture, watcher, client } = await setup();
    await using _ = fixture;
    client.send(call(1, {}, 'wamp.session.add_testament', ['com.last.words', ['flushed']]));
    client.send(call(2, {}, 'wamp.session.flush_testaments'));
    await client.next();
    await client.next();
    client.transport.terminate();
    await client.closed();
    // The router has handled the loss (and would have published) once the session is gone from its tables.
    await expect.poll(() => fixture.router.stats().sessions).toBe(1);
    expect(await eventsUntilMarker(fixture, watcher)).toEqual([]);
  });
});
