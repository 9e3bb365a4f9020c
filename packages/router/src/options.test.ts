// Options validation as a new user meets it: every key at every depth is known or refused with its full path,
// values have the form the router can use, and no secret is ever shown in an error.
import { describe, expect, it } from 'vitest';
import { type RouterOptions, resolveOptions } from './options.js';

const PUBKEY = '092160a0148fb45530051b9e3fdd8252615cff103389f355d053819dd58ff35f';
const SECRET = 'hunter2-very-secret';

function problem(options: unknown): string {
  try {
    resolveOptions(options as RouterOptions);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

const realm = (auth: unknown) => ({ auth: { realm1: auth } });

describe('resolveOptions refuses unknown keys at every depth, naming the full path', () => {
  it.each<[string, unknown, string]>([
    [
      'a permission',
      realm({ roles: { user: [{ uri: 'com.app.', mtch: 'prefix', allow: ['call'] }] } }),
      'auth.realm1.roles.user[0].mtch',
    ],
    [
      'a ticket user',
      realm({ ticket: { alice: { role: 'user', ticket: SECRET, tiket: 'x' } } }),
      'auth.realm1.ticket.alice.tiket',
    ],
    [
      'a WAMP-CRA user',
      realm({ wampcra: { bob: { role: 'user', secret: SECRET, salt: 's', iteration: 5 } } }),
      'auth.realm1.wampcra.bob.iteration',
    ],
    [
      'a cryptosign user',
      realm({ cryptosign: { carol: { role: 'user', pubkey: PUBKEY, authid: 'c' } } }),
      'auth.realm1.cryptosign.carol.authid',
    ],
    [
      'a WAMP-SCRAM user',
      realm({ scram: { dana: { role: 'user', password: SECRET, salted: true } } }),
      'auth.realm1.scram.dana.salted',
    ],
    ['anonymous', realm({ anonymous: { role: 'guest', authid: 'x' } }), 'auth.realm1.anonymous.authid'],
    ['a realm', realm({ tickets: {} }), 'auth.realm1.tickets'],
    [
      'a dynamic authenticator',
      realm({ ticketAuthenticator: { procedure: 'com.auth', timeout: 5 } }),
      'auth.realm1.ticketAuthenticator.timeout',
    ],
    [
      'a dynamic authorizer',
      realm({ roles: { user: { authorizer: 'com.authz', ttl: 5 } } }),
      'auth.realm1.roles.user.ttl',
    ],
    [
      'an authorizer cache',
      realm({ roles: { user: { authorizer: 'com.authz', cache: { max: 5 } } } }),
      'auth.realm1.roles.user.cache.max',
    ],
    ['an eventHistory entry', { eventHistory: [{ topic: 'com.t', limt: 5 }] }, 'eventHistory[0].limt'],
    ['keepalive', { keepalive: { intervalMs: 5, timeoutMs: 5, interval: 5 } }, 'keepalive.interval'],
    ['cluster.nats', { cluster: { nats: { servers: 'nats://127.0.0.1:4222', user: 'x' } } }, 'cluster.nats.user'],
    ['limits', { limits: { maxMessageByte: 5 } }, 'limits.maxMessageByte'],
    ['the top level', { relams: ['a'] }, '"relams"'],
  ])('in %s', (_where, options, path) => {
    const message = problem(options);
    expect(message).toContain('Unknown option');
    expect(message).toContain(path);
  });
});

describe('resolveOptions checks the form of values', () => {
  it.each<[string, unknown, string, string]>([
    [
      'a pubkey that is not hex',
      realm({ cryptosign: { c: { role: 'u', pubkey: 'not-a-key' } } }),
      'auth.realm1.cryptosign.c.pubkey',
      '64 hex digits',
    ],
    [
      'a pubkey of 31 bytes',
      realm({ cryptosign: { c: { role: 'u', pubkey: PUBKEY.slice(2) } } }),
      'auth.realm1.cryptosign.c.pubkey',
      'Ed25519',
    ],
    [
      'a WAMP-CRA iteration count that is no integer',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, salt: 's', iterations: '5' } } }),
      'auth.realm1.wampcra.b.iterations',
      'a positive integer',
    ],
    [
      'a WAMP-CRA keylen of 0',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, salt: 's', keylen: 0 } } }),
      'auth.realm1.wampcra.b.keylen',
      'a positive integer',
    ],
    [
      'WAMP-CRA iterations without a salt',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, iterations: 100 } } }),
      'auth.realm1.wampcra.b.iterations',
      'a salt beside it',
    ],
    [
      'a WAMP-CRA salt that is no string',
      realm({ wampcra: { b: { role: 'u', secret: SECRET, salt: 5 } } }),
      'auth.realm1.wampcra.b.salt',
      'a non-empty string',
    ],
    [
      'a hashed ticket in upper case',
      realm({ ticket: { a: { role: 'u', ticket: `sha256:${'AB'.repeat(32)}` } } }),
      'auth.realm1.ticket.a.ticket',
      'lower-case hex',
    ],
    [
      'an empty ticket',
      realm({ ticket: { a: { role: 'u', ticket: '' } } }),
      'auth.realm1.ticket.a.ticket',
      'non-empty',
    ],
    ['a user without a role', realm({ ticket: { a: { ticket: SECRET } } }), 'auth.realm1.ticket.a.role', 'a role name'],
    ['a user that is only a string', realm({ scram: { a: SECRET } }), 'auth.realm1.scram.a', 'got a string'],
    [
      'a permission match that is unknown',
      realm({ roles: { u: [{ uri: 'a', match: 'glob', allow: [] }] } }),
      'auth.realm1.roles.u[0].match',
      'one of exact, prefix, wildcard',
    ],
    [
      'a permission with an unknown action',
      realm({ roles: { u: [{ uri: 'a', allow: ['read'] }] } }),
      'auth.realm1.roles.u[0].allow',
      'a list of call',
    ],
    [
      'a permission disclose that is no boolean',
      realm({ roles: { u: [{ uri: 'a', allow: [], disclose: 'yes' }] } }),
      'auth.realm1.roles.u[0].disclose',
      'true or false',
    ],
    ['roles that are a list', realm({ roles: [] }), 'auth.realm1.roles', 'a map of role names'],
    [
      'keepalive without timeoutMs',
      { keepalive: { intervalMs: 5000 } },
      'keepalive.timeoutMs',
      'takes both intervalMs and timeoutMs',
    ],
    ['keepalive without intervalMs', { keepalive: { timeoutMs: 5000 } }, 'keepalive.intervalMs', 'takes both'],
    ['keepalive: true', { keepalive: true }, 'keepalive', 'false or { intervalMs, timeoutMs }'],
    ['an eventHistory entry without a topic', { eventHistory: [{ limit: 5 }] }, 'eventHistory[0].topic', 'a topic'],
    ['an eventHistory that is no list', { eventHistory: { topic: 'a' } }, 'eventHistory', 'a list'],
    ['limits that are no map', { limits: 5 }, 'limits', 'a map'],
  ])('refuses %s', (_what, options, path, expected) => {
    const message = problem(options);
    expect(message).toContain(`"${path}"`);
    expect(message).toContain(expected);
    expect(message).not.toContain(SECRET);
  });

  it('accepts what the authenticators can use', () => {
    const resolved = resolveOptions({
      keepalive: { intervalMs: 5000, timeoutMs: 2000 },
      eventHistory: [{ topic: 'com.t.', match: 'prefix' }],
      auth: {
        realm1: {
          anonymous: { role: 'guest' },
          ticket: { a: { role: 'u', ticket: `sha256:${'ab'.repeat(32)}` } },
          wampcra: { b: { role: 'u', secret: SECRET, salt: 'pepper', iterations: 100, keylen: 32 } },
          cryptosign: { c: { role: 'u', pubkey: PUBKEY.toUpperCase() } },
          roles: { u: [{ uri: 'com.app.', match: 'prefix', allow: ['call'], disclose: true }] },
        },
      },
    });
    expect(resolved.keepalive).toEqual({ intervalMs: 5000, timeoutMs: 2000 });
    expect(resolved.eventHistory[0]).toMatchObject({ topic: 'com.t.', match: 'prefix', limit: 100 });
  });

  it('never shows a secret, whatever is wrong beside it', () => {
    const secrets = [
      realm({ ticket: { a: { role: 5, ticket: SECRET } } }),
      realm({ ticket: { a: { role: 'u', ticket: `sha256:${SECRET}` } } }),
      realm({ wampcra: { a: { role: 'u', secret: SECRET, salt: SECRET, iterations: -1 } } }),
      realm({ scram: { a: { role: 'u', password: SECRET, storedKey: SECRET } } }),
      realm({ anonymous: SECRET }),
    ];
    for (const options of secrets) expect(problem(options)).not.toContain(SECRET);
  });
});

describe('resolveOptions defaults', () => {
  it('takes messages up to 16 MiB, so that a 1 MiB payload fits with its framing', () => {
    expect(resolveOptions().limits.maxMessageBytes).toBe(16 * 1024 * 1024);
  });
});
