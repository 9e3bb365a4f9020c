// Authentication with third-party clients against our router's static users: Autobahn|JS with ticket, WAMP-CRA
// (salted too) and WAMP-Cryptosign; wampy.js 8 with ticket, and with its wampy-cra and wampy-cryptosign plugins;
// and @wamp/client with ticket, WAMP-CRA and cryptosign.
import { generateKeyPairSync } from 'node:crypto';
import { cryptosignAuth, generateCryptosignKeyPair, Session, ticketAuth, wampcraAuth } from '@wamp/client';
import { createRouter, type Router } from '@wamp/router';
import autobahn from 'autobahn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wampy } from 'wampy';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { sign as craSign } from 'wampy-cra';
import { sign as cryptosignSign } from 'wampy-cryptosign';
import WebSocket from 'ws';

/** Autobahn's Ed25519 key pair: tweetnacl's, as `load_private_key` returns it. */
interface NaclKeyPair {
  publicKey: Uint8Array;
  secretKey: Uint8Array;
}

const autobahnCryptosign = (
  autobahn as unknown as {
    auth_cryptosign: {
      load_private_key(name: string, forceRegenerate?: boolean): NaclKeyPair;
      public_key(pair: NaclKeyPair): string;
      sign_challenge(pair: NaclKeyPair, extra: Record<string, unknown>): string;
    };
  }
).auth_cryptosign;

/** An Ed25519 key made by Node (not by any WAMP library): its 32-byte seed and public key, both hex. */
function ed25519Seed(): { seed: string; pubkey: string } {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return {
    seed: Buffer.from(jwk.d!, 'base64url').toString('hex'),
    pubkey: Buffer.from(jwk.x!, 'base64url').toString('hex'),
  };
}

let router: Router;
let url: string;
/** Autobahn's keys: `dave` is configured on the realm, the stranger is not. */
let daveKey: NaclKeyPair;
let strangerKey: NaclKeyPair;
/** wampy's keys: `erin` is configured on the realm, the stranger is not. */
const erinKey = ed25519Seed();
const wampyStrangerKey = ed25519Seed();

beforeAll(async () => {
  // Autobahn's `load_private_key` keeps the key's seed in the browser's `localStorage`, which Node 20 lacks: this
  // file (only) gets a minimal in-memory one, removed again in afterAll.
  const items = new Map<string, string>();
  Object.defineProperty(globalThis, 'localStorage', {
    configurable: true,
    value: {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: unknown) => void items.set(key, String(value)),
    },
  });
  daveKey = autobahnCryptosign.load_private_key('interop-dave');
  strangerKey = autobahnCryptosign.load_private_key('interop-stranger');
  // The router holds each refusal back longer with every failure in a row from one address (250 ms, doubling, up
  // to 8 s) and forgets them on a success; all tests share 127.0.0.1, so each starts with a successful join and
  // has at most three refusals in a row, keeping the waits well inside the test timeout.
  router = createRouter({
    realms: ['secure'],
    auth: {
      secure: {
        ticket: { alice: { role: 'user', ticket: 'open sesame' } },
        wampcra: {
          bob: { role: 'admin', secret: 'bob-secret' },
          carol: { role: 'admin', secret: 'carol-password', salt: 'salt123', iterations: 100, keylen: 32 },
        },
        cryptosign: {
          dave: { role: 'device', pubkey: autobahnCryptosign.public_key(daveKey) },
          erin: { role: 'sensor', pubkey: erinKey.pubkey },
        },
      },
    },
  });
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  Reflect.deleteProperty(globalThis, 'localStorage');
  await router.close();
});

interface AutobahnAuth {
  authmethods: string[];
  authid?: string;
  authextra?: Record<string, unknown>;
  onchallenge: (session: unknown, method: string, extra: Record<string, unknown>) => string;
}

/**
 * Opens an Autobahn session with authentication; resolves with WELCOME's details or rejects with an error whose
 * `uri` is the ABORT reason.
 */
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
      reject(Object.assign(new Error(`${reason}: ${details.reason ?? ''}`), { uri: details.reason }));
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

  it('joins with WAMP-Cryptosign using a key the realm knows, with or without authid', async () => {
    let challengeExtra: Record<string, unknown> = {};
    const details = await autobahnJoin({
      authmethods: ['cryptosign'],
      authid: 'dave',
      authextra: { pubkey: autobahnCryptosign.public_key(daveKey) },
      onchallenge: (_s, method, extra) => {
        challengeExtra = { method, ...extra };
        return autobahnCryptosign.sign_challenge(daveKey, extra);
      },
    });
    expect(details).toMatchObject({ authid: 'dave', authrole: 'device', authmethod: 'cryptosign' });
    // The spec's CHALLENGE.Extra for cryptosign: a 32-byte challenge in hex, and no channel binding in use.
    expect(challengeExtra).toEqual({
      method: 'cryptosign',
      challenge: expect.stringMatching(/^[0-9a-f]{64}$/),
      channel_binding: null,
    });
    // Autobahn's own cryptosign helper leaves authid out: the router finds the user by the announced key.
    const byKey = await autobahnJoin({
      authmethods: ['cryptosign'],
      authextra: { pubkey: autobahnCryptosign.public_key(daveKey) },
      onchallenge: (_s, _m, extra) => autobahnCryptosign.sign_challenge(daveKey, extra),
    });
    expect(byKey).toMatchObject({ authid: 'dave', authrole: 'device', authmethod: 'cryptosign' });
  });

  it('is refused with a WAMP-Cryptosign key the realm does not know, or a signature by another key', async () => {
    await expect(
      autobahnJoin({
        authmethods: ['cryptosign'],
        authid: 'dave',
        authextra: { pubkey: autobahnCryptosign.public_key(strangerKey) },
        onchallenge: (_s, _m, extra) => autobahnCryptosign.sign_challenge(strangerKey, extra),
      }),
    ).rejects.toMatchObject({ uri: 'wamp.error.authentication_failed' });
    // Announcing dave's public key does not help without dave's private key.
    await expect(
      autobahnJoin({
        authmethods: ['cryptosign'],
        authid: 'dave',
        authextra: { pubkey: autobahnCryptosign.public_key(daveKey) },
        onchallenge: (_s, _m, extra) => autobahnCryptosign.sign_challenge(strangerKey, extra),
      }),
    ).rejects.toMatchObject({ uri: 'wamp.error.authentication_failed' });
  });
});

