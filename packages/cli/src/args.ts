// The command line of `wamp`: the options every command shares, the split of flags from positional arguments,
// and the checks of flag values. Parsing itself is node:util's parseArgs.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** The flags of every command that talks to a router, and `--help`. */
export const COMMON_OPTIONS = {
  url: { type: 'string' },
  realm: { type: 'string' },
  serializer: { type: 'string' },
  auth: { type: 'string' },
  authid: { type: 'string' },
  authrole: { type: 'string' },
  secret: { type: 'string' },
  'secret-file': { type: 'string' },
  profile: { type: 'string' },
  profiles: { type: 'string' },
  'connect-timeout': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionTable;

/** What one command's flags parsed to: strings, booleans, and lists for `multiple` options. */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** A command line taken apart: the flags, the positional arguments, and what follows `--` (null without one). */
export interface ParsedCommandLine {
  values: FlagValues;
  positionals: string[];
  rest: string[] | null;
}

/** A negative number is an argument (`wamp call com.add -1 2`), never a short flag. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d|Infinity$)/;

function optionNamed(options: OptionTable, token: string): { type: 'string' | 'boolean' } | undefined {
  if (token.startsWith('--')) return options[token.slice(2)];
  return Object.values(options).find((option) => option.short === token.slice(1));
}

/**
 * Splits `argv` into flags (with their values) and positional arguments, so that positionals may stand between
 * flags and negative numbers count as arguments; everything after `--` is kept apart, untouched.
 *
 * @example
 * ```ts
 * splitCommandLine(['com.add', '-1', '--kwargs', '{}', '2'], { kwargs: { type: 'string' } });
 * // { flags: ['--kwargs', '{}'], positionals: ['com.add', '-1', '2'], at: [0, 1, 4], rest: null }
 * ```
 */
export function splitCommandLine(
  argv: readonly string[],
  options: OptionTable,
): { flags: string[]; positionals: string[]; at: number[]; rest: string[] | null } {
  const flags: string[] = [];
  const positionals: string[] = [];
  /** Where each positional stands in `argv`. */
  const at: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') return { flags, positionals, at, rest: argv.slice(i + 1) };
    if (!token.startsWith('-') || token === '-' || NEGATIVE_NUMBER.test(token)) {
      positionals.push(token);
      at.push(i);
      continue;
    }
    flags.push(token);
    // `--name value` and `-n value`: the value goes with its flag, whatever it looks like.
    if (!token.includes('=') && optionNamed(options, token)?.type === 'string' && i + 1 < argv.length) {
      flags.push(argv[++i]!);
    }
  }
  return { flags, positionals, at, rest: null };
}

/**
 * Parses a command's flags (strictly: an unknown flag is a usage error naming it) and positional arguments.
 *
 * @example
 * ```ts
 * parseCommandLine(['com.add', '1', '--json'], { ...COMMON_OPTIONS }, 'call');
 * // { values: { json: true }, positionals: ['com.add', '1'], rest: null }
 * ```
 */
export function parseCommandLine(argv: readonly string[], options: OptionTable, command: string): ParsedCommandLine {
  const { flags, positionals, rest } = splitCommandLine(argv, options);
  try {
    const { values } = parseArgs({ args: flags, options, strict: true, allowPositionals: false });
    return { values, positionals, rest };
  } catch (error) {
    // parseArgs suggests '--' for values that start with '-'; the message stays one line.
    throw new UsageError((error as Error).message.replace(/\. To specify.*$/s, ''), command);
  }
}

/**
 * A flag's string value, when it was given.
 *
 * @example
 * ```ts
 * stringFlag({ realm: 'app' }, 'realm'); // 'app'
 * ```
 */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * A flag's value as a number of seconds (decimals allowed), in milliseconds; undefined when not given.
 *
 * @example
 * ```ts
 * secondsFlag({ timeout: '1.5' }, 'timeout', 'call'); // 1500
 * ```
 */
export function secondsFlag(values: FlagValues, name: string, command: string): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const seconds = Number(text);
  // The longest a JavaScript timer holds: 2^31 - 1 ms.
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds * 1000 > 2 ** 31 - 1) {
    throw new UsageError(`--${name} must be a number of seconds above 0, got "${text}"`, command);
  }
  return Math.round(seconds * 1000);
}

/**
 * A flag's value as a whole number from `min` to `max`; undefined when not given.
 *
 * @example
 * ```ts
 * integerFlag({ count: '3' }, 'count', 'subscribe', 1); // 3
 * ```
 */
export function integerFlag(
  values: FlagValues,
  name: string,
  command: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  const number = Number(text);
  if (text.trim() === '' || !Number.isInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${text}"`, command);
  }
  return number;
}

/**
 * A flag's value, one of `choices`; undefined when not given.
 *
 * @example
 * ```ts
 * choiceFlag({ match: 'prefix' }, 'match', 'subscribe', ['exact', 'prefix', 'wildcard']); // 'prefix'
 * ```
 */
export function choiceFlag<T extends string>(
  values: FlagValues,
  name: string,
  command: string,
  choices: readonly T[],
): T | undefined {
  const text = stringFlag(values, name);
  if (text === undefined) return undefined;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got "${text}"`, command);
  }
  return text as T;
}
