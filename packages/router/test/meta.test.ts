// The session meta API, served in every realm by the router's own internal session.
import { CloseUri, call, ErrorUri, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { grantEverything, startRouter } from './support/fixture.js';

describe('session meta API', () => {
  it('counts, lists and describes the sessions of the realm, the router’s own left out', async () => {
    await using fixture = await startRouter({ realms: ['realm1', 'other'] });
    const caller = fixture.local();
    const me = (await caller.join())[1] as number;
    const other = fixture.local();
    const otherId = (await other.join())[1] as number;
    await fixture.local().join('other');
    caller.send(call(1, {}, 'wamp.session.count'));
    expect(await caller.next()).toEqual([MessageCode.RESULT, 1, {}, [2]]);
    caller.send(call(2, {}, 'wamp.session.list'));
    expect(((await caller.next())[3] as number[][])[0]!.sort()).toEqual([me, otherId].sort());
    caller.send(call(3, {}, 'wamp.session.count', [['admin']]));
    expect((await caller.next())[3]).toEqual([0]);
    caller.send(call(4, {}, 'wamp.session.get', [otherId]));
    expect(((await caller.next())[3] as unknown[])[0]).toMatchObject({
      session: otherId,
      authrole: 'anonymous',
      authmethod: 'anonymous',
      // No peer address: on a realm without roles nobody may see it.
      transport: { protocol: 'wamp.2.json' },
    });
    caller.send(call(5, {}, 'wamp.session.get', [12345]));
    expect((await caller.next())[4]).toBe(ErrorUri.NO_SUCH_SESSION);
  });

  it('publishes on_join and on_leave', async () => {
    await using fixture = await startRouter();
    const watcher = fixture.local();
    await watcher.join();
    watcher.send(subscribe(1, {}, 'wamp.session.on_join'));
    watcher.send(subscribe(2, {}, 'wamp.session.on_leave'));
    const joinSub = (await watcher.next())[2];
    const leaveSub = (await watcher.next())[2];
    const visitor = fixture.local();
    const welcome = await visitor.join();
    const joined = await watcher.next();
    expect(joined[1]).toBe(joinSub);
    expect((joined[4] as unknown[])[0]).toMatchObject({ session: welcome[1], authrole: 'anonymous' });
    visitor.transport.terminate();
    const left = await watcher.next();
    expect(left[1]).toBe(leaveSub);
    expect(left[4]).toEqual([welcome[1], (welcome[2] as { authid: string }).authid, 'anonymous']);
  });

  it('kills a session with GOODBYE wamp.close.killed (or a given reason), but never the caller itself', async () => {
    await using fixture = await startRouter({ auth: grantEverything('realm1') });
    const admin = fixture.local();
    const adminId = (await admin.join())[1] as number;
    const victim = fixture.local();
    const victimId = (await victim.join())[1] as number;
    admin.send(call(1, {}, 'wamp.session.kill', [adminId]));
    expect((await admin.next())[4]).toBe(ErrorUri.NO_SUCH_SESSION);
    admin.send(call(2, {}, 'wamp.session.kill', [victimId], { reason: 'com.example.banned', message: 'bye' }));
    expect((await admin.next())[0]).toBe(MessageCode.RESULT);
    expect(await victim.next()).toEqual([MessageCode.GOODBYE, { message: 'bye' }, 'com.example.banned']);
    const second = fixture.local();
    await second.join();
    admin.send(call(3, {}, 'wamp.session.kill_all'));
    expect((await admin.next())[3]).toEqual([1]);
    expect(await second.next()).toEqual([MessageCode.GOODBYE, {}, 'wamp.close.killed']);
    admin.send(call(4, {}, 'wamp.session.kill_all', [], { reason: 'not a uri' }));
    expect((await admin.next())[4]).toBe(ErrorUri.INVALID_URI);
    expect(CloseUri.KILLED).toBe('wamp.close.killed');
  });

  it('kills by authid and by authrole, sparing the caller', async () => {
    await using fixture = await startRouter({ auth: grantEverything('realm1') });
    const admin = fixture.local();
    await admin.join();
    const target = fixture.local();
    const welcome = await target.join();
    const authid = (welcome[2] as { authid: string }).authid;
    admin.send(call(1, {}, 'wamp.session.kill_by_authid', [authid]));
    expect((await admin.next())[3]).toEqual([[welcome[1]]]);
    expect((await target.next())[2]).toBe('wamp.close.killed');
    const another = fixture.local();
    await another.join();
    admin.send(call(2, {}, 'wamp.session.kill_by_authrole', ['operator']));
    expect((await admin.next())[3]).toEqual([1]);
    expect((await another.next())[0]).toBe(MessageCode.GOODBYE);
  });

  it('refuses the procedures that act on others on a realm without roles, and keeps the rest open', async () => {
    await using fixture = await startRouter();
    const attacker = fixture.local();
    await attacker.join();
    const bystander = fixture.local();
    const bystanderId = (await bystander.join())[1] as number;
    bystander.send(subscribe(1, {}, 'com.bystander'));
    const subscriptionId = (await bystander.next())[2];
    const attempts: [string, unknown[]][] = [
      ['wamp.session.kill', [bystanderId]],
      ['wamp.session.kill_by_authid', ['anything']],
      ['wamp.session.kill_by_authrole', ['anonymous']],
      ['wamp.session.kill_all', []],
      ['wamp.registration.remove', [1]],
      ['wamp.subscription.remove', [subscriptionId]],
    ];
    for (const [index, [procedure, args]] of attempts.entries()) {
      attacker.send(call(index + 1, {}, procedure, args));
      expect((await attacker.next()).slice(0, 5), procedure).toEqual([
        MessageCode.ERROR,
        MessageCode.CALL,
        index + 1,
        {},
        ErrorUri.NOT_AUTHORIZED,
      ]);
    }
    attacker.send(call(10, {}, 'wamp.session.count'));
    expect(await attacker.next()).toEqual([MessageCode.RESULT, 10, {}, [2]]);
    // The bystander kept its session and its subscription.
    bystander.send(call(2, {}, 'wamp.subscription.list_subscribers', [subscriptionId]));
    expect(await bystander.next()).toEqual([MessageCode.RESULT, 2, {}, [[bystanderId]]]);
  });

  it('keeps wamp.* registrations and publications to the router', async () => {
    await using fixture = await startRouter();
    const peer = fixture.local();
    await peer.join();
    peer.send([MessageCode.REGISTER, 1, {}, 'wamp.session.count']);
    expect((await peer.next())[4]).toBe(ErrorUri.INVALID_URI);
  });
});

describe('registration and subscription meta API', () => {
  it('lists, looks up, matches and describes registrations, and names their callees', async () => {
    await using fixture = await startRouter();
    const callee = fixture.local();
    const calleeId = (await callee.join())[1];
    callee.send([MessageCode.REGISTER, 1, {}, 'com.app.add']);
    const exactId = (await callee.next())[2];
    callee.send([MessageCode.REGISTER, 2, { match: 'prefix' }, 'com.app.']);
    const prefixId = (await callee.next())[2];
    const admin = fixture.local();
    await admin.join();
    const ask = async (request: number, procedure: string, args: unknown[] = []) => {
      admin.send(call(request, {}, procedure, args));
      return (await admin.next())[3] as unknown[];
    };
    expect(await ask(1, 'wamp.registration.list')).toEqual([{ exact: [exactId], prefix: [prefixId], wildcard: [] }]);
    expect(await ask(2, 'wamp.registration.lookup', ['com.app.add'])).toEqual([exactId]);
    expect(await ask(3, 'wamp.registration.lookup', ['com.app.', { match: 'prefix' }])).toEqual([prefixId]);
    expect(await ask(4, 'wamp.registration.lookup', ['com.app.nothing'])).toEqual([null]);
    expect(await ask(5, 'wamp.registration.match', ['com.app.mul'])).toEqual([prefixId]);
    expect(await ask(6, 'wamp.registration.get', [exactId])).toEqual([
      { id: exactId, created: expect.any(String), uri: 'com.app.add', match: 'exact', invoke: 'single' },
    ]);
    expect(await ask(7, 'wamp.registration.list_callees', [exactId])).toEqual([[calleeId]]);
    expect(await ask(8, 'wamp.registration.count_callees', [exactId])).toEqual([1]);
    admin.send(call(9, {}, 'wamp.registration.get', [424242]));
    expect((await admin.next())[4]).toBe(ErrorUri.NO_SUCH_REGISTRATION);
  });

  it('publishes on_create, on_register, on_unregister and on_delete', async () => {
    await using fixture = await startRouter();
    const watcher = fixture.local();
    await watcher.join();
    const topics = [
      'wamp.registration.on_create',
      'wamp.registration.on_register',
      'wamp.registration.on_unregister',
      'wamp.registration.on_delete',
    ];
    const subscriptionTopic = new Map<unknown, string>();
    for (const [index, topic] of topics.entries()) {
      watcher.send(subscribe(index + 1, {}, topic));
      subscriptionTopic.set((await watcher.next())[2], topic);
    }
    const callee = fixture.local();
    const calleeId = (await callee.join())[1];
    callee.send([MessageCode.REGISTER, 1, {}, 'com.watched']);
    const registrationId = (await callee.next())[2];
    callee.send([MessageCode.UNREGISTER, 2, registrationId]);
    await callee.next();
    const seen: [string | undefined, unknown][] = [];
    for (let i = 0; i < 4; i++) {
      const event = await watcher.next();
      seen.push([subscriptionTopic.get(event[1]), event[4]]);
    }
    expect(seen).toEqual([
      ['wamp.registration.on_create', [calleeId, expect.objectContaining({ id: registrationId, uri: 'com.watched' })]],
      ['wamp.registration.on_register', [calleeId, registrationId]],
      ['wamp.registration.on_unregister', [calleeId, registrationId]],
      ['wamp.registration.on_delete', [calleeId, registrationId]],
    ]);
  });

  it('answers for subscriptions and publishes their events', async () => {
    await using fixture = await startRouter();
    const watcher = fixture.local();
    await watcher.join();
    watcher.send(subscribe(1, {}, 'wamp.subscription.on_create'));
    await watcher.next();
    const subscriber = fixture.local();
    const subscriberId = (await subscriber.join())[1];
    subscriber.send(subscribe(1, { match: 'wildcard' }, 'com..news'));
    const subscriptionId = (await subscriber.next())[2];
    // The watcher's own subscription to on_create is announced first.
    expect(((await watcher.next())[4] as unknown[])[1]).toMatchObject({ uri: 'wamp.subscription.on_create' });
    const created = await watcher.next();
    expect(created[4]).toEqual([
      subscriberId,
      expect.objectContaining({ id: subscriptionId, uri: 'com..news', match: 'wildcard' }),
    ]);
    const ask = async (request: number, procedure: string, args: unknown[] = []) => {
      watcher.send(call(request, {}, procedure, args));
      return (await watcher.next())[3] as unknown[];
    };
    expect(await ask(10, 'wamp.subscription.match', ['com.daily.news'])).toEqual([[subscriptionId]]);
    expect(await ask(11, 'wamp.subscription.match', ['com.daily.weather'])).toEqual([null]);
    expect(await ask(12, 'wamp.subscription.lookup', ['com..news', { match: 'wildcard' }])).toEqual([subscriptionId]);
    expect(await ask(13, 'wamp.subscription.list_subscribers', [subscriptionId])).toEqual([[subscriberId]]);
    expect(await ask(14, 'wamp.subscription.count_subscribers', [subscriptionId])).toEqual([1]);
    expect(((await ask(15, 'wamp.subscription.list')) as Record<string, number[]>[])[0]!.wildcard).toEqual([
      subscriptionId,
    ]);
  });
});

describe('event history', () => {
  it('keeps the last events of configured topics for wamp.subscription.get_events', async () => {
    await using fixture = await startRouter({
      eventHistory: [
        { topic: 'com.log.auth', limit: 3 },
        { topic: 'com.log.', match: 'prefix', limit: 10 },
      ],
    });
    const reader = fixture.local();
    await reader.join();
    reader.send(subscribe(1, {}, 'com.log.auth'));
    const authSub = (await reader.next())[2];
    reader.send(subscribe(2, { match: 'prefix' }, 'com.log.'));
    const allSub = (await reader.next())[2];
    reader.send(subscribe(3, {}, 'com.other'));
    const otherSub = (await reader.next())[2];
    const writer = fixture.local();
    await writer.join();
    const publications: number[] = [];
    for (const [request, topic] of [
      'com.log.auth',
      'com.log.basket',
      'com.log.auth',
      'com.log.auth',
      'com.log.auth',
    ].entries()) {
      writer.send([MessageCode.PUBLISH, request + 1, { acknowledge: true }, topic, [request]]);
      publications.push((await writer.next())[2] as number);
    }
    const getEvents = async (request: number, subscription: unknown, kwargs: object = {}) => {
      writer.send(
        call(100 + request, {}, 'wamp.subscription.get_events', [subscription], kwargs as Record<string, unknown>),
      );
      const answer = await writer.next();
      expect(answer[0]).toBe(MessageCode.RESULT);
      return (answer[3] as unknown[])[0] as {
        args: number[];
        publication: number;
        topic: string;
        subscription: number;
      }[];
    };
    // The exact log keeps 3 of the 4 auth events; the prefix log keeps all 5.
    const auth = await getEvents(1, authSub);
    expect(auth.map((event) => event.args[0])).toEqual([2, 3, 4]);
    expect(auth[0]).toMatchObject({
      subscription: authSub,
      topic: 'com.log.auth',
      publication: publications[2],
      timestamp: expect.any(String),
    });
    expect((await getEvents(2, allSub)).map((event) => event.args[0])).toEqual([0, 1, 2, 3, 4]);
    expect((await getEvents(3, allSub, { reverse: true, limit: 2 })).map((event) => event.args[0])).toEqual([4, 3]);
    expect((await getEvents(4, allSub, { topic: 'com.log.basket' })).map((event) => event.args[0])).toEqual([1]);
    expect((await getEvents(5, allSub, { after_publication: publications[2] })).map((event) => event.args[0])).toEqual([
      3, 4,
    ]);
    expect((await getEvents(6, allSub, { until_publication: publications[1] })).map((event) => event.args[0])).toEqual([
      0, 1,
    ]);
    expect(await getEvents(7, otherSub)).toEqual([]);
  });

  it('refuses an invalid history configuration with the option named', async () => {
    await expect(startRouter({ eventHistory: [{ topic: 'com..x' }] })).rejects.toThrow('eventHistory[0].topic');
  });
});

describe('revocation', () => {
  it('revokes a registration, telling callees that support it with UNREGISTERED 0', async () => {
    await using fixture = await startRouter({ auth: grantEverything('realm1') });
    const callee = fixture.local();
    const calleeId = (await callee.join('realm1', { callee: { features: { registration_revocation: true } } }))[1];
    callee.send([MessageCode.REGISTER, 1, {}, 'com.revoked']);
    const registrationId = (await callee.next())[2];
    const admin = fixture.local();
    await admin.join();
    admin.send(call(1, {}, 'wamp.registration.remove', [registrationId], { reason: 'moving endpoint' }));
    expect((await admin.next())[3]).toEqual([[calleeId]]);
    expect(await callee.next()).toEqual([
      MessageCode.UNREGISTERED,
      0,
      { registration: registrationId, reason: 'moving endpoint' },
    ]);
    admin.send(call(2, {}, 'com.revoked'));
    expect((await admin.next())[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });

  it('revokes a subscription, telling subscribers that support it with UNSUBSCRIBED 0', async () => {
    await using fixture = await startRouter({ auth: grantEverything('realm1') });
    const subscriber = fixture.local();
    await subscriber.join('realm1', { subscriber: { features: { subscription_revocation: true } } });
    subscriber.send(subscribe(1, {}, 'com.revoked'));
    const subscriptionId = (await subscriber.next())[2];
    const admin = fixture.local();
    await admin.join();
    admin.send(call(1, {}, 'wamp.subscription.remove', [subscriptionId]));
    await admin.next();
    expect(await subscriber.next()).toEqual([MessageCode.UNSUBSCRIBED, 0, { subscription: subscriptionId }]);
    expect(fixture.router.stats().subscriptions).toBe(0);
  });
});
