// The session meta procedures, on a router core over memory pairs.
import { ErrorUri, MessageCode } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { callMeta, startCore } from '../../../test/support/core-router.js';
import { grantEverything } from '../../../test/support/grants.js';

describe('session procedures', () => {
  it('count and list the client sessions, by authrole when asked, the router’s own left out', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const caller = await fixture.joined();
    const other = await fixture.joined();
    expect((await callMeta(caller, 'wamp.session.count'))[3]).toEqual([2]);
    expect((await callMeta(caller, 'wamp.session.count', [['operator']]))[3]).toEqual([2]);
    expect((await callMeta(caller, 'wamp.session.count', [['admin']]))[3]).toEqual([0]);
    const [listed] = (await callMeta(caller, 'wamp.session.list'))[3] as [number[]];
    expect(listed.sort()).toEqual([caller.sessionId, other.sessionId].sort());
    expect((await callMeta(caller, 'wamp.session.list', [['admin']]))[3]).toEqual([[]]);
  });

  it('describe a session, its peer address shown to a role allowed every URI', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const caller = await fixture.joined();
    const other = await fixture.joined();
    expect((await callMeta(caller, 'wamp.session.get', [other.sessionId]))[3]).toEqual([
      {
        session: other.sessionId,
        authid: other.sessionId.toString(36),
        authrole: 'operator',
        authmethod: 'anonymous',
        authprovider: 'static',
        transport: { protocol: 'wamp.2.json', peer: 'memory' },
      },
    ]);
    expect((await callMeta(caller, 'wamp.session.get', [12345]))[4]).toBe(ErrorUri.NO_SUCH_SESSION);
  });

  it('kill another session with the given reason and message, never the caller', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const admin = await fixture.joined();
    const victim = await fixture.joined();
    expect((await callMeta(admin, 'wamp.session.kill', [admin.sessionId]))[4]).toBe(ErrorUri.NO_SUCH_SESSION);
    expect((await callMeta(admin, 'wamp.session.kill', [victim.sessionId], { reason: 'not a uri!' }))[4]).toBe(
      ErrorUri.INVALID_URI,
    );
    const killed = await callMeta(admin, 'wamp.session.kill', [victim.sessionId], {
      reason: 'com.example.banned',
      message: 'bye',
    });
    expect(killed).toEqual([MessageCode.RESULT, 3, {}]);
    expect(await victim.next()).toEqual([MessageCode.GOODBYE, { message: 'bye' }, 'com.example.banned']);
  });

  it('kill by authid, by authrole and all, sparing the caller, and answer who or how many', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const admin = await fixture.joined();
    const [first, second, third] = [await fixture.joined(), await fixture.joined(), await fixture.joined()];
    const byAuthid = await callMeta(admin, 'wamp.session.kill_by_authid', [first.sessionId.toString(36)]);
    expect(byAuthid[3]).toEqual([[first.sessionId]]);
    expect((await first.next())[2]).toBe('wamp.close.killed');
    // The caller has role operator too: it is spared.
    expect((await callMeta(admin, 'wamp.session.kill_by_authrole', ['operator']))[3]).toEqual([2]);
    for (const peer of [second, third]) expect((await peer.next())[2]).toBe('wamp.close.killed');
    expect((await callMeta(admin, 'wamp.session.kill_all'))[3]).toEqual([0]);
    expect((await callMeta(admin, 'wamp.session.count'))[3]).toEqual([1]);
  });
});
