// The session meta API, served in every realm by the router's own internal session.
import { CloseUri, call, ErrorUri, MessageCode, subscribe } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { startRouter } from './support/fixture.js';

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
      transport: { peer: 'memory', protocol: 'wamp.2.json' },
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
    await using fixture = await startRouter();
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
    await using fixture = await startRouter();
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
    admin.send(call(2, {}, 'wamp.session.kill_by_authrole', ['anonymous']));
    expect((await admin.next())[3]).toEqual([1]);
    expect((await another.next())[0]).toBe(MessageCode.GOODBYE);
  });

  it('keeps wamp.* registrations and publications to the router', async () => {
    await using fixture = await startRouter();
    const peer = fixture.local();
    await peer.join();
    peer.send([MessageCode.REGISTER, 1, {}, 'wamp.session.count']);
    expect((await peer.next())[4]).toBe(ErrorUri.INVALID_URI);
  });
});
