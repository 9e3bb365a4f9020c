import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import type { AuthorizerCall } from './dynamic-authorizer.js';
import { type Action, openRealmVerdict, type Permission, Permissions, type Verdict } from './permissions.js';
import type { RouterSession } from './session.js';

/** What Permissions reads of a session: its role, whether it is the router's own, and (for a dynamic role) who. */
function sessionOf(authrole: string, trusted = false): RouterSession {
  return {
    id: 7,
    authid: 'alice',
    authrole,
    authmethod: 'ticket',
    authprovider: 'static',
    trusted,
    log: silentLogger,
  } as Partial<RouterSession> as RouterSession;
}

const noAuthorizer: AuthorizerCall = () => Promise.reject(new Error('no dynamic role is configured here'));

describe('Permissions', () => {
  const user: Permission[] = [
    { uri: 'com.app.', match: 'prefix', allow: ['call', 'subscribe'] },
    { uri: 'com.app.admin.', match: 'prefix', allow: [] },
    { uri: 'com.app.admin.status', allow: ['call'], disclose: true },
    { uri: 'com..add', match: 'wildcard', allow: ['call'] },
    { uri: 'com.calc.', match: 'prefix', allow: ['publish'] },
  ];
  const permissions = new Permissions({ user }, noAuthorizer);
  const check = (action: Action, uri: string) => permissions.check(sessionOf('user'), action, uri);

  it.each<[Action, string, Verdict, string]>([
    ['call', 'com.app.orders.list', 'allow', 'the prefix grants it'],
    ['call', 'com.app.admin.reset', 'deny', 'a longer prefix wins over a shorter one, and it allows nothing'],
    ['call', 'com.app.admin.status', 'allow-disclosed', 'an exact permission wins over every prefix'],
    ['call', 'com.calc.add', 'deny', 'a prefix wins over a wildcard: com.calc. allows only publish'],
    ['call', 'com.web.add', 'allow', 'the wildcard decides when no prefix matches'],
    ['register', 'com.app.orders.list', 'deny', 'the best permission does not allow this action'],
    ['subscribe', 'org.other.topic', 'deny', 'no permission matches'],
  ])('%s %s: %s (%s)', (action, uri, verdict) => {
    expect(check(action, uri)).toBe(verdict);
  });

  it('gives the same verdicts from its per-role cache, also once more URIs were asked about than it keeps', () => {
    const fresh = new Permissions({ user }, noAuthorizer);
    const verdicts = (uri: string) => [fresh.check(sessionOf('user'), 'call', uri), check('call', uri)];
    // Asked twice each (the second answer from the cache), around 5,000 distinct URIs that overflow the cache.
    for (let round = 0; round < 2; round++) {
      expect(verdicts('com.app.admin.reset')).toEqual(['deny', 'deny']);
      expect(verdicts('com.web.add')).toEqual(['allow', 'allow']);
      for (let i = 0; i < 5000; i++) {
        const [cached] = verdicts(`com.web${i}.add`);
        expect(cached).toBe('allow');
      }
      expect(verdicts('com.app.admin.status')).toEqual(['allow-disclosed', 'allow-disclosed']);
      expect(verdicts('com.other.add')).toEqual(['allow', 'allow']);
      expect(verdicts('org.other.sub')).toEqual(['deny', 'deny']);
    }
  });

  it('denies a role it does not know, and allows the router’s own session whatever its role', () => {
    expect(permissions.check(sessionOf('guest'), 'subscribe', 'com.app.news')).toBe('deny');
    expect(permissions.check(sessionOf('guest', true), 'register', 'wamp.session.get')).toBe('allow');
  });

  it('hands a dynamic role to its authorizer procedure and resolves to its verdict', async () => {
    const asked: unknown[][] = [];
    const authorize: AuthorizerCall = (procedure, args) => {
      asked.push([procedure, args[1], args[2]]);
      return Promise.resolve([args[2] === 'subscribe']);
    };
    const dynamic = new Permissions({ backend: { authorizer: 'com.app.authorize' }, user }, authorize);
    await expect(dynamic.check(sessionOf('backend'), 'subscribe', 'com.app.news')).resolves.toBe('allow');
    await expect(dynamic.check(sessionOf('backend'), 'publish', 'com.app.news')).resolves.toBe('deny');
    expect(dynamic.check(sessionOf('user'), 'call', 'com.app.orders.list')).toBe('allow'); // static roles stay sync
    expect(asked).toEqual([
      ['com.app.authorize', 'com.app.news', 'subscribe'],
      ['com.app.authorize', 'com.app.news', 'publish'],
    ]);
  });
});

describe('openRealmVerdict', () => {
  it('allows everything in a realm without roles but calling the meta procedures that act on other sessions', () => {
    expect(openRealmVerdict('call', 'wamp.session.kill')).toBe('deny');
    expect(openRealmVerdict('call', 'wamp.registration.remove')).toBe('deny');
    expect(openRealmVerdict('call', 'wamp.session.get')).toBe('allow');
    expect(openRealmVerdict('subscribe', 'wamp.session.kill')).toBe('allow');
    expect(openRealmVerdict('register', 'com.app.add')).toBe('allow');
  });
});
