// WAMP-SCRAM end to end: @wamp/client's scramAuth against the router over a real WebSocket, for a user kept by
// password and one in the stored form; a wrong password; and a router holding a wrong ServerKey (what an impostor
// with only a stolen StoredKey would have), whose WELCOME the client refuses.
import { isWampError, Session, scramAuth } from '@wamp/client';
import { createRouter, type Router, scramCredentials } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let router: Router;
let url: string;

beforeAll(async () => {
  const real = scramCredentials('erin-password', { iterations: 4096 });
  const other = scramCredentials('not-erin-password', { salt: real.salt, iterations: 4096 });
  router = createRouter({
    realms: ['secure'],
    auth: {
      secure: {
        scram: {
          alice: { role: 'user', password: 'alice-password', iterations: 4096 },
          dana: { role: 'admin', ...scramCredentials('dana-password', { iterations: 4096 }) },
          // The right StoredKey (so the router accepts erin's proof) with another password's ServerKey.
          erin: { role: 'user', ...real, serverKey: other.serverKey },
        },
      },
    },
  });
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  await router.close();
});

async function joinError(authid: string, password: string): Promise<unknown> {
  return Session.connect({ url, realm: 'secure', auth: scramAuth(authid, password), reconnect: false }).then(
    async (session) => {
      await session.close();
      return new Error('the join succeeded');
    },
    (error: unknown) => error,
  );
}

describe('WAMP-SCRAM with @wamp/client and the router', () => {
  it.each([
    ['alice', 'alice-password', 'user'],
    ['dana', 'dana-password', 'admin'],
  ])('joins as %s', async (authid, password, authrole) => {
    const session = await Session.connect({
      url,
      realm: 'secure',
      auth: scramAuth(authid, password),
      reconnect: false,
    });
    expect(session.welcome).toMatchObject({ authid, authrole, authmethod: 'wamp-scram', authprovider: 'static' });
    expect(typeof session.welcome.authextra?.scram_server_signature).toBe('string');
    await session.close();
  });

  it('is refused with wamp.error.authentication_failed for a wrong password', async () => {
    const error = await joinError('alice', 'wrong-password');
    expect(isWampError(error)).toBe(true);
    expect(error).toMatchObject({ uri: 'wamp.error.authentication_failed' });
  });

  it('refuses a router whose server signature is wrong, though the router accepted the proof', async () => {
    const error = await joinError('erin', 'erin-password');
    expect(error).toMatchObject({ uri: 'wamp.error.authentication_failed' });
    expect((error as Error).message).toContain('server signature in WELCOME is wrong');
  });
});
