// The subscription meta procedures, on a router core over memory pairs.
import { ErrorUri, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { acknowledgedId, callMeta, startCore } from '../../../test/support/core-router.js';
import { grantEverything } from '../../../test/support/grants.js';

describe('subscription procedures', () => {
  it('list by policy, look up, match and describe subscriptions', async () => {
    using fixture = startCore();
    const subscriber = await fixture.joined();
    const exact = await acknowledgedId(subscriber, subscribe(1, {}, 'com.app.news'), MessageCode.SUBSCRIBED);
    const prefix = await acknowledgedId(
      subscriber,
      subscribe(2, { match: 'prefix' }, 'com.app.'),
      MessageCode.SUBSCRIBED,
    );
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
    const id = await acknowledgedId(first, subscribe(1, {}, 'com.app.news'), MessageCode.SUBSCRIBED);
    expect(await acknowledgedId(second, subscribe(1, {}, 'com.app.news'), MessageCode.SUBSCRIBED)).toBe(id);
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
