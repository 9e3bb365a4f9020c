// Broker.isHeard: whether a publication could reach anyone, which lets the meta API skip events nobody hears.
import { MessageCode } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startCore } from '../../../test/support/core-router.js';

describe('Broker.isHeard', () => {
  it('is true only for topics a subscription matches, exact or pattern, and the meta events follow it', async () => {
    using fixture = startCore();
    const watcher = await fixture.joined();
    const broker = fixture.core.realm('realm1')!.broker;
    expect(broker.isHeard('wamp.session.on_join')).toBe(false);
    watcher.send([MessageCode.SUBSCRIBE, 1, { match: 'wildcard' }, 'wamp.session.']);
    expect((await watcher.next())[0]).toBe(MessageCode.SUBSCRIBED);
    expect(broker.isHeard('wamp.session.on_join')).toBe(true);
    expect(broker.isHeard('wamp.registration.on_create')).toBe(false);
    watcher.send([MessageCode.SUBSCRIBE, 2, {}, 'com.app.tick']);
    expect((await watcher.next())[0]).toBe(MessageCode.SUBSCRIBED);
    expect(broker.isHeard('com.app.tick')).toBe(true);
    expect(broker.isHeard('com.app.tock')).toBe(false);
    const newcomer = await fixture.joined();
    const joinEvent = await watcher.next();
    expect(joinEvent[0]).toBe(MessageCode.EVENT);
    expect((joinEvent[4] as [{ session: number }])[0].session).toBe(newcomer.sessionId);
  });

  it('is true for every topic when the realm keeps an event history', () => {
    using fixture = startCore({ eventHistory: [{ topic: 'com.log.', match: 'prefix', limit: 10 }] });
    expect(fixture.core.realm('realm1')!.broker.isHeard('wamp.session.on_join')).toBe(true);
  });
});
