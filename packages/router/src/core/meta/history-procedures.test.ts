// Event history in the meta API, on a router core over memory pairs: get_events, and the kept-events query
// a cluster asks every node.
import { ErrorUri, MessageCode, publish, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { acknowledgedId, callMeta, startCore } from '../../../test/support/core-router.js';
import type { RawPeer } from '../../../test/support/raw-peer.js';
import { KEPT_EVENTS } from './history-procedures.js';

async function published(peer: RawPeer, request: number, topic: string, args: unknown[], kwargs = {}) {
  peer.send(publish(request, { acknowledge: true }, topic, args, kwargs));
  expect((await peer.next())[0]).toBe(MessageCode.PUBLISHED);
}

describe('event history procedures', () => {
  it('get_events answers the kept events of a subscription, filtered as asked', async () => {
    using fixture = startCore({ eventHistory: [{ topic: 'com.log', limit: 2 }] });
    const subscription = await acknowledgedId(
      await fixture.joined(),
      subscribe(1, {}, 'com.log'),
      MessageCode.SUBSCRIBED,
    );
    // The subscriber gets the events; another session reads the history.
    const reader = await fixture.joined();
    for (const n of [1, 2, 3]) await published(reader, n, 'com.log', [n], { n });
    const [events] = (await callMeta(reader, 'wamp.subscription.get_events', [subscription]))[3] as [
      Record<string, unknown>[],
    ];
    // The log keeps its last 2.
    expect(events).toEqual(
      [2, 3].map((n) => ({
        timestamp: expect.stringMatching(/Z$/),
        subscription,
        publication: expect.any(Number),
        topic: 'com.log',
        args: [n],
        kwargs: { n },
      })),
    );
    const newest = await callMeta(reader, 'wamp.subscription.get_events', [subscription], { reverse: true, limit: 1 });
    expect(((newest[3] as Record<string, unknown>[][])[0] ?? []).map((event) => event.args)).toEqual([[3]]);
  });

  it('get_events answers nothing for a topic without history, and no_such_subscription for an unknown ID', async () => {
    using fixture = startCore();
    const reader = await fixture.joined();
    const subscription = await acknowledgedId(reader, subscribe(1, {}, 'com.quiet'), MessageCode.SUBSCRIBED);
    expect((await callMeta(reader, 'wamp.subscription.get_events', [subscription]))[3]).toEqual([[]]);
    expect((await callMeta(reader, 'wamp.subscription.get_events', [424242]))[4]).toBe(ErrorUri.NO_SUCH_SUBSCRIPTION);
  });

  it('the kept-events query answers the unfiltered log, and no client can call it', async () => {
    using fixture = startCore({ eventHistory: [{ topic: 'com.', match: 'prefix' }] });
    const publisher = await fixture.joined();
    await published(publisher, 1, 'com.a', ['a']);
    await published(publisher, 2, 'com.b', ['b']);
    const meta = fixture.core.realm('realm1')!.meta!;
    const answer = meta.answerLocally(KEPT_EVENTS, ['com.', 'prefix'], {}, 0);
    expect(answer).toEqual({
      result: [[expect.objectContaining({ topic: 'com.a', args: ['a'] }), expect.objectContaining({ topic: 'com.b' })]],
    });
    expect(meta.answerLocally(KEPT_EVENTS, ['com.', 'exact'], {}, 0)).toEqual({ result: [[]] });
    expect((await callMeta(publisher, KEPT_EVENTS, ['com.', 'prefix']))[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });
});
