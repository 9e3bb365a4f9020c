// WAMP-SCRAM (PBKDF2): RFC 7677's test vector (the spec's own examples are its ClientProof and ServerSignature),
// SASLprep, and the exchange on the wire with a client written here on node:crypto, for users kept by password and
// in the stored form, unknown users, wrong passwords and nonces, channel binding, and config validation.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { ErrorUri, hello, type Message, MessageCode } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { scramAuthMessage, scramProofHolds, scramServerSignature } from '../src/auth/scram.js';
import { type RouterOptions, scramCredentials } from '../src/index.js';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

// RFC 7677, section 3.
const RFC = {
  user: 'user',
  password: 'pencil',
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverNonce: 'rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
  salt: 'W22ZaJ0SNY7soEsUEjb6gQ==',
  iterations: 4096,
  clientProof: 'dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverSignature: '6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

const DANA_SALT = randomBytes(16).toString('base64');
const DANA = { role: 'user', ...scramCredentials('dana-password', { salt: DANA_SALT, iterations: 5000 }) };
const AUTH: RouterOptions['auth'] = {
  secure: {
    scram: {
      alice: { role: 'user', password: 'alice-password', salt: 'c2FsdHNhbHRzYWx0c2FsdA==', iterations: 4096 },
      carol: { role: 'admin', password: 'carol-password', iterations: 4096 },
      dana: DANA,
      'I\u00ADX': { role: 'roman', password: 'I\u00ADX', iterations: 4096 },
    },
  },
};

interface ScramChallengeExtra {
  nonce: string;
  salt: string;
  kdf: string;
  iterations: number;
  memory: null;
}

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** The client side of the exchange, written from the spec's pseudocode with node:crypto only. */
function clientFinal(authid: string, password: string, clientNonce: string, extra: ScramChallengeExtra) {
  const salted = pbkdf2Sync(password, Buffer.from(extra.salt, 'base64'), extra.iterations, 32, 'sha256');
  const clientKey = hmac(salted, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const authMessage =
    `n=${authid},r=${clientNonce},r=${extra.nonce},s=${extra.salt},i=${extra.iterations},` +
    `c=${Buffer.from('n,,').toString('base64')},r=${extra.nonce}`;
  const clientSignature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((byte, i) => byte ^ clientSignature[i]!));
  return {
    proof: proof.toString('base64'),
    serverSignature: hmac(hmac(salted, 'Server Key'), authMessage).toString('base64'),
  };
}

const newNonce = () => randomBytes(16).toString('base64');

/** HELLO offering wamp-scram; resolves with the CHALLENGE's extra, or fails with whatever came instead. */
async function helloScram(peer: RawPeer, authid: string, authextra: Record<string, unknown>): Promise<Message> {
  peer.send(hello('secure', { roles: { caller: {} }, authmethods: ['wamp-scram'], authid, authextra }));
  return peer.next();
}

async function challenged(peer: RawPeer, authid: string, clientNonce: string): Promise<ScramChallengeExtra> {
  const challenge = await helloScram(peer, authid, { nonce: clientNonce, channel_binding: null });
  expect(challenge.slice(0, 2)).toEqual([MessageCode.CHALLENGE, 'wamp-scram']);
  return challenge[2] as unknown as ScramChallengeExtra;
}

function expectFailed(answer: Message): void {
  expect(answer[0]).toBe(MessageCode.ABORT);
  expect(answer[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
  expect(answer[1]).toEqual({ message: 'authentication failed' });
}

describe('WAMP-SCRAM computations', () => {
  it("match RFC 7677's SCRAM-SHA-256 test vector", () => {
    const stored = scramCredentials(RFC.password, { salt: RFC.salt, iterations: RFC.iterations });
    const authMessage = scramAuthMessage({
      authid: RFC.user,
      clientNonce: RFC.clientNonce,
      serverNonce: RFC.serverNonce,
      salt: RFC.salt,
      iterations: RFC.iterations,
      finalNonce: RFC.serverNonce,
    });
    expect(authMessage).toBe(
      `n=user,r=${RFC.clientNonce},r=${RFC.serverNonce},s=${RFC.salt},i=4096,c=biws,r=${RFC.serverNonce}`,
    );
    const storedKey = Buffer.from(stored.storedKey, 'base64');
    const proof = Buffer.from(RFC.clientProof, 'base64');
    expect(scramProofHolds(storedKey, authMessage, proof)).toBe(true);
    proof[7] = proof[7]! ^ 1;
    expect(scramProofHolds(storedKey, authMessage, proof)).toBe(false);
    expect(scramProofHolds(storedKey, authMessage, Buffer.alloc(0))).toBe(false);
    expect(scramServerSignature(Buffer.from(stored.serverKey, 'base64'), authMessage)).toBe(RFC.serverSignature);
    expect(stored).toMatchObject({ kdf: 'pbkdf2', salt: RFC.salt, iterations: 4096 });
  });

  it('escape "," and "=" in the authid, as RFC 5802 does', () => {
    const message = scramAuthMessage({
      authid: 'a=b,c',
      clientNonce: 'bm9uY2U=',
      serverNonce: 'bm9uY2U=c2VydmVy',
      salt: 'c2FsdA==',
      iterations: 4096,
      finalNonce: 'bm9uY2U=c2VydmVy',
    });
    expect(message.startsWith('n=a=3Db=2Cc,r=bm9uY2U=,')).toBe(true);
  });

  it('scramCredentials makes a fresh 16-byte salt when given none, and refuses weak parameters', () => {
    const first = scramCredentials('pw', { iterations: 4096 });
    const second = scramCredentials('pw', { iterations: 4096 });
    expect(Buffer.from(first.salt, 'base64')).toHaveLength(16);
    expect(first.salt).not.toBe(second.salt);
    expect(first.storedKey).not.toBe(second.storedKey);
    expect(Buffer.from(first.storedKey, 'base64')).toHaveLength(32);
    expect(Buffer.from(first.serverKey, 'base64')).toHaveLength(32);
    expect(scramCredentials('pw').iterations).toBe(100_000);
    expect(() => scramCredentials('pw', { iterations: 4095 })).toThrow('at least 4096');
    expect(() => scramCredentials('pw', { salt: 'c2FsdA==' })).toThrow('at least 8 bytes');
  });
});

describe('WAMP-SCRAM on the wire', () => {
  it('welcomes the right password, with the ServerSignature in authextra, for a user kept by password', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    const extra = await challenged(peer, 'alice', RFC.clientNonce);
    expect(extra).toEqual({
      nonce: expect.any(String),
      salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
      kdf: 'pbkdf2',
      iterations: 4096,
      memory: null,
    });
    expect(extra.nonce.startsWith(RFC.clientNonce)).toBe(true);
    expect(Buffer.from(extra.nonce.slice(RFC.clientNonce.length), 'base64')).toHaveLength(16);
    const { proof, serverSignature } = clientFinal('alice', 'alice-password', RFC.clientNonce, extra);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: extra.nonce, channel_binding: null, cbind_data: null }]);
    const welcome = await peer.next();
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    expect(welcome[2]).toMatchObject({
      authid: 'alice',
      authrole: 'user',
      authmethod: 'wamp-scram',
      authprovider: 'static',
      authextra: { scram_server_signature: serverSignature, verifier: serverSignature },
    });
  });

  it('makes a random salt, stable for the process, for a password user without one', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const first = await challenged(fixture.local(), 'carol', newNonce());
    const again = await challenged(fixture.local(), 'carol', newNonce());
    expect(Buffer.from(first.salt, 'base64')).toHaveLength(16);
    expect(again.salt).toBe(first.salt);
    expect(again.nonce).not.toBe(first.nonce);
    const peer = fixture.local();
    const clientNonce = newNonce();
    const extra = await challenged(peer, 'carol', clientNonce);
    const { proof, serverSignature } = clientFinal('carol', 'carol-password', clientNonce, extra);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: extra.nonce, channel_binding: null, cbind_data: null }]);
    const welcome = await peer.next();
    expect(welcome[2]).toMatchObject({ authid: 'carol', authrole: 'admin', authmethod: 'wamp-scram' });
    expect((welcome[2] as { authextra: { scram_server_signature: string } }).authextra.scram_server_signature).toBe(
      serverSignature,
    );
  });

  it('works the same for a user in the stored form (storedKey and serverKey, no password)', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    const clientNonce = newNonce();
    const extra = await challenged(peer, 'dana', clientNonce);
    expect(extra).toMatchObject({ salt: DANA_SALT, kdf: 'pbkdf2', iterations: 5000, memory: null });
    const { proof, serverSignature } = clientFinal('dana', 'dana-password', clientNonce, extra);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: extra.nonce, channel_binding: null, cbind_data: null }]);
    const welcome = await peer.next();
    expect(welcome[0]).toBe(MessageCode.WELCOME);
    expect(welcome[2]).toMatchObject({
      authid: 'dana',
      authmethod: 'wamp-scram',
      authextra: { scram_server_signature: serverSignature },
    });
  });

  it('normalizes the authid and the password with SASLprep', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    const clientNonce = newNonce();
    const extra = await challenged(peer, 'IX', clientNonce);
    const { proof } = clientFinal('IX', 'IX', clientNonce, extra);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: extra.nonce, channel_binding: null, cbind_data: null }]);
    const welcome = await peer.next();
    expect(welcome[2]).toMatchObject({ authid: 'I\u00ADX', authrole: 'roman', authmethod: 'wamp-scram' });
  });

  it('refuses a wrong password with ABORT wamp.error.authentication_failed', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    const clientNonce = newNonce();
    const extra = await challenged(peer, 'alice', clientNonce);
    const { proof } = clientFinal('alice', 'not-alice-password', clientNonce, extra);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: extra.nonce, channel_binding: null, cbind_data: null }]);
    expectFailed(await peer.next());
  });

  it('challenges an unknown user like a known one (stable salt, same shape) and refuses it the same way', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const known = await challenged(fixture.local(), 'alice', newNonce());
    const peer = fixture.local();
    const clientNonce = newNonce();
    const unknown = await challenged(peer, 'mallory', clientNonce);
    expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort());
    // Three of the four users have 4096 iterations: the made-up challenge names the count most users have.
    expect(unknown).toMatchObject({ kdf: 'pbkdf2', iterations: 4096, memory: null });
    expect(unknown.nonce.startsWith(clientNonce)).toBe(true);
    expect(unknown.nonce.length).toBe(known.nonce.length);
    expect(Buffer.from(unknown.salt, 'base64')).toHaveLength(16);
    expect(unknown.salt).toBe(Buffer.from(unknown.salt, 'base64').toString('base64'));
    const again = await challenged(fixture.local(), 'mallory', newNonce());
    const other = await challenged(fixture.local(), 'trudy', newNonce());
    expect(again.salt).toBe(unknown.salt);
    expect(other.salt).not.toBe(unknown.salt);
    const { proof } = clientFinal('mallory', 'guess', clientNonce, unknown);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: unknown.nonce, channel_binding: null, cbind_data: null }]);
    expectFailed(await peer.next());
  });

  it('keeps the made-up salt of an unknown user across a restart with the same users', async () => {
    const options: RouterOptions = { realms: ['secure'], auth: { secure: { scram: { dana: DANA } } } };
    let before: string;
    {
      await using fixture = await startRouter(options);
      before = (await challenged(fixture.local(), 'mallory', newNonce())).salt;
    }
    await using fixture = await startRouter(options);
    expect((await challenged(fixture.local(), 'mallory', newNonce())).salt).toBe(before);
  });

  it('refuses an AUTHENTICATE whose nonce does not begin with the client nonce, even with a right proof', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    const clientNonce = newNonce();
    const extra = await challenged(peer, 'alice', clientNonce);
    const { proof } = clientFinal('alice', 'alice-password', clientNonce, extra);
    const forged = newNonce() + extra.nonce.slice(clientNonce.length);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: forged, channel_binding: null, cbind_data: null }]);
    expectFailed(await peer.next());
    // The same proof with the right nonce passes (on a new exchange), so the nonce alone made the difference.
    const honest = fixture.local();
    const again = await challenged(honest, 'alice', clientNonce);
    const answer = clientFinal('alice', 'alice-password', clientNonce, again);
    honest.send([
      MessageCode.AUTHENTICATE,
      answer.proof,
      { nonce: again.nonce, channel_binding: null, cbind_data: null },
    ]);
    expect((await honest.next())[0]).toBe(MessageCode.WELCOME);
  });

  it.each([
    ['channel_binding', { channel_binding: 'tls-unique', cbind_data: null }],
    ['cbind_data', { channel_binding: null, cbind_data: 'AAAA' }],
  ])('refuses an AUTHENTICATE with %s although the HELLO asked for no binding', async (_, binding) => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const peer = fixture.local();
    const clientNonce = newNonce();
    const extra = await challenged(peer, 'alice', clientNonce);
    const { proof } = clientFinal('alice', 'alice-password', clientNonce, extra);
    peer.send([MessageCode.AUTHENTICATE, proof, { nonce: extra.nonce, ...binding }]);
    expectFailed(await peer.next());
  });

  it('refuses a HELLO asking for channel binding, as the spec requires of a router without it', async () => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const answer = await helloScram(fixture.local(), 'alice', { nonce: newNonce(), channel_binding: 'tls-unique' });
    expect(answer[0]).toBe(MessageCode.ABORT);
    expect(answer[2]).toBe('wamp.error.no_matching_auth_method');
    expect((answer[1] as { message: string }).message).toContain('channel binding "tls-unique" is not supported');
  });

  it.each([
    ['no nonce', {}],
    ['a nonce that is not base64', { nonce: 'not base64!' }],
    ['a nonce that is not a string', { nonce: 42 }],
  ])('refuses a HELLO with %s as a protocol violation', async (_, authextra) => {
    await using fixture = await startRouter({ realms: ['secure'], auth: AUTH });
    const answer = await helloScram(fixture.local(), 'alice', authextra);
    expect(answer[0]).toBe(MessageCode.ABORT);
    expect(answer[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
  });
});

