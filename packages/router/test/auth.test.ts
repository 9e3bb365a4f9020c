// Static authentication: anonymous, ticket and WAMP-CRA (plain and salted), through CHALLENGE/AUTHENTICATE.
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { ErrorUri, hello, MessageCode } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import type { RouterOptions } from '../src/index.js';
import { startRouter } from './support/fixture.js';

const AUTH: RouterOptions['auth'] = {
  secure: {
    ticket: {
      alice: { role: 'user', ticket: 'open sesame' },
      hashed: { role: 'user', ticket: `sha256:${createHash('sha256').update('hashed secret').digest('hex')}` },
    },
    wampcra: {
      bob: { role: 'admin', secret: 'bob-secret' },
      carol: { role: 'admin', secret: 'carol-password', salt: 'salt123', iterations: 100, keylen: 32 },
    },
  },
  guests: { anonymous: { role: 'guest' } },
};

function sign(key: string, challenge: string): string {
  return createHmac('sha256', key).update(challenge).digest('base64');
}

describe('authentication', () => {
  it.each([
    ['alice', 'open sesame', true],
    ['alice', 'wrong', false],
    ['hashed', 'hashed secret', true],
    ['nobody', 'open sesame', false],
  ])('ticket %s with %j → %s', async (authid, ticket, ok) => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    peer.send(hello('secure', { roles: { caller: {} }, authmethods: ['ticket'], authid }));
    expect(await peer.next()).toEqual([MessageCode.CHALLENGE, 'ticket', {}]);
    peer.send([MessageCode.AUTHENTICATE, ticket, {}]);
    const answer = await peer.next();
    if (ok) {
      expect(answer[0]).toBe(MessageCode.WELCOME);
      expect(answer[2]).toMatchObject({ authid, authrole: 'user', authmethod: 'ticket', authprovider: 'static' });
    } else {
      expect(answer[0]).toBe(MessageCode.ABORT);
      expect(answer[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
      expect(answer[1]).toEqual({ message: 'authentication failed' });
    }
  });

  it.each([
    ['bob', (extra: { challenge: string }) => sign('bob-secret', extra.challenge), true],
    ['bob', (extra: { challenge: string }) => sign('not-it', extra.challenge), false],
    [
      'carol',
      (extra: { challenge: string; salt: string; iterations: number; keylen: number }) =>
        sign(
          pbkdf2Sync('carol-password', extra.salt, extra.iterations, extra.keylen, 'sha256').toString('base64'),
          extra.challenge,
        ),
      true,
    ],
    ['mallory', (extra: { challenge: string }) => sign('guess', extra.challenge), false],
  ])('wampcra %s → %s', async (authid, signer, ok) => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    peer.send(hello('secure', { roles: { caller: {} }, authmethods: ['wampcra'], authid }));
    const challenge = await peer.next();
    expect(challenge.slice(0, 2)).toEqual([MessageCode.CHALLENGE, 'wampcra']);
    const extra = challenge[2] as { challenge: string; salt: string; iterations: number; keylen: number };
    const content = JSON.parse(extra.challenge) as Record<string, unknown>;
    expect(content).toMatchObject({ authid, authmethod: 'wampcra', authprovider: 'static' });
    expect(typeof content.nonce).toBe('string');
    peer.send([MessageCode.AUTHENTICATE, (signer as (e: typeof extra) => string)(extra), {}]);
    const answer = await peer.next();
    expect(answer[0]).toBe(ok ? MessageCode.WELCOME : MessageCode.ABORT);
    if (ok) expect(answer[1]).toBe(content.session);
    if (ok) expect(answer[2]).toMatchObject({ authid, authrole: 'admin', authmethod: 'wampcra' });
  });

  it('refuses anonymous on a realm that does not allow it, and admits it with the configured role where it does', async () => {
    await using fixture = await startRouter({ realms: ['secure', 'guests'], auth: AUTH });
    const stranger = fixture.local();
    stranger.send(hello('secure', { roles: { caller: {} } }));
    const refused = await stranger.next();
    expect(refused.slice(0, 1)).toEqual([MessageCode.ABORT]);
    expect(refused[2]).toBe('wamp.error.no_matching_auth_method');
    const guest = fixture.local();
    const welcome = await guest.join('guests');
    expect(welcome[2]).toMatchObject({ authrole: 'guest', authmethod: 'anonymous' });
  });

  it('aborts a message other than AUTHENTICATE during authentication', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    peer.send(hello('secure', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'alice' }));
    await peer.next();
    peer.send([MessageCode.CALL, 1, {}, 'com.sneaky']);
    const abort = await peer.next();
    expect(abort[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
  });

  it('refuses an auth section with a user lacking its secret, naming the key', async () => {
    await expect(startRouter({ auth: { secure: { ticket: { eve: { role: 'user' } as never } } } })).rejects.toThrow(
      'auth.secure.ticket.eve.ticket',
    );
  });
});

describe('dynamic ticket authentication', () => {
  it('asks a procedure registered in the realm, and refuses on its error or its silence', async () => {
    await using fixture = await startRouter({
      realms: ['dyn'],
      auth: {
        dyn: { anonymous: { role: 'backend' }, ticketAuthenticator: { procedure: 'com.auth.check', timeoutMs: 200 } },
      },
    });
    const backend = fixture.local();
    await backend.join('dyn');
    backend.send([MessageCode.REGISTER, 1, {}, 'com.auth.check']);
    await backend.next();
    const asked: unknown[] = [];
    backend.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] !== MessageCode.INVOCATION) return;
      const [realm, authid, details] = message[4] as [string, string, { ticket: string }];
      asked.push([realm, authid, details.ticket]);
      if (details.ticket === 'good')
        backend.send([MessageCode.YIELD, message[1], {}, [{ role: 'member', authextra: { tier: 'gold' } }]]);
      else if (details.ticket === 'bad')
        backend.send([MessageCode.ERROR, MessageCode.INVOCATION, message[1], {}, 'com.auth.denied']);
      // any other ticket: no answer at all, so the router's timeout decides
    };
    const attempt = async (ticket: string) => {
      const peer = fixture.local();
      peer.send(hello('dyn', { roles: { caller: {} }, authmethods: ['ticket'], authid: 'dora' }));
      expect((await peer.next())[0]).toBe(MessageCode.CHALLENGE);
      peer.send([MessageCode.AUTHENTICATE, ticket, {}]);
      return peer.next(3_000);
    };
    const welcome = await attempt('good');
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    expect(welcome[2]).toMatchObject({
      authid: 'dora',
      authrole: 'member',
      authmethod: 'ticket',
      authprovider: 'dynamic',
      authextra: { tier: 'gold' },
    });
    expect((await attempt('bad'))[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect((await attempt('silent'))[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect(asked).toEqual([
      ['dyn', 'dora', 'good'],
      ['dyn', 'dora', 'bad'],
      ['dyn', 'dora', 'silent'],
    ]);
  });
});
