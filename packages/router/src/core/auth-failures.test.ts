import { describe, expect, it } from 'vitest';
import { AuthFailures, addressOf } from './auth-failures.js';

describe('AuthFailures', () => {
  it('doubles the delay with each failure in a row from one address, up to 8 s, and forgets on success', () => {
    const failures = new AuthFailures();
    const delays = Array.from({ length: 8 }, () => failures.failed('203.0.113.7'));
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect(failures.failed('198.51.100.1')).toBe(250); // another address is not affected
    failures.succeeded('203.0.113.7');
    expect(failures.failed('203.0.113.7')).toBe(250);
  });

  it('keeps the address of ip:port peers', () => {
    expect(addressOf('127.0.0.1:5050')).toBe('127.0.0.1');
    expect(addressOf('[::1]:5050')).toBe('[::1]');
    expect(addressOf('memory')).toBe('memory');
  });
});
