// Authorization: three roles, every action on allowed and denied URIs, forced disclosure, and the meta API
// reachable only by roles allowed to call it.
import { call, ErrorUri, hello, MessageCode, publish, register, subscribe, yieldResult } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import type { RouterOptions } from '../src/index.js';
import { startRouter } from './support/fixture.js';
import type { RawPeer } from './support/raw-peer.js';

const AUTH: RouterOptions['auth'] = {
  app: {
    anonymous: { role: 'guest' },
    ticket: {
      ursula: { role: 'user', ticket: 'u' },
      adam: { role: 'admin', ticket: 'a' },
    },
    roles: {
      guest: [{ uri: 'com.app.public.', match: 'prefix', allow: ['call', 'subscribe'] }],
      user: [
        { uri: 'com.app.', match: 'prefix', allow: ['call', 'subscribe', 'publish'] },
        { uri: 'com.app.chat', allow: ['publish', 'subscribe'], disclose: true },
        { uri: 'com.app.service.', match: 'prefix', allow: ['register'] },
      ],
      admin: [{ uri: '', match: 'prefix', allow: ['call', 'register', 'publish', 'subscribe'] }],
    },
  },
};

async function join(peer: RawPeer, authid?: string, ticket?: string): Promise<void> {
  if (authid === undefined) {
    await peer.join('app');
    return;
  }
  peer.send(
    hello('app', { roles: { caller: {}, callee: {}, publisher: {}, subscriber: {} }, authmethods: ['ticket'], authid }),
  );
  expect((await peer.next())[0]).toBe(MessageCode.CHALLENGE);
  peer.send([MessageCode.AUTHENTICATE, ticket, {}]);
  expect((await peer.next())[0]).toBe(MessageCode.WELCOME);
}

/** The first element of the answer: the message type, or for ERROR its URI. */
async function outcome(peer: RawPeer, message: unknown[]): Promise<string> {
  peer.send(message);
  const answer = await peer.next();
  return answer[0] === MessageCode.ERROR ? (answer[4] as string) : 'ok';
}

describe('authorization', () => {
  const matrix: [
    who: string,
    authid: string | undefined,
    ticket: string | undefined,
    expected: Record<string, string>,
  ][] = [
    [
      'guest',
      undefined,
      undefined,
      {
        callPublic: 'ok',
        callPrivate: ErrorUri.NOT_AUTHORIZED,
        subscribePublic: 'ok',
        publishPublic: ErrorUri.NOT_AUTHORIZED,
        registerService: ErrorUri.NOT_AUTHORIZED,
        meta: ErrorUri.NOT_AUTHORIZED,
      },
    ],
    [
      'user',
      'ursula',
      'u',
      {
        callPublic: 'ok',
        callPrivate: 'ok',
        subscribePublic: 'ok',
        publishPublic: 'ok',
        registerService: 'ok',
        meta: ErrorUri.NOT_AUTHORIZED,
      },
    ],
    [
      'admin',
      'adam',
      'a',
      {
        callPublic: 'ok',
        callPrivate: 'ok',
        subscribePublic: 'ok',
        publishPublic: 'ok',
        registerService: 'ok',
        meta: 'ok',
      },
    ],
  ];

  it.each(matrix)('%s gets exactly what its role allows', async (_who, authid, ticket, expected) => {
    await using fixture = await startRouter({ realms: ['app'], auth: AUTH });
    // A trusted backend: the admin serves the procedures that are called.
    const backend = fixture.local();
    await join(backend, 'adam', 'a');
    for (const [request, procedure] of [
      [1, 'com.app.public.time'],
      [2, 'com.app.private.data'],
    ] as const) {
      backend.send(register(request, {}, procedure));
      await backend.next();
    }
    backend.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.INVOCATION) backend.send(yieldResult(message[1] as number, {}, ['served']));
    };
    const peer = fixture.local();
    await join(peer, authid, ticket);
    const results = {
      callPublic: await outcome(peer, call(1, {}, 'com.app.public.time')),
      callPrivate: await outcome(peer, call(2, {}, 'com.app.private.data')),
      subscribePublic: await outcome(peer, subscribe(3, {}, 'com.app.public.news')),
      publishPublic: await outcome(peer, publish(4, { acknowledge: true }, 'com.app.public.news')),
      registerService: await outcome(peer, register(5, {}, 'com.app.service.echo')),
      meta: await outcome(peer, call(6, {}, 'wamp.session.count')),
    };
    expect(results).toEqual(expected);
  });

  it('forces publisher disclosure where the permission says so', async () => {
    await using fixture = await startRouter({ realms: ['app'], auth: AUTH });
    const reader = fixture.local();
    await join(reader, 'ursula', 'u');
    reader.send(subscribe(1, {}, 'com.app.chat'));
    await reader.next();
    const writer = fixture.local();
    await join(writer, 'ursula', 'u');
    writer.send(publish(1, { acknowledge: true }, 'com.app.chat', ['hi']));
    await writer.next();
    expect((await reader.next())[3]).toMatchObject({ publisher_authid: 'ursula', publisher_authrole: 'user' });
  });
});