type WampyOptions = NonNullable<ConstructorParameters<typeof Wampy>[1]>;

/**
 * Joins realm `secure` with wampy (over ws and JSON, as the other interop suites do) and leaves again; resolves
 * with WELCOME's details as `connect()` reports them and the session id, or rejects with wampy's AbortError
 * (`errorUri` is the ABORT reason).
 */
async function wampyJoin(
  options: WampyOptions,
): Promise<{ details: Record<string, unknown>; sessionId: number | null }> {
  const wampy = new Wampy(url, {
    realm: 'secure',
    // wampy types its `ws` option after the browser's WebSocket; ws's class is call-compatible.
    ws: WebSocket as never,
    serializer: new JsonSerializer(),
    autoReconnect: false,
    ...options,
  });
  const details = await wampy.connect();
  const sessionId = wampy.getSessionId();
  await wampy.disconnect();
  return { details, sessionId };
}

const refused = (uri: string) => ({ name: 'AbortedError', errorUri: uri });

describe('authentication with wampy', () => {
  it('joins with the right ticket from onChallenge and is refused with a wrong one', async () => {
    const seen: unknown[] = [];
    const { details, sessionId } = await wampyJoin({
      authid: 'alice',
      authmethods: ['ticket'],
      onChallenge: (method, extra) => {
        seen.push(method, extra);
        return 'open sesame';
      },
    });
    expect(seen).toEqual(['ticket', {}]);
    expect(details).toMatchObject({ authid: 'alice', authrole: 'user', authmethod: 'ticket' });
    expect(sessionId).toEqual(expect.any(Number));
    await expect(
      wampyJoin({ authid: 'alice', authmethods: ['ticket'], onChallenge: () => 'nope' }),
    ).rejects.toMatchObject(refused('wamp.error.authentication_failed'));
  });

  it('joins with wampy-cra, plain and salted, and is refused with a wrong secret', async () => {
    const cra = (authid: string, secret: string): WampyOptions => ({
      authid,
      authmethods: ['wampcra'],
      authMode: 'auto',
      authPlugins: { wampcra: craSign(secret) },
    });
    const plain = await wampyJoin(cra('bob', 'bob-secret'));
    expect(plain.details).toMatchObject({ authid: 'bob', authrole: 'admin', authmethod: 'wampcra' });
    expect(plain.sessionId).toEqual(expect.any(Number));
    // The salted user: wampy-cra derives the key from the CHALLENGE's salt, iterations and keylen.
    const salted = await wampyJoin(cra('carol', 'carol-password'));
    expect(salted.details).toMatchObject({ authid: 'carol', authrole: 'admin', authmethod: 'wampcra' });
    await expect(wampyJoin(cra('bob', 'wrong'))).rejects.toMatchObject(refused('wamp.error.authentication_failed'));
    await expect(wampyJoin(cra('carol', 'wrong'))).rejects.toMatchObject(refused('wamp.error.authentication_failed'));
  });

  it('joins with wampy-cryptosign using a key the realm knows and is refused with others', async () => {
    const cryptosign = (authid: string, pubkey: string, seed: string): WampyOptions => ({
      authid,
      authmethods: ['cryptosign'],
      authextra: { pubkey },
      authMode: 'auto',
      authPlugins: { cryptosign: cryptosignSign(seed) },
    });
    const { details, sessionId } = await wampyJoin(cryptosign('erin', erinKey.pubkey, erinKey.seed));
    expect(details).toMatchObject({ authid: 'erin', authrole: 'sensor', authmethod: 'cryptosign' });
    expect(sessionId).toEqual(expect.any(Number));
    // A key the realm does not know.
    await expect(wampyJoin(cryptosign('erin', wampyStrangerKey.pubkey, wampyStrangerKey.seed))).rejects.toMatchObject(
      refused('wamp.error.authentication_failed'),
    );
    // Erin's public key, signed with another private key.
    await expect(wampyJoin(cryptosign('erin', erinKey.pubkey, wampyStrangerKey.seed))).rejects.toMatchObject(
      refused('wamp.error.authentication_failed'),
    );
    // Erin's key pair under dave's authid: the key must belong to the authid asked for.
    await expect(wampyJoin(cryptosign('dave', erinKey.pubkey, erinKey.seed))).rejects.toMatchObject(
      refused('wamp.error.authentication_failed'),
    );
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
