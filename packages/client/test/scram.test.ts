// scramAuth: RFC 7677's test vector on WebCrypto, then the exchange against a scripted router that computes its
// side with node:crypto: the HELLO, the AUTHENTICATE, and the checks of the CHALLENGE and of the server signature.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  type AbortMessage,
  type AuthenticateMessage,
  challenge,
  ErrorUri,
  type GoodbyeMessage,
  type HelloMessage,
  MessageCode,
  welcome,
} from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { scramProof } from '../src/auth-helpers.js';
import { type AuthOptions, isWampError, Session, scramAuth } from '../src/index.js';
import { type FakeRouter, fakeRouter } from './fake-router.js';

const SALT = randomBytes(16).toString('base64');
const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The router's side of the exchange, from the spec's pseudocode with node:crypto. */
function routerSide(
  authid: string,
  password: string,
  clientNonce: string,
  nonce: string,
  salt = SALT,
  iterations = 4096,
) {
  const salted = pbkdf2Sync(password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const authMessage = `n=${authid},r=${clientNonce},r=${nonce},s=${salt},i=${iterations},c=biws,r=${nonce}`;
  const clientSignature = hmac(createHash('sha256').update(clientKey).digest(), authMessage);
  return {
    proof: Buffer.from(clientKey.map((byte, i) => byte ^ clientSignature[i]!)).toString('base64'),
    serverSignature: hmac(hmac(salted, 'Server Key'), authMessage).toString('base64'),
  };
}

function connect(fake: FakeRouter, auth: AuthOptions) {
  return Session.connect({ realm: 'realm1', transport: () => fake.transport(), reconnect: false, auth });
}

/** HELLO → CHALLENGE (pbkdf2, the client's nonce + 16 bytes) → AUTHENTICATE; returns what the router needs next. */
async function exchange(fake: FakeRouter, authid: string, password: string) {
  const hello = await fake.expect<HelloMessage>(MessageCode.HELLO);
  const clientNonce = hello[2].authextra?.nonce as string;
  const nonce = clientNonce + randomBytes(16).toString('base64');
  fake.send(challenge('wamp-scram', { nonce, salt: SALT, kdf: 'pbkdf2', iterations: 4096, memory: null }));
  const authenticate = await fake.expect<AuthenticateMessage>(MessageCode.AUTHENTICATE);
  return { hello, authenticate, nonce, expected: routerSide(authid, password, clientNonce, nonce) };
}

async function refusal(connecting: Promise<unknown>): Promise<Error> {
  const error = await connecting.then(
    () => new Error('the join succeeded'),
    (reason: unknown) => reason as Error,
  );
  expect(isWampError(error) && error.uri).toBe(ErrorUri.AUTHENTICATION_FAILED);
  return error;
}

describe('scramAuth', () => {
  it("computes RFC 7677's ClientProof and ServerSignature (the spec's examples) on WebCrypto", async () => {
    const input = {
      authid: 'user',
      password: 'pencil',
      clientNonce: 'rOprNGfwEbeRWgbNEkqO',
      serverNonce: 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
      salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
      iterations: 4096,
    };
    expect(await scramProof(input)).toEqual({
      clientProof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
      serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
    });
    expect((await scramProof({ ...input, password: 'pencils' })).clientProof).not.toBe(
      'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
  });

  it('normalizes the password with SASLprep and refuses one it prohibits', async () => {
    const input = { authid: 'u', clientNonce: 'bm9uY2U=', serverNonce: 'bm9uY2U=eA==', salt: SALT, iterations: 4096 };
    const soft = await scramProof({ ...input, password: 'I\u00ADX' });
    expect(soft).toEqual(await scramProof({ ...input, password: 'IX' }));
    expect(soft).toEqual(await scramProof({ ...input, password: '\u2168' }));
    expect(() => scramAuth('user', 'bell\u0007')).toThrow(
      'scramAuth: the password: SASLprep: prohibited character U+0007',
    );
    expect(() => scramAuth('\u0627a', 'pw')).toThrow('right-to-left');
  });

  it('sends a fresh nonce, answers with the ClientProof and checks the server signature in WELCOME', async () => {
    await using fake = fakeRouter();
    const connecting = connect(fake, scramAuth('dana', 'dana-password'));
    const { hello, authenticate, nonce, expected } = await exchange(fake, 'dana', 'dana-password');
    expect(hello[2]).toMatchObject({ authmethods: ['wamp-scram'], authid: 'dana' });
    expect(Object.keys(hello[2].authextra ?? {}).sort()).toEqual(['channel_binding', 'nonce']);
    expect(hello[2].authextra?.channel_binding).toBeNull();
    expect(Buffer.from(hello[2].authextra?.nonce as string, 'base64')).toHaveLength(16);
    expect(authenticate).toEqual([
      MessageCode.AUTHENTICATE,
      expected.proof,
      { nonce, channel_binding: null, cbind_data: null },
    ]);
    fake.send(
      welcome(5, {
        roles: { broker: {} },
        authid: 'dana',
        authrole: 'user',
        authmethod: 'wamp-scram',
        authextra: { scram_server_signature: expected.serverSignature },
      }),
    );
    const session = await connecting;
    expect(session.welcome.authmethod).toBe('wamp-scram');
    await session.close();
  });

  it("accepts the server signature under the spec text's name, authextra.verifier", async () => {
    await using fake = fakeRouter();
    const connecting = connect(fake, scramAuth('dana', 'dana-password'));
    const { expected } = await exchange(fake, 'dana', 'dana-password');
    fake.send(welcome(5, { roles: { broker: {} }, authextra: { verifier: expected.serverSignature } }));
    const session = await connecting;
    expect(session.id).toBe(5);
    await session.close();
  });

  it.each([
    [
      'a wrong server signature',
      (right: string) => ({ scram_server_signature: right.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }),
      'server signature in WELCOME is wrong',
    ],
    ['no server signature', () => ({}), 'WELCOME carries no server signature'],
    ['a right and a wrong one', (right: string) => ({ scram_server_signature: right, verifier: 'AAAA' }), 'is wrong'],
  ])('refuses a WELCOME with %s: GOODBYE, and the join fails', async (_, authextra, problem) => {
    await using fake = fakeRouter();
    const connecting = connect(fake, scramAuth('dana', 'dana-password'));
    const { expected } = await exchange(fake, 'dana', 'dana-password');
    fake.send(
      welcome(5, { roles: { broker: {} }, authmethod: 'wamp-scram', authextra: authextra(expected.serverSignature) }),
    );
    const error = await refusal(connecting);
    expect(error.message).toContain(problem);
    const goodbye = await fake.expect<GoodbyeMessage>(MessageCode.GOODBYE);
    expect(goodbye[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
  });

  it('refuses a WELCOME that comes without any CHALLENGE', async () => {
    await using fake = fakeRouter();
    const connecting = connect(fake, scramAuth('dana', 'dana-password'));
    await fake.welcome();
    expect((await refusal(connecting)).message).toContain('no server signature');
  });

  it.each([
    [
      'argon2id13',
      { kdf: 'argon2id13', memory: 65536 },
      'Argon2id KDF (argon2id13), which this client does not support',
    ],
    ['an unknown KDF', { kdf: 'scrypt' }, 'supports only pbkdf2'],
    ['too few iterations', { iterations: 1000 }, '1000 PBKDF2 iterations, fewer than 4096'],
    ['a salt that is not base64', { salt: 'not base64!' }, 'salt is not base64'],
    [
      'a nonce not beginning with the client nonce',
      { nonce: 'AAAAAAAAAAAAAAAAAAAAAA==xyz' },
      'does not begin with the client nonce',
    ],
  ])('aborts a CHALLENGE with %s', async (_, change, problem) => {
    await using fake = fakeRouter();
    const connecting = connect(fake, scramAuth('dana', 'dana-password'));
    const hello = await fake.expect<HelloMessage>(MessageCode.HELLO);
    const nonce = `${hello[2].authextra?.nonce as string}c2VydmVy`;
    fake.send(challenge('wamp-scram', { nonce, salt: SALT, kdf: 'pbkdf2', iterations: 4096, memory: null, ...change }));
    const abort = await fake.expect<AbortMessage>(MessageCode.ABORT);
    expect(abort[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    expect(abort[1].message).toContain(problem);
    expect((await refusal(connecting)).message).toContain(problem);
  });

  it('honours minIterations', async () => {
    await using fake = fakeRouter();
    const connecting = connect(fake, scramAuth('dana', 'dana-password', { minIterations: 10_000 }));
    const hello = await fake.expect<HelloMessage>(MessageCode.HELLO);
    const nonce = `${hello[2].authextra?.nonce as string}c2VydmVy`;
    fake.send(challenge('wamp-scram', { nonce, salt: SALT, kdf: 'pbkdf2', iterations: 4096, memory: null }));
    expect((await refusal(connecting)).message).toContain('4096 PBKDF2 iterations, fewer than 10000');
  });

  it('uses a new client nonce for every HELLO of the same auth options', async () => {
    await using fake = fakeRouter();
    const auth = scramAuth('dana', 'dana-password');
    const nonces: string[] = [];
    for (let join = 0; join < 2; join++) {
      const connecting = connect(fake, auth);
      const { hello, expected } = await exchange(fake, 'dana', 'dana-password');
      nonces.push(hello[2].authextra?.nonce as string);
      fake.send(
        welcome(join + 1, { roles: { broker: {} }, authextra: { scram_server_signature: expected.serverSignature } }),
      );
      await (await connecting).close();
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });
});
