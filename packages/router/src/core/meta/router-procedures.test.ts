// The router's own procedures (router.*) for the dashboard, on a router core over memory pairs: who may call them,
// that no client registers or subscribes in the namespace, the session counters and the message tap.
import { call, ErrorUri, hello, MessageCode, register, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { type CoreFixture, callMeta, startCore } from '../../../test/support/core-router.js';
import { grantEverything } from '../../../test/support/grants.js';
import type { RawPeer } from '../../../test/support/raw-peer.js';
import type { AdminSettings } from '../admin.js';
import type { TappedMessage } from '../tap.js';

const ADMIN: AdminSettings = { adminRoles: ['admin'], maxTappedSessions: 2, tapMessages: 100, tapPayloadChars: 256 };
const ROLES = { caller: {}, callee: {}, publisher: {}, subscriber: {} };

/** A peer that joined `realm` with `authrole` (the core fixture grants the role a HELLO asks for). */
async function joinAs(fixture: CoreFixture, authrole: string, realm = 'realm1'): Promise<RawPeer> {
  const peer = fixture.peer();
  peer.send(hello(realm, { roles: ROLES, authrole }));
  const welcome = await peer.next();
  expect(welcome[0]).toBe(MessageCode.WELCOME);
  peer.sessionId = welcome[1] as number;
  return peer;
}

/** The RESULT's first argument, failing with the answer when it is not a RESULT. */
async function resultOf(peer: RawPeer, procedure: string, args: unknown[] = [], kwargs = {}): Promise<unknown> {
  const answer = await callMeta(peer, procedure, args, kwargs);
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.RESULT);
  return (answer[3] as unknown[] | undefined)?.[0];
}

async function errorOf(peer: RawPeer, procedure: string, args: unknown[] = []): Promise<string> {
  const answer = await callMeta(peer, procedure, args);
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.ERROR);
  return answer[4] as string;
}

/** The target calls a procedure nobody registered, and hears the ERROR: one message in, one out. */
async function callNothing(target: RawPeer, request: number, payload: unknown[] = []): Promise<void> {
  target.send(call(request, {}, 'com.app.nothing', payload));
  expect((await target.next())[0]).toBe(MessageCode.ERROR);
}

async function tapped(admin: RawPeer, target: RawPeer, after = 0): Promise<TappedMessage[]> {
  return ((await resultOf(admin, 'router.tap.read', [target.sessionId, after])) as { messages: TappedMessage[] })
    .messages;
}

