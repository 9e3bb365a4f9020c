import { describe, expect, it } from 'vitest';
import { saslprep } from './saslprep.js';

describe('saslprep', () => {
  it.each([
    ['I\u00ADX', 'IX'],
    ['user', 'user'],
    ['USER', 'USER'],
    ['\u00AA', 'a'],
    ['\u2168', 'IX'],
    ['a\u00A0b', 'a b'],
    ['\u0627\u0628', '\u0627\u0628'],
  ])('maps %j to %j (RFC 4013 examples)', (input, output) => {
    expect(saslprep(input)).toBe(output);
  });

  it.each([
    ['\u0007', 'prohibited character U+0007'],
    ['a\uE000', 'prohibited character U+E000'],
    ['\u0627\u0031', 'right-to-left'],
    ['\u0627a\u0628', 'right-to-left'],
  ])('refuses %j', (input, problem) => {
    expect(() => saslprep(input)).toThrow(problem);
  });
});
