// HELLO, CHALLENGE/AUTHENTICATE and WELCOME/ABORT against a scripted router.
import {
  type AbortMessage,
  type AuthenticateMessage,
  abort,
  challenge,
  ErrorUri,
  MessageCode,
  published,
  welcome,
} from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, Session, ticketAuth, WampError } from '../src/index.js';
import { fakeRouter } from './fake-router.js';

describe('handshake', () => {
  it('announces every role, the features the client implements, and its agent', async () => {
    await using fake = fakeRouter();
    const [session, hello] = await Promise.all([
      Session.connect({ realm: 'realm1', transport: () => fake.transport(), reconnect: false }),
      fake.welcome({ dealer: { features: { call_canceling: true } } }, 42),
    ]);
    expect(hello[1]).toBe('realm1');
    expect(hello[2]).toMatchObject({
      agent: '@wamp/client',
      roles: {
        caller: { features: { call_canceling: true, call_timeout: true } },
        callee: { features: { call_canceling: true } },
        publisher: { features: { publisher_exclusion: true } },
        subscriber: {},
      },
    });
    expect(hello[2]).not.toHaveProperty('authmethods');
    expect(session.id).toBe(42);
    expect(session.raw.routerSupports('dealer', 'call_canceling')).toBe(true);
    expect(session.raw.routerSupports('dealer', 'call_timeout')).toBe(false);
    await session.close();
  });

  it('authenticates with a ticket when the router challenges', async () => {
    await using fake = fakeRouter();
    const connecting = Session.connect({
      realm: 'realm1',
      transport: () => fake.transport(),
      reconnect: false,
      auth: ticketAuth('joe', async () => 'secret!!!'),
    });
    const hello = await fake.expect(MessageCode.HELLO);
    expect(hello[2]).toMatchObject({ authmethods: ['ticket'], authid: 'joe' });
    fake.send(challenge('ticket', {}));
    const authenticate = await fake.expect<AuthenticateMessage>(MessageCode.AUTHENTICATE);
    expect(authenticate).toEqual([MessageCode.AUTHENTICATE, 'secret!!!', {}]);
    fake.send(welcome(7, { roles: { broker: {} }, authid: 'joe', authrole: 'user', authmethod: 'ticket' }));
    const session = await connecting;
    expect(session.welcome).toMatchObject({ authid: 'joe', authrole: 'user', authmethod: 'ticket' });
    await session.close();
  });

  it('passes the challenge to onChallenge and sends its signature and extra', async () => {
    await using fake = fakeRouter();
    const seen: unknown[] = [];
    const connecting = Session.connect({
      realm: 'realm1',
      transport: () => fake.transport(),
      reconnect: false,
      auth: {
        authmethods: ['cryptosign'],
        authid: 'device-1',
        authextra: { pubkey: 'ab12' },
        onChallenge: (received) => {
          seen.push(received);
          return { signature: 'signed', extra: { channel_binding: null } };
        },
      },
    });
    expect((await fake.expect(MessageCode.HELLO))[2]).toMatchObject({ authextra: { pubkey: 'ab12' } });
    fake.send(challenge('cryptosign', { challenge: 'ff00' }));
    expect(await fake.expect(MessageCode.AUTHENTICATE)).toEqual([
      MessageCode.AUTHENTICATE,
      'signed',
      { channel_binding: null },
    ]);
    expect(seen).toEqual([{ method: 'cryptosign', extra: { challenge: 'ff00' } }]);
    fake.send(welcome(8, { roles: { broker: {} } }));
    await (await connecting).close();
  });

  it('aborts with authentication_failed when challenged without onChallenge', async () => {
    await using fake = fakeRouter();
    const connecting = Session.connect({ realm: 'realm1', transport: () => fake.transport(), reconnect: false });
    await fake.expect(MessageCode.HELLO);
    fake.send(challenge('ticket', {}));
    const sent = await fake.expect<AbortMessage>(MessageCode.ABORT);
    expect(sent[2]).toBe(ErrorUri.AUTHENTICATION_FAILED);
    await expect(connecting).rejects.toMatchObject({ name: 'WampError', uri: ErrorUri.AUTHENTICATION_FAILED });
  });

  it('rejects with the router ABORT as a WampError, payload included', async () => {
    await using fake = fakeRouter();
    const connecting = Session.connect({ realm: 'realm1', transport: () => fake.transport(), reconnect: false });
    await fake.expect(MessageCode.HELLO);
    fake.send(abort({ message: 'go away' }, ErrorUri.NOT_AUTHORIZED, ['no'], { why: 'test' }));
    const error = (await connecting.catch((e: unknown) => e)) as WampError;
    expect(error).toBeInstanceOf(WampError);
    expect(error).toMatchObject({ uri: ErrorUri.NOT_AUTHORIZED, args: ['no'], kwargs: { why: 'test' } });
    expect(error.details).toEqual({ message: 'go away' });
  });

  it('aborts with protocol_violation on anything but WELCOME, CHALLENGE or ABORT', async () => {
    await using fake = fakeRouter();
    const connecting = Session.connect({ realm: 'realm1', transport: () => fake.transport(), reconnect: false });
    await fake.expect(MessageCode.HELLO);
    fake.send(published(1, 2));
    expect((await fake.expect<AbortMessage>(MessageCode.ABORT))[2]).toBe(ErrorUri.PROTOCOL_VIOLATION);
    await expect(connecting).rejects.toMatchObject({ uri: ErrorUri.PROTOCOL_VIOLATION });
  });

  it('rejects with ConnectionClosedError when the connection drops during the handshake', async () => {
    await using fake = fakeRouter();
    const connecting = Session.connect({ realm: 'realm1', transport: () => fake.transport(), reconnect: false });
    await fake.expect(MessageCode.HELLO);
    fake.server.terminate();
    const error = (await connecting.catch((e: unknown) => e)) as ConnectionClosedError;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error.code).toBe(1006);
  });

  it('rejects with the signal reason when aborted mid-handshake', async () => {
    await using fake = fakeRouter();
    const controller = new AbortController();
    const connecting = Session.connect({
      realm: 'realm1',
      transport: () => fake.transport(),
      reconnect: false,
      signal: controller.signal,
    });
    await fake.expect(MessageCode.HELLO);
    controller.abort(new Error('user gave up'));
    await expect(connecting).rejects.toThrow('user gave up');
  });

  it.each([
    [{ realm: '' }, 'options.realm'],
    [{ realm: 'realm1' }, 'options.url'],
    [{ realm: 'realm1', url: 'ws://x', serializers: [] }, 'options.serializers'],
    [{ realm: 'realm1', url: 'ws://x', reconnect: { maxAttempts: 0 } }, 'options.reconnect.maxAttempts'],
    [{ realm: 'realm1', url: 'ws://x', reconnect: { retryDelay: 5 } }, 'options.reconnect.retryDelay'],
  ])('refuses bad options before connecting, naming the option (%o)', async (options, named) => {
    const error = await Session.connect(options as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain(named);
  });
});
