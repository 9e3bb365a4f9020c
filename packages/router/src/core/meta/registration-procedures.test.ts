// The registration meta procedures, on a router core over memory pairs.
import { ErrorUri, MessageCode, register } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { callMeta, startCore } from '../../../test/support/core-router.js';
import { grantEverything } from '../../../test/support/grants.js';
import type { RawPeer } from '../../../test/support/raw-peer.js';

async function registered(peer: RawPeer, procedure: string, options: Record<string, unknown> = {}): Promise<number> {
  peer.send(register(1, options, procedure));
  const answer = await peer.next();
  expect(answer[0], JSON.stringify(answer)).toBe(MessageCode.REGISTERED);
  return answer[2] as number;
}

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
    const id = await registered(callee, 'com.app.', { match: 'prefix', invoke: 'roundrobin' });
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
    const id = await registered(first, 'com.app.shared', { invoke: 'roundrobin' });
    expect(await registered(second, 'com.app.shared', { invoke: 'roundrobin' })).toBe(id);
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
