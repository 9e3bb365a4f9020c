// Authentication with third-party clients: Autobahn|JS with ticket and WAMP-CRA (salted too), and @wamp/client
// with ticket, against our router's static users.
import { cryptosignAuth, generateCryptosignKeyPair, Session, ticketAuth, wampcraAuth } from '@wamp/client';
import { createRouter, type Router } from '@wamp/router';
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let router: Router;
let url: string;

beforeAll(async () => {
  router = createRouter({
    realms: ['secure'],
    auth: {
      secure: {
        ticket: { alice: { role: 'user', ticket: 'open sesame' } },
        wampcra: {
          bob: { role: 'admin', secret: 'bob-secret' },
          carol: { role: 'admin', secret: 'carol-password', salt: 'salt123', iterations: 100, keylen: 32 },
        },
      },
    },
  });
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  await router.close();
});

interface AutobahnAuth {
  authmethods: string[];
  authid: string;
  onchallenge: (session: unknown, method: string, extra: Record<string, unknown>) => string;
}

/** Opens an Autobahn session with authentication; resolves with WELCOME's details or rejects with the reason. */
function autobahnJoin(auth: AutobahnAuth): Promise<Record<string, unknown>> {
  const connection = new autobahn.Connection({
    realm: 'secure',
    transports: [{ type: 'websocket', url, serializers: [new autobahn.serializer.JSONSerializer()] }],
    max_retries: 0,
    retry_if_unreachable: false,
    ...auth,
  } as never);
  return new Promise((resolve, reject) => {
    connection.onopen = (_session, details) => {
      resolve(details as Record<string, unknown>);
      connection.close();
    };
    connection.onclose = (reason, details) => {
      reject(new Error(`${reason}: ${details.reason ?? ''}`));
      return false;
    };
    connection.open();
  });
}

const cra = (
  autobahn as unknown as {
    auth_cra: {
      sign(key: string, challenge: string): string;
      derive_key(secret: string, salt: string, iterations: number, keylen: number): string;
    };
  }
).auth_cra;

describe('authentication with autobahn', () => {
  it('joins with the right ticket and is refused with a wrong one', async () => {
    const details = await autobahnJoin({ authmethods: ['ticket'], authid: 'alice', onchallenge: () => 'open sesame' });
    expect(details).toMatchObject({ authid: 'alice', authrole: 'user', authmethod: 'ticket' });
    await expect(autobahnJoin({ authmethods: ['ticket'], authid: 'alice', onchallenge: () => 'nope' })).rejects.toThrow(
      'wamp.error.authentication_failed',
    );
  });

  it('joins with WAMP-CRA, plain and salted, and is refused with a wrong secret', async () => {
    const plain = await autobahnJoin({
      authmethods: ['wampcra'],
      authid: 'bob',
      onchallenge: (_s, _m, extra) => cra.sign('bob-secret', extra.challenge as string),
    });
    expect(plain).toMatchObject({ authid: 'bob', authrole: 'admin', authmethod: 'wampcra' });
    const salted = await autobahnJoin({
      authmethods: ['wampcra'],
      authid: 'carol',
      onchallenge: (_s, _m, extra) =>
        cra.sign(
          cra.derive_key('carol-password', extra.salt as string, extra.iterations as number, extra.keylen as number),
          extra.challenge as string,
        ),
    });
    expect(salted).toMatchObject({ authid: 'carol', authmethod: 'wampcra' });
    await expect(
      autobahnJoin({
        authmethods: ['wampcra'],
        authid: 'bob',
        onchallenge: (_s, _m, extra) => cra.sign('wrong', extra.challenge as string),
      }),
    ).rejects.toThrow('wamp.error.authentication_failed');
  });
});

describe('authentication with @wamp/client', () => {
  it('joins with ticketAuth and is refused with a wrong ticket', async () => {
    const session = await Session.connect({
      url,
      realm: 'secure',
      auth: ticketAuth('alice', 'open sesame'),
      reconnect: false,
    });
    expect(session.welcome).toMatchObject({ authid: 'alice', authrole: 'user' });
    await session.close();
    await expect(
      Session.connect({ url, realm: 'secure', auth: ticketAuth('alice', 'nope'), reconnect: false }),
    ).rejects.toMatchObject({
      uri: 'wamp.error.authentication_failed',
    });
  });
});

describe('cryptosign and wampcra with @wamp/client', () => {
  it('joins with a cryptosign key the realm knows and is refused with another', async () => {
    const known = await generateCryptosignKeyPair();
    const stranger = await generateCryptosignKeyPair();
    const keyed = createRouter({
      realms: ['keys'],
      auth: { keys: { cryptosign: { carol: { role: 'device', pubkey: known.publicKey } } } },
    });
    const { url: keyedUrl } = await keyed.listen({ host: '127.0.0.1', port: 0 });
    try {
      const session = await Session.connect({
        url: keyedUrl,
        realm: 'keys',
        auth: await cryptosignAuth(known.privateKey),
        reconnect: false,
      });
      expect(session.welcome).toMatchObject({ authid: 'carol', authrole: 'device', authmethod: 'cryptosign' });
      await session.close();
      await expect(
        Session.connect({
          url: keyedUrl,
          realm: 'keys',
          auth: await cryptosignAuth(stranger.privateKey),
          reconnect: false,
        }),
      ).rejects.toMatchObject({ uri: 'wamp.error.authentication_failed' });
    } finally {
      await keyed.close();
    }
  });

  it('signs the spec test vector exactly', async () => {
    // WAMP-Cryptosign test vector 1 from the spec: seed → signature over an all-ones challenge.
    const auth = await cryptosignAuth('4d57d97a68f555696620a6d849c0ce582568518d729eb753dc7c732de2804510');
    const answer = await auth.onChallenge!({ method: 'cryptosign', extra: { challenge: 'ff'.repeat(32) } });
    expect(answer).toBe(
      'b32675b221f08593213737bef8240e7c15228b07028e19595294678c90d11c0cae80a357331bfc5cc9fb71081464e6e75013517c2cf067ad566a6b7b728e5d03' +
        'ff'.repeat(32),
    );
  });

  it('joins with wampcraAuth, plain and salted', async () => {
    const plain = await Session.connect({
      url,
      realm: 'secure',
      auth: wampcraAuth('bob', 'bob-secret'),
      reconnect: false,
    });
    expect(plain.welcome).toMatchObject({ authid: 'bob', authmethod: 'wampcra' });
    await plain.close();
    const salted = await Session.connect({
      url,
      realm: 'secure',
      auth: wampcraAuth('carol', 'carol-password'),
      reconnect: false,
    });
    expect(salted.welcome).toMatchObject({ authid: 'carol', authmethod: 'wampcra' });
    await salted.close();
    await expect(
      Session.connect({ url, realm: 'secure', auth: wampcraAuth('bob', 'wrong'), reconnect: false }),
    ).rejects.toMatchObject({
      uri: 'wamp.error.authentication_failed',
    });
  });
});