describe('WAMP-SCRAM configuration', () => {
  const STORED = scramCredentials('pw', { iterations: 4096 });

  it.each([
    [
      { role: 'user', password: 'pw', kdf: 'argon2id13', memory: 65536 },
      'auth.secure.scram.bob.kdf',
      'Argon2id is not available',
    ],
    [{ role: 'user', ...STORED, kdf: 'argon2id' }, 'auth.secure.scram.bob.kdf', 'Argon2id is not available'],
    [{ role: 'user', password: 'pw', iterations: 1000 }, 'auth.secure.scram.bob.iterations', 'at least 4096'],
    [{ role: 'user', password: 'pw', salt: 'c2FsdA==' }, 'auth.secure.scram.bob.salt', 'at least 8 random bytes'],
    [{ role: 'user', password: '' }, 'auth.secure.scram.bob.password', 'non-empty string'],
    [{ role: 'user', password: 'bell\u0007' }, 'auth.secure.scram.bob.password', 'SASLprep'],
    [{ role: 'user', ...STORED, storedKey: 'c2hvcnQ=' }, 'auth.secure.scram.bob.storedKey', '32 bytes'],
    [{ role: 'user', ...STORED, password: 'pw' }, 'auth.secure.scram.bob', 'either password'],
    [{ role: 'user', kdf: 'pbkdf2', salt: STORED.salt, iterations: 4096 }, 'auth.secure.scram.bob', 'either password'],
    [{ role: 'user', ...STORED, kdf: undefined }, 'auth.secure.scram.bob.kdf', '"pbkdf2"'],
    [{ role: 'user', password: 'pw', secret: 'x' }, 'auth.secure.scram.bob.secret', 'Unknown option'],
    [{ password: 'pw' }, 'auth.secure.scram.bob.role', 'a role name'],
  ])('refuses %j, naming %s', async (user, key, problem) => {
    const start = startRouter({ auth: { secure: { scram: { bob: user as never } } } });
    await expect(start).rejects.toThrow(key);
    await expect(start).rejects.toThrow(problem);
    // Neither the password nor the stored keys appear in the error.
    const message = ((await start.catch((error: unknown) => error)) as Error).message;
    expect(message).not.toContain(STORED.storedKey);
    expect(message).not.toContain(STORED.serverKey);
    expect(message).not.toContain('"pw"');
  });

  it('refuses two authids that are the same once SASLprep-normalized', async () => {
    await expect(
      startRouter({
        auth: { secure: { scram: { IX: { role: 'a', password: 'x' }, 'I\u00ADX': { role: 'b', password: 'y' } } } },
      }),
    ).rejects.toThrow('auth.secure.scram.I\u00ADX');
  });
});
