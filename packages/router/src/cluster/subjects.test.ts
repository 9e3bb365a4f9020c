import { describe, expect, it } from 'vitest';
import { escapeToken, eventSubject, interestSubject } from './subjects.js';

describe('URI to NATS subject mapping', () => {
  it.each([
    ['com', 'com'],
    ['user_name-2', 'user_name-2'],
    ['*', '~2a'],
    ['>', '~3e'],
    ['a b', 'a~20b'],
    ['tab\there', 'tab~09here'],
    ['~', '~7e'],
    ['$SYS', '~24SYS'],
    ['ünï', '~c3~bcn~c3~af'],
    ['😀', '~f0~9f~98~80'],
    ['a/b:c', 'a~2fb~3ac'],
  ])('escapes the component %j as %j', (component, token) => {
    expect(escapeToken(component)).toBe(token);
  });

  it('keeps distinct components distinct after escaping', () => {
    const components = ['a~2a', 'a*', '~', '~7e', 'x y', 'x~20y', '>', '~3e'];
    expect(new Set(components.map(escapeToken)).size).toBe(components.length);
  });

  it.each([
    ['realm1', 'com.example.chat', 'wamp.realm1.e.com.example.chat'],
    ['com.example.realm', 'com.a', 'wamp.com~2eexample~2erealm.e.com.a'],
    ['r', 'com.*.>', 'wamp.r.e.com.~2a.~3e'],
    ['r', '$JS.API.x', 'wamp.r.e.~24JS.API.x'],
    ['r', 'a b.c', 'wamp.r.e.a~20b.c'],
  ])('publications in %j to %j travel on %j', (realm, topic, subject) => {
    expect(eventSubject(realm, topic)).toBe(subject);
  });

  it.each([
    ['com.a.b', 'exact', 'wamp.r.e.com.a.b'],
    ['com.*.b', 'exact', 'wamp.r.e.com.~2a.b'],
    ['com..b', 'wildcard', 'wamp.r.e.com.*.b'],
    ['..', 'wildcard', 'wamp.r.e.*.*.*'],
    ['com.x>.', 'wildcard', 'wamp.r.e.com.x~3e.*'],
    ['com.a.', 'prefix', 'wamp.r.e.com.a.>'],
    ['com.a', 'prefix', 'wamp.r.e.com.>'],
    ['com', 'prefix', 'wamp.r.e.>'],
    ['', 'prefix', 'wamp.r.e.>'],
    ['com..a.', 'prefix', 'wamp.r.e.com.>'],
  ] as const)('a subscription to %j (%s) listens on %j', (pattern, match, subject) => {
    expect(interestSubject('r', pattern, match)).toBe(subject);
  });

  it('lets NATS deliver exactly what the token-aligned patterns match', () => {
    // NATS semantics: '*' is one token, '>' one or more trailing tokens.
    const natsMatches = (filter: string, subject: string) => {
      const f = filter.split('.');
      const s = subject.split('.');
      for (let i = 0; i < f.length; i++) {
        if (f[i] === '>') return s.length > i;
        if (i >= s.length || (f[i] !== '*' && f[i] !== s[i])) return false;
      }
      return f.length === s.length;
    };
    const topics = ['com.a', 'com.ab', 'com.a.b', 'com.a.b.c', 'com.x.update', 'com.x.y.update', 'org.a'];
    const cases = [
      ['com..update', 'wildcard', ['com.x.update']],
      ['com.a.', 'prefix', ['com.a.b', 'com.a.b.c']],
      ['com.a', 'prefix', ['com.a', 'com.ab', 'com.a.b', 'com.a.b.c', 'com.x.update', 'com.x.y.update']],
    ] as const;
    for (const [pattern, match, expected] of cases) {
      const filter = interestSubject('r', pattern, match);
      expect(topics.filter((topic) => natsMatches(filter, eventSubject('r', topic)))).toEqual(expected);
    }
  });
});
