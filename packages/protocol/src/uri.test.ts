import { describe, expect, it } from 'vitest';
import { isReservedUri, isValidPattern, isValidUri, matchesPattern } from './uri.js';

// Cases follow the spec's rules (basic profile "URIs"): loose = components without '.', '#' or whitespace,
// never empty; strict = components of [0-9a-z_]; wildcard patterns may have empty components.
describe('isValidUri', () => {
  it.each<[string, boolean, boolean]>([
    // uri, loose, strict
    ['com.myapp.mytopic1', true, true],
    ['com.myapp.myprocedure1', true, true],
    ['a', true, true],
    ['com.my_app.topic_2', true, true],
    ['com.MyApp.Topic', true, false],
    ['com.my-app.topic', true, false],
    ['com.myapp.ünïcode', true, false],
    ['com.myapp.$pecial!', true, false],
    ['', false, false],
    ['.', false, false],
    ['com.', false, false],
    ['.com', false, false],
    ['com..myapp', false, false],
    ['com.my app', false, false],
    ['com.my\tapp', false, false],
    ['com.my\napp', false, false],
    ['com.my\u00a0app', false, false],
    ['com.my\u3000app', false, false],
    ['com.my#app', false, false],
    ['com.#', false, false],
  ])('%j → loose %s, strict %s', (uri, loose, strict) => {
    expect(isValidUri(uri)).toBe(loose);
    expect(isValidUri(uri, 'loose')).toBe(loose);
    expect(isValidUri(uri, 'strict')).toBe(strict);
  });
});

describe('isValidPattern', () => {
  it.each<[string, 'exact' | 'prefix' | 'wildcard', boolean]>([
    ['com.myapp.topic.emergency', 'prefix', true],
    ['com.myapp.', 'prefix', true],
    ['com..topic', 'prefix', false],
    ['.com', 'prefix', false],
    ['com.myapp..userevent', 'wildcard', true],
    ['..userevent', 'wildcard', true],
    ['com.myapp.', 'wildcard', true],
    ['..', 'wildcard', true],
    ['com.my app..x', 'wildcard', false],
    ['com.#..x', 'wildcard', false],
    ['com.myapp..userevent', 'exact', false],
    ['com.myapp.userevent', 'exact', true],
    ['', 'wildcard', false],
    ['', 'prefix', false],
  ])('%j under %s → %s', (uri, match, valid) => {
    expect(isValidPattern(uri, match)).toBe(valid);
  });

  it('applies the strict rule to the non-empty components of a pattern', () => {
    expect(isValidPattern('com..Topic', 'wildcard', 'strict')).toBe(false);
    expect(isValidPattern('com..topic', 'wildcard', 'strict')).toBe(true);
  });
});

describe('isReservedUri', () => {
  it.each([
    ['wamp.session.count', true],
    ['wamp.error.not_authorized', true],
    ['wamp', true],
    ['wampy.topic', false],
    ['com.wamp.topic', false],
  ])('%s → %s', (uri, reserved) => {
    expect(isReservedUri(uri)).toBe(reserved);
  });
});

// The spec's own examples (advanced profile, pattern-based subscription and registration).
describe('matchesPattern', () => {
  it.each<[string, string, 'exact' | 'prefix' | 'wildcard', boolean]>([
    ['com.myapp.topic.emergency.11', 'com.myapp.topic.emergency', 'prefix', true],
    ['com.myapp.topic.emergency-low', 'com.myapp.topic.emergency', 'prefix', true],
    ['com.myapp.topic.emergency.category.severe', 'com.myapp.topic.emergency', 'prefix', true],
    ['com.myapp.topic.emergency', 'com.myapp.topic.emergency', 'prefix', true],
    ['com.myapp.topic.emerge', 'com.myapp.topic.emergency', 'prefix', false],
    ['com.myapp.foo.userevent', 'com.myapp..userevent', 'wildcard', true],
    ['com.myapp.bar.userevent', 'com.myapp..userevent', 'wildcard', true],
    ['com.myapp.a12.userevent', 'com.myapp..userevent', 'wildcard', true],
    ['com.myapp.foo.userevent.bar', 'com.myapp..userevent', 'wildcard', false],
    ['com.myapp.foo.user', 'com.myapp..userevent', 'wildcard', false],
    ['com.myapp2.foo.userevent', 'com.myapp..userevent', 'wildcard', false],
    ['com.myapp.userevent', 'com.myapp..userevent', 'wildcard', false],
    ['a.b.c', '..', 'wildcard', true],
    ['a.b', '..', 'wildcard', false],
    ['a.b.c', 'a..', 'wildcard', true],
    ['x.b.c', 'a..', 'wildcard', false],
    ['com.myapp.topic', 'com.myapp.topic', 'exact', true],
    ['com.myapp.topic2', 'com.myapp.topic', 'exact', false],
  ])('%s against %s (%s) → %s', (uri, pattern, match, expected) => {
    expect(matchesPattern(uri, pattern, match)).toBe(expected);
  });
});
