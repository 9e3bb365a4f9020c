// Authentication through CHALLENGE/AUTHENTICATE: static anonymous, ticket and WAMP-CRA (plain and salted) users,
// and dynamic authenticators for ticket, WAMP-CRA and WAMP-Cryptosign.
import {
  createHash,
  createHmac,
  sign as cryptoSign,
  generateKeyPairSync,
  type KeyObject,
  pbkdf2Sync,
} from 'node:crypto';
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

  it('serves a realm named only by its auth section, and refuses a realm name that is no URI', async () => {
    await using fixture = await startRouter({
      realms: ['realm1'],
      auth: { guarded: { anonymous: { role: 'guest' } } },
    });
    const welcome = await fixture.local().join('guarded');
    expect((welcome[2] as { authrole: string }).authrole).toBe('guest');
    expect(fixture.router.realms).toEqual(['realm1', 'guarded']);
    await expect(startRouter({ realms: ['Bad Realm!'] })).rejects.toThrow('realms[0]');
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

/** A backend in realm `dyn` that registers `procedure` and answers each call with `answer(args)` (undefined: ERROR). */
async function authenticatorBackend(
  fixture: Awaited<ReturnType<typeof startRouter>>,
  procedure: string,
  answer: (args: unknown[]) => unknown,
): Promise<unknown[][]> {
  const backend = fixture.local();
  await backend.join('dyn');
  backend.send([MessageCode.REGISTER, 1, {}, procedure]);
  expect((await backend.next())[0]).toBe(MessageCode.REGISTERED);
  const asked: unknown[][] = [];
  backend.transport.onmessage = (raw) => {
    const message = raw as unknown[];
    if (message[0] !== MessageCode.INVOCATION) return;
    const args = message[4] as unknown[];
    asked.push(args);
    const result = answer(args);
    if (result === undefined) backend.send([MessageCode.ERROR, MessageCode.INVOCATION, message[1], {}, 'com.auth.no']);
    else backend.send([MessageCode.YIELD, message[1], {}, [result]]);
  };
  return asked;
}

describe('WAMP-CRA for unknown users', () => {
  it('challenges an unknown user like a known one: the common role, and a stable salt where the realm salts', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const challengeFor = async (authid: string) => {
      const peer = fixture.local();
      peer.send(hello('secure', { roles: { caller: {} }, authmethods: ['wampcra'], authid }));
      const challenge = await peer.next();
      peer.transport.close();
      const extra = challenge[2] as Record<string, unknown>;
      return { extra, content: JSON.parse(extra.challenge as string) as Record<string, unknown> };
    };
    const known = await challengeFor('carol');
    const first = await challengeFor('mallory');
    const again = await challengeFor('mallory');
    expect(Object.keys(first.extra).sort()).toEqual(Object.keys(known.extra).sort());
    expect(Object.keys(first.content).sort()).toEqual(Object.keys(known.content).sort());
    expect(first.content.authrole).toBe('admin');
    expect(typeof first.extra.salt).toBe('string');
    expect(again.extra.salt).toBe(first.extra.salt);
    expect((await challengeFor('trudy')).extra.salt).not.toBe(first.extra.salt);
  });
});

describe('dynamic WAMP-CRA and Cryptosign authentication', () => {
  it('asks the WAMP-CRA authenticator for the secret before the challenge, then checks the signature', async () => {
    await using fixture = await startRouter({
      realms: ['dyn'],
      auth: { dyn: { anonymous: { role: 'backend' }, wampcraAuthenticator: { procedure: 'com.auth.cra' } } },
    });
    const asked = await authenticatorBackend(fixture, 'com.auth.cra', ([, authid]) =>
      authid === 'dora'
        ? { role: 'member', secret: 'dora-pw', salt: 'pepper', iterations: 10, keylen: 32, authextra: { x: 1 } }
        : undefined,
    );
    const attempt = async (authid: string, password: string) => {
      const peer = fixture.local();
      peer.send(hello('dyn', { roles: { caller: {} }, authmethods: ['wampcra'], authid }));
      const challenge = await peer.next();
      expect(challenge.slice(0, 2)).toEqual([MessageCode.CHALLENGE, 'wampcra']);
      const extra = challenge[2] as { challenge: string; salt?: string; iterations?: number; keylen?: number };
      const key =
        extra.salt === undefined
          ? password
          : pbkdf2Sync(password, extra.salt, extra.iterations!, extra.keylen!, 'sha256').toString('base64');
      peer.send([MessageCode.AUTHENTICATE, sign(key, extra.challenge), {}]);
      return { extra, answer: await peer.next(3_000) };
    };
    const good = await attempt('dora', 'dora-pw');
    expect(good.extra).toMatchObject({ salt: 'pepper', iterations: 10, keylen: 32 });
    expect(JSON.parse(good.extra.challenge)).toMatchObject({
      authid: 'dora',
      authrole: 'member',
      authprovider: 'dynamic',
    });
    expect(good.answer[0]).toBe(MessageCode.WELCOME);
    expect(good.answer[2]).toMatchObject({
      authid: 'dora',
      authrole: 'member',
      authmethod: 'wampcra',
      authprovider: 'dynamic',
      authextra: { x: 1 },
    });
    expect((await attempt('dora', 'wrong')).answer[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect((await attempt('nobody', 'anything')).answer[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect(asked.map(([realm, authid]) => [realm, authid])).toEqual([
      ['dyn', 'dora'],
      ['dyn', 'dora'],
      ['dyn', 'nobody'],
    ]);
    expect(asked[0]![2]).toEqual({
      authmethod: 'wampcra',
      session: good.answer[1],
      authextra: {},
      transport: { peer: 'memory', protocol: 'wamp.2.json' },
    });
  });

  it('asks the Cryptosign authenticator who holds a key only once the signature holds', async () => {
    await using fixture = await startRouter({
      realms: ['dyn'],
      auth: { dyn: { anonymous: { role: 'backend' }, cryptosignAuthenticator: { procedure: 'com.auth.key' } } },
    });
    const device = generateKeyPairSync('ed25519');
    const stranger = generateKeyPairSync('ed25519');
    const hexOf = (key: KeyObject) => Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
    const devicePubkey = hexOf(device.publicKey);
    const asked = await authenticatorBackend(fixture, 'com.auth.key', ([, , details]) =>
      (details as { pubkey: string }).pubkey === devicePubkey ? { role: 'device', authid: 'sensor-1' } : undefined,
    );
    const attempt = async (pubkey: string, privateKey: KeyObject) => {
      const peer = fixture.local();
      peer.send(hello('dyn', { roles: { publisher: {} }, authmethods: ['cryptosign'], authextra: { pubkey } }));
      const challenge = await peer.next();
      expect(challenge.slice(0, 2)).toEqual([MessageCode.CHALLENGE, 'cryptosign']);
      const bytes = Buffer.from((challenge[2] as { challenge: string }).challenge, 'hex');
      peer.send([
        MessageCode.AUTHENTICATE,
        cryptoSign(null, bytes, privateKey).toString('hex') + bytes.toString('hex'),
        {},
      ]);
      return peer.next(3_000);
    };
    const welcome = await attempt(devicePubkey, device.privateKey);
    expect(welcome[2]).toMatchObject({
      authid: 'sensor-1',
      authrole: 'device',
      authmethod: 'cryptosign',
      authprovider: 'dynamic',
    });
    // Signed with another key: refused without asking the backend.
    expect((await attempt(devicePubkey, stranger.privateKey))[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect(asked).toHaveLength(1);
    // A valid signature by a key the backend does not know: asked, and refused.
    expect((await attempt(hexOf(stranger.publicKey), stranger.privateKey))[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect(asked).toHaveLength(2);
    expect(asked[0]).toEqual([
      'dyn',
      null,
      {
        authmethod: 'cryptosign',
        session: welcome[1],
        authextra: { pubkey: devicePubkey },
        transport: { peer: 'memory', protocol: 'wamp.2.json' },
        pubkey: devicePubkey,
      },
    ]);
  });

  it('refuses an authenticator that is not a procedure URI, naming the key', async () => {
    await expect(startRouter({ auth: { dyn: { wampcraAuthenticator: { procedure: 'not a uri' } } } })).rejects.toThrow(
      'auth.dyn.wampcraAuthenticator.procedure',
    );
    await expect(
      startRouter({ auth: { dyn: { cryptosignAuthenticator: { procedure: 'com.auth.key', timeout: 5 } as never } } }),
    ).rejects.toThrow('auth.dyn.cryptosignAuthenticator.timeout');
  });
});
