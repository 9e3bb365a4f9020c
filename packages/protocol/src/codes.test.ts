import { describe, expect, it } from 'vitest';
import { MESSAGE_SENDER, MessageCode, messageName } from './codes.js';

describe('message codes', () => {
  it.each([
    ['HELLO', 1],
    ['WELCOME', 2],
    ['ABORT', 3],
    ['CHALLENGE', 4],
    ['AUTHENTICATE', 5],
    ['GOODBYE', 6],
    ['ERROR', 8],
    ['PUBLISH', 16],
    ['PUBLISHED', 17],
    ['SUBSCRIBE', 32],
    ['SUBSCRIBED', 33],
    ['UNSUBSCRIBE', 34],
    ['UNSUBSCRIBED', 35],
    ['EVENT', 36],
    ['CALL', 48],
    ['CANCEL', 49],
    ['RESULT', 50],
    ['REGISTER', 64],
    ['REGISTERED', 65],
    ['UNREGISTER', 66],
    ['UNREGISTERED', 67],
    ['INVOCATION', 68],
    ['INTERRUPT', 69],
    ['YIELD', 70],
  ] as const)('%s is %i in both directions', (name, code) => {
    expect(MessageCode[name]).toBe(code);
    expect(messageName(code)).toBe(name);
    expect(MESSAGE_SENDER[code]).toBeDefined();
  });

  it('knows no other codes', () => {
    expect(Object.keys(MessageCode)).toHaveLength(24);
    for (const code of [0, 7, 9, 37, 51, 71, 256]) expect(messageName(code)).toBeUndefined();
  });

  it('says which side sends what', () => {
    expect(MESSAGE_SENDER[MessageCode.HELLO]).toBe('client');
    expect(MESSAGE_SENDER[MessageCode.INVOCATION]).toBe('router');
    expect(MESSAGE_SENDER[MessageCode.YIELD]).toBe('client');
    expect(MESSAGE_SENDER[MessageCode.ERROR]).toBe('both');
  });
});
