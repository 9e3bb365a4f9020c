import { describe, expect, it } from 'vitest';
import { CloseCode, describeCloseCode } from './close-codes.js';

describe('close codes', () => {
  it.each([
    [CloseCode.NORMAL, 1000, 'normal closure'],
    [CloseCode.GOING_AWAY, 1001, 'going away'],
    [CloseCode.ABNORMAL, 1006, 'abnormal closure (no close frame)'],
    [CloseCode.MESSAGE_TOO_BIG, 1009, 'message too big'],
    [CloseCode.INTERNAL_ERROR, 1011, 'internal error'],
  ])('%i is %i: %s', (code, value, meaning) => {
    expect(code).toBe(value);
    expect(describeCloseCode(code)).toBe(meaning);
  });

  it('describes application and unknown codes', () => {
    expect(describeCloseCode(4001)).toBe('application-defined');
    expect(describeCloseCode(1234)).toBe('unknown');
  });
});
