import { describe, expect, it } from 'vitest';
import { createOriginCheck } from './origin.js';

describe('createOriginCheck', () => {
  const check = createOriginCheck(['https://app.example.com', 'http://localhost:3000/', '*.example.org']);
  it.each<[string | undefined, boolean]>([
    [undefined, true],
    ['https://app.example.com', true],
    ['HTTPS://APP.EXAMPLE.COM', true],
    ['http://app.example.com', false],
    ['https://app.example.com:8443', false],
    ['http://localhost:3000', true],
    ['http://localhost:3001', false],
    ['https://eu.example.org', true],
    ['http://a.b.example.org:9000', true],
    ['https://example.org', false],
    ['https://evil-example.org', false],
    ['https://example.org.evil.net', false],
    ['null', false],
    ['garbage', false],
  ])('%s → %s', (origin, allowed) => {
    expect(check(origin)).toBe(allowed);
  });

  it('allows every origin with *', () => {
    expect(createOriginCheck(['*'])('https://anything.example')).toBe(true);
  });
});
