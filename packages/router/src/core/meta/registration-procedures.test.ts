// The registration meta procedures, on a router core over memory pairs.
import { ErrorUri, MessageCode, register } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { acknowledgedId, callMeta, startCore } from '../../../test/support/core-router.js';
import { grantEverything } from '../../../test/support/grants.js';

describe('registration procedures', () => {
  it('never show the meta API’s own registrations', async () => {
    using fixture = startCore();
    const admin = await fixture.joined();
    expect((await callMeta(admin, 'wamp.registration.list'))[3]).toEqual([{ exact: [], prefix: [], wildcard: [] }]);
    expect((await callMeta(admin, 'wamp.registration.match', ['wamp.session.count']))[3]).toEqual([null]);
    expect((await callMeta(admin, 'wamp.registration.lookup', ['wamp.session.count']))[3]).toEqual([null]);
  });

  it('look up by match policy and describe a registration', async () => {
    using fixture = startCore();
    const callee = await fixture.joined();
    const id = await acknowledgedId(
      callee,
      register(1, { match: 'prefix', invoke: 'roundrobin' }, 'com.app.'),
      MessageCode.REGISTERED,
    );
    const admin = await fixture.joined();
    expect((await callMeta(admin, 'wamp.registration.lookup', ['com.app.']))[3]).toEqual([null]);
    expect((await callMeta(admin, 'wamp.registration.lookup', ['com.app.', { match: 'prefix' }]))[3]).toEqual([id]);
    expect((await callMeta(admin, 'wamp.registration.get', [id]))[3]).toEqual([
      { id, created: expect.stringMatching(/Z$/), uri: 'com.app.', match: 'prefix', invoke: 'roundrobin' },
    ]);
  });

  it('remove one callee of a shared registration, then the rest, and the registration is gone', async () => {
    using fixture = startCore({ auth: grantEverything('realm1') });
    const first = await fixture.joined();
    const second = await fixture.joined();
    const id = await acknowledgedId(
      first,
      register(1, { invoke: 'roundrobin' }, 'com.app.shared'),
      MessageCode.REGISTERED,
    );
    expect(
      await acknowledgedId(second, register(1, { invoke: 'roundrobin' }, 'com.app.shared'), MessageCode.REGISTERED),
    ).toBe(id);
    const admin = await fixture.joined();
    expect((await callMeta(admin, 'wamp.registration.list_callees', [id]))[3]).toEqual([
      [first.sessionId, second.sessionId],
    ]);
    expect((await callMeta(admin, 'wamp.registration.remove', [id, first.sessionId]))[3]).toEqual([[first.sessionId]]);
    expect((await callMeta(admin, 'wamp.registration.count_callees', [id]))[3]).toEqual([1]);
    expect((await callMeta(admin, 'wamp.registration.remove', [id], { reason: 'com.app.retired' }))[3]).toEqual([
      [second.sessionId],
    ]);
    expect((await callMeta(admin, 'wamp.registration.get', [id]))[4]).toBe(ErrorUri.NO_SUCH_REGISTRATION);
  });
});
