import { describe, expect, it } from 'vitest';
import { COMMON_OPTIONS, integerFlag, parseCommandLine, secondsFlag, splitCommandLine } from './args.js';
import { UsageError } from './errors.js';

const options = { ...COMMON_OPTIONS, kwargs: { type: 'string' } } as const;

describe('splitCommandLine', () => {
  it('keeps negative numbers as arguments and flag values with their flags', () => {
    expect(splitCommandLine(['com.add', '-1', '--kwargs', '-2', '-.5', '--json', '3'], options)).toEqual({
      flags: ['--kwargs', '-2', '--json'],
      positionals: ['com.add', '-1', '-.5', '3'],
      at: [0, 1, 4, 6],
      rest: null,
    });
  });

  it('keeps what follows -- apart, untouched', () => {
    expect(splitCommandLine(['com.x', '--', 'sh', '-c', 'echo --json'], options)).toMatchObject({
      positionals: ['com.x'],
      rest: ['sh', '-c', 'echo --json'],
    });
  });
});

describe('parseCommandLine', () => {
  it('parses flags wherever they stand', () => {
    const parsed = parseCommandLine(['--realm', 'r', 'com.x', '--kwargs={"a":1}', 'y'], options, 'call');
    expect(parsed.values).toMatchObject({ realm: 'r', kwargs: '{"a":1}' });
    expect(parsed.positionals).toEqual(['com.x', 'y']);
  });

  it('refuses an unknown flag with a usage error naming it and the command', () => {
    const error = (() => {
      try {
        parseCommandLine(['--bogus'], options, 'call');
      } catch (caught) {
        return caught;
      }
    })() as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain("'--bogus'");
    expect(error.command).toBe('call');
  });
});

describe('flag values', () => {
  it('reads seconds as milliseconds and refuses what is not a positive number', () => {
    expect(secondsFlag({ timeout: '1.5' }, 'timeout', 'call')).toBe(1500);
    expect(secondsFlag({}, 'timeout', 'call')).toBeUndefined();
    for (const bad of ['0', '-1', 'soon', '', '1e12']) {
      expect(() => secondsFlag({ timeout: bad }, 'timeout', 'call')).toThrow(/--timeout must be a number of seconds/);
    }
  });

  it('reads whole numbers within bounds', () => {
    expect(integerFlag({ count: '3' }, 'count', 'subscribe', 1)).toBe(3);
    expect(() => integerFlag({ count: '0' }, 'count', 'subscribe', 1)).toThrow('--count must be a whole number from 1');
    expect(() => integerFlag({ count: '2.5' }, 'count', 'subscribe', 1)).toThrow(UsageError);
  });
});
