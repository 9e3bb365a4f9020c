import { describe, expect, it } from 'vitest';
import { CloseCode, clampCloseReason, describeCloseCode } from './close-codes.js';

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

describe('clampCloseReason', () => {
  const euro = '\u20ac'; // 3 bytes of UTF-8
  const face = '\u{1f600}'; // 4 bytes, 2 UTF-16 units
  it.each<[string, string, number]>([
    ['short', 'bye', 3],
    ['exactly 123 bytes', 'x'.repeat(123), 123],
    ['124 ASCII bytes', 'x'.repeat(124), 123],
    ['41 three-byte characters', euro.repeat(41), 123],
    ['42 three-byte characters', euro.repeat(42), 123],
    ['a cut inside a three-byte character', `x${euro.repeat(41)}`, 121],
    ['a cut inside a surrogate pair', `xxx${face.repeat(40)}`, 123],
    ['a cut inside a surrogate pair, off by one', `xx${face.repeat(40)}`, 122],
  ])('%s', (_name, reason, bytes) => {
    const clamped = clampCloseReason(reason);
    expect(new TextEncoder().encode(clamped).length).toBe(bytes);
    expect(reason.startsWith(clamped)).toBe(true);
  });
});
