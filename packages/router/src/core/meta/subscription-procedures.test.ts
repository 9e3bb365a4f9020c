// The subscription meta procedures, on a router core over memory pairs.
import { ErrorUri, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { callMeta, startCore } from '../../../test/support/core-router.js';
import { grantEverything } from '../../../test/support/grants.js';
import type { RawPeer } from '../../../test/support/raw-peer.js';

async function subscribed(peer: RawPeer, topic: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send(subscribe(1, options, topic));
  const answer = await peer.next();
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.SUBSCRIBED);
  return answer[2] as number;
}

describe('subscription procedures', () => {
  it('list by policy, look up, match and describe subscriptions', async () => {
    using fixture = startCore();
    const subscriber = await fixture.joined();
    const exact = await subscribed(subscriber, 'com.app.news');
    const prefix = await subscribed(subscriber, 'com.app.', { match: 'prefix' });
    const admin = await fixture.joined();
    expect((await callMeta(admin, 'wamp.subscription.list'))[3]).toEqual([
      { exact: [exact], prefix: [prefix], wildcard: [] },
    ]);
    expect((await callMeta(admin, 'wamp.subscription.lookup', ['com.app.', { match: 'prefix' }]))[3]).toEqual([prefix]);
    expect((await callMeta(admin, 'wamp.subscription.lookup', ['com.app.']))[3]).toEqual([null]);
    const [matched] = (await callMeta(admin, 'wamp.subscription.match', ['com.app.news']))[3] as [number[]];
    expect(matched.sort()).toEqual([exact, prefix].sort());
    expect((await callMeta(admin, 'wamp.subscription.match', ['org.other']))[3]).toEqual([null]);
    expect((await callMeta(admin, 'wamp.subscription.get', [exact]))[3]).toEqual([
      { id: exact, created: expect.stringMatching(/Z$/), uri: 'com.app.news', match: 'exact' },
    ]);
    expect((await callMeta(admin, 'wamp.subscription.get', [424242]))[4]).toBe(ErrorUri.NO_SUCH_SUBSCRIPTION);
  });

  it('remove one subscriber, then the rest, and the subscription is gone', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const first = await fixture.joined();
    const second = await fixture.joined();
    const id = await subscribed(first, 'com.app.news');
    expect(await subscribed(second, 'com.app.news')).toBe(id);
    const admin = await fixture.joined();
    expect((await callMeta(admin, 'wamp.subscription.count_subscribers', [id]))[3]).toEqual([2]);
    expect((await callMeta(admin, 'wamp.subscription.remove', [id, second.sessionId]))[3]).toEqual([
      [second.sessionId],
    ]);
    expect((await callMeta(admin, 'wamp.subscription.list_subscribers', [id]))[3]).toEqual([[first.sessionId]]);
    expect((await callMeta(admin, 'wamp.subscription.remove', [id]))[3]).toEqual([[first.sessionId]]);
    expect((await callMeta(admin, 'wamp.subscription.count_subscribers', [id]))[4]).toBe(ErrorUri.NO_SUCH_SUBSCRIPTION);
  });
});