describe('router procedures', () => {
  it('do not exist while the dashboard is off', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const peer = await fixture.joined();
    expect(await errorOf(peer, 'router.realm.list')).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });

  it('refuse every session but an admin, even one whose role may call every URI', async () => {
    using fixture = startCore({ admin: ADMIN, auth: grantEverything('realm1'), realms: ['realm1', 'open'] });
    const operator = await fixture.joined();
    const stranger = await fixture.joined('open');
    const procedures = [
      'router.realm.list',
      'router.session.stats',
      'router.registration.stats',
      'router.tap.start',
      'router.tap.read',
    ];
    for (const procedure of procedures) {
      expect(await errorOf(operator, procedure, [stranger.sessionId])).toBe(ErrorUri.NOT_AUTHORIZED);
      expect(await errorOf(stranger, procedure, [operator.sessionId])).toBe(ErrorUri.NOT_AUTHORIZED);
    }
    expect(fixture.core.admin!.taps.size).toBe(0);
  });

  it('keep the namespace to the router: no client registers or subscribes in it', async () => {
    using fixture = startCore({ admin: ADMIN });
    const admin = await joinAs(fixture, 'admin');
    const attempts = [
      register(1, {}, 'router.realm.list'),
      register(2, {}, 'router.mine'),
      register(3, { match: 'prefix' }, 'router.'),
      register(4, {}, 'router'),
      subscribe(5, {}, 'router.tap'),
      subscribe(6, { match: 'prefix' }, 'router.'),
    ];
    for (const message of attempts) {
      admin.send(message);
      const answer = await admin.next();
      expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.ERROR);
      expect(answer[4]).toBe(ErrorUri.INVALID_URI);
    }
    // Names that only start alike are the application's.
    admin.send(register(7, {}, 'routers.add'));
    expect((await admin.next())[0]).toBe(MessageCode.REGISTERED);
  });

  it('list the realms with their counts, the router’s own registrations left out', async () => {
    using fixture = startCore({ admin: ADMIN, realms: ['realm1', 'other'] });
    const admin = await joinAs(fixture, 'admin');
    const callee = await fixture.joined('other');
    callee.send(register(1, {}, 'com.app.add'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    expect(await resultOf(admin, 'router.realm.list')).toEqual([
      { realm: 'other', sessions: 1, registrations: 1, subscriptions: 0 },
      { realm: 'realm1', sessions: 1, registrations: 0, subscriptions: 0 },
    ]);
  });

  it('count each session’s messages in and out, busiest first, and say what is queued', async () => {
    using fixture = startCore({ admin: ADMIN });
    const admin = await joinAs(fixture, 'admin');
    const busy = await fixture.joined();
    for (let request = 1; request <= 3; request++) await callNothing(busy, request);
    const [first, second] = (await resultOf(admin, 'router.session.stats')) as Record<string, unknown>[];
    // HELLO and three CALLs in; WELCOME and three ERRORs out.
    expect(first).toMatchObject({ session: busy.sessionId, messagesIn: 4, messagesOut: 4, queuedBytes: 0 });
    expect(first).toMatchObject({ slow: false, droppedEvents: 0, tapped: false, peer: 'memory' });
    expect(first!.ageMs).toBeGreaterThanOrEqual(0);
    expect(second).toMatchObject({ session: admin.sessionId, messagesIn: 2, messagesOut: 1 });
    const same = { ...first, ageMs: expect.any(Number) };
    expect(await resultOf(admin, 'router.session.stats', [[busy.sessionId, 12345]])).toEqual([same]);
    expect(await resultOf(admin, 'router.session.stats', [], { limit: 1 })).toEqual([same]);
  });

  it('count the calls of each client registration, busiest first, the meta API’s own left out', async () => {
    using fixture = startCore({ admin: ADMIN });
    const admin = await joinAs(fixture, 'admin');
    const callee = await fixture.joined();
    callee.send(register(1, {}, 'com.app.quiet'));
    expect((await callee.next())[0]).toBe(MessageCode.REGISTERED);
    callee.send(register(2, { match: 'prefix' }, 'com.app.busy.'));
    const busy = (await callee.next())[2];
    const invocations: number[] = [];
    callee.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION) invocations.push(message[1] as number);
    };
    const caller = await fixture.joined();
    for (let request = 1; request <= 3; request++) caller.send(call(request, {}, `com.app.busy.${request}`));
    await expect.poll(() => invocations.length).toBe(3);
    const stats = (await resultOf(admin, 'router.registration.stats')) as Record<string, unknown>[];
    expect(stats).toEqual([
      { registration: busy, procedure: 'com.app.busy.', match: 'prefix', calls: 3 },
      { registration: expect.any(Number), procedure: 'com.app.quiet', match: 'exact', calls: 0 },
    ]);
    expect(await resultOf(admin, 'router.registration.stats', [], { limit: 1 })).toEqual([stats[0]]);
  });

  it('tap a session only once an admin turns it on, in and out, after a seq', async () => {
    using fixture = startCore({ admin: ADMIN });
    const admin = await joinAs(fixture, 'admin');
    const target = await fixture.joined();
    await callNothing(target, 1);
    expect(fixture.core.sessionsById.get(target.sessionId)!.tap).toBeNull();
    expect(await errorOf(admin, 'router.tap.read', [target.sessionId])).toBe(ErrorUri.NO_SUCH_SESSION);

    expect(await resultOf(admin, 'router.tap.start', [target.sessionId])).toEqual({
      session: target.sessionId,
      limit: 100,
      payloadChars: 256,
    });
    await callNothing(target, 2, ['hello']);
    const seen = await tapped(admin, target);
    expect(seen.map(({ seq, direction, type }) => [seq, direction, type])).toEqual([
      [1, 'in', 'CALL'],
      [2, 'out', 'ERROR'],
    ]);
    expect(seen[0]!.text).toBe('[48,2,{},"com.app.nothing",["hello"]]');
    expect(seen[1]!.text).toContain('wamp.error.no_such_procedure');
    await callNothing(target, 3);
    expect((await tapped(admin, target, 2)).map(({ seq }) => seq)).toEqual([3, 4]);
    expect(await errorOf(admin, 'router.tap.start', [admin.sessionId])).toBe(ErrorUri.INVALID_ARGUMENT);
    expect(await errorOf(admin, 'router.tap.start', [424242])).toBe(ErrorUri.NO_SUCH_SESSION);

    expect(await resultOf(admin, 'router.tap.stop', [target.sessionId])).toBeUndefined();
    await callNothing(target, 4);
    expect(fixture.core.sessionsById.get(target.sessionId)!.tap).toBeNull();
    expect(await errorOf(admin, 'router.tap.read', [target.sessionId])).toBe(ErrorUri.NO_SUCH_SESSION);
  });

  it('keep the last messages only, each cut to its width, and tap so many sessions at most', async () => {
    using fixture = startCore({ admin: { ...ADMIN, tapMessages: 3, tapPayloadChars: 32 } });
    const admin = await joinAs(fixture, 'admin');
    const [target, second, third] = [await fixture.joined(), await fixture.joined(), await fixture.joined()];
    await resultOf(admin, 'router.tap.start', [target.sessionId]);
    for (let request = 1; request <= 3; request++) await callNothing(target, request, ['x'.repeat(10_000)]);
    const seen = await tapped(admin, target);
    expect(seen.map(({ seq }) => seq)).toEqual([4, 5, 6]);
    for (const { text } of seen) {
      expect(text.length).toBe(33);
      expect(text.endsWith('…')).toBe(true);
    }
    await resultOf(admin, 'router.tap.start', [second.sessionId]);
    const refused = await callMeta(admin, 'router.tap.start', [third.sessionId]);
    expect(refused[4]).toBe(ErrorUri.UNAVAILABLE);
    expect(String((refused[5] as unknown[])[0])).toContain('dashboard.maxTappedSessions');
  });

  it('end a tap when its admin leaves, and keep the last messages of a target that left', async () => {
    using fixture = startCore({ admin: ADMIN });
    const admin = await joinAs(fixture, 'admin');
    const watcher = await joinAs(fixture, 'admin');
    const target = await fixture.joined();
    const other = await fixture.joined();
    await resultOf(admin, 'router.tap.start', [target.sessionId]);
    await resultOf(watcher, 'router.tap.start', [other.sessionId]);
    const tappedTarget = fixture.core.sessionsById.get(target.sessionId)!;
    const tappedOther = fixture.core.sessionsById.get(other.sessionId)!;

    other.send([MessageCode.GOODBYE, {}, 'wamp.close.close_realm']);
    expect((await other.next())[0]).toBe(MessageCode.GOODBYE);
    const last = (await resultOf(watcher, 'router.tap.read', [other.sessionId])) as Record<string, unknown>;
    expect(last.active).toBe(false);
    expect((last.messages as TappedMessage[]).map(({ type }) => type)).toEqual(['GOODBYE', 'GOODBYE']);
    expect(tappedOther.tap).toBeNull();

    admin.transport.close(1000, 'bye');
    await admin.closed();
    await expect.poll(() => tappedTarget.tap).toBeNull();
    expect(fixture.core.admin!.taps.size).toBe(1);
  });

  it('give an admin role the dashboard’s reads on a realm whose roles do not, and nothing that acts', async () => {
    using fixture = startCore({
      admin: ADMIN,
      auth: { realm1: { roles: { admin: [{ uri: 'com.app.', match: 'prefix', allow: ['call'] }] } } },
    });
    const admin = await joinAs(fixture, 'admin');
    const user = await joinAs(fixture, 'user');
    expect(await resultOf(admin, 'wamp.session.count')).toBe(2);
    expect(await resultOf(admin, 'router.realm.list')).toEqual([
      { realm: 'realm1', sessions: 2, registrations: 0, subscriptions: 0 },
    ]);
    admin.send(subscribe(9, {}, 'wamp.session.on_join'));
    expect((await admin.next())[0]).toBe(MessageCode.SUBSCRIBED);
    expect(await errorOf(admin, 'wamp.session.kill', [user.sessionId])).toBe(ErrorUri.NOT_AUTHORIZED);
    expect(await errorOf(user, 'wamp.session.count')).toBe(ErrorUri.NOT_AUTHORIZED);
    // Its own permissions still hold.
    expect(await errorOf(admin, 'com.app.add')).toBe(ErrorUri.NO_SUCH_PROCEDURE);
  });
});
