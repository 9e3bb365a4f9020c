// The building blocks of option checks: predicates, and checks that throw a RouterError naming the option's path.
import { isDict } from '@wamp/protocol';
import { RouterError, RouterErrorCode } from './errors.js';

/**
 * Checks one option at `path` (e.g. `auth.realm1.roles.user[0].match`) and throws an `INVALID_OPTION`
 * {@link RouterError} naming that path when it is wrong.
 */
export type OptionCheck = (path: string, value: unknown) => void;

/** A whole number above zero. */
export const isPositiveInteger = (value: unknown): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value > 0;

/** A string with at least one character. */
export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** What a value is, without showing it: for secrets and for whole maps that may hold them. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}

function show(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing';
  if (secret) return typeof value === 'string' ? 'a string (not shown)' : kindOf(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The error for a value of the wrong form; with `secret` the value is described by its kind only, never shown. */
export function invalid(path: string, expected: string, got: unknown, secret = false): RouterError {
  return new RouterError(
    RouterErrorCode.INVALID_OPTION,
    `Invalid option "${path}": expected ${expected}, got ${show(got, secret)}`,
  );
}

/** Refuses keys nobody reads, so a typo in a config file is an error rather than a silently ignored setting. */
export function knownKeys(prefix: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new RouterError(
        RouterErrorCode.INVALID_OPTION,
        `Unknown option "${prefix}${key}" (known: ${known.join(', ')})`,
      );
    }
  }
}

/** The value, a positive integer, or `fallback` when absent. */
export function positiveInteger(path: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isPositiveInteger(value)) throw invalid(path, 'a positive integer', value);
  return value;
}

/** The value, one of `allowed`, or `fallback` when absent. */
export function oneOf<T extends string>(path: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw invalid(path, `one of ${allowed.join(', ')}`, value);
  return value as T;
}

/** The value, true or false, or `fallback` when absent. */
export function booleanOption(path: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalid(path, 'true or false', value);
  return value;
}

/** The value, a list of non-empty strings, or undefined when absent. */
export function stringList(path: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string' || item.length === 0)) {
    throw invalid(path, 'a list of non-empty strings', value);
  }
  return value as string[];
}

/** A value that must pass `test`; shown in the error unless it is `secret`. */
export function is(expected: string, test: (value: unknown) => boolean, secret = false): OptionCheck {
  return (path, value) => {
    if (!test(value)) throw invalid(path, expected, value, secret);
  };
}

/** The check, when the value is there. */
export function optional(check: OptionCheck): OptionCheck {
  return (path, value) => {
    if (value !== undefined) check(path, value);
  };
}

/**
 * A map with exactly these keys (each key's check decides whether it may be absent), then `refine` for rules that
 * span keys. A value that is no map is described by its kind only: it may hold a secret in the wrong place.
 */
export function shape(
  expected: string,
  fields: Record<string, OptionCheck>,
  refine?: (path: string, value: Record<string, unknown>) => void,
): OptionCheck {
  const keys = Object.keys(fields);
  return (path, value) => {
    if (!isDict(value)) throw invalid(path, expected, value, true);
    knownKeys(`${path}.`, value, keys);
    for (const key of keys) fields[key]!(`${path}.${key}`, value[key]);
    refine?.(path, value);
  };
}

/** A map of names (authids, roles, realms) to values that each pass `check`. */
export function mapOf(expected: string, check: OptionCheck): OptionCheck {
  return (path, value) => {
    if (!isDict(value)) throw invalid(path, expected, value, true);
    for (const [key, item] of Object.entries(value)) check(`${path}.${key}`, item);
  };
}

/** A list of values that each pass `check`. */
export function listOf(expected: string, check: OptionCheck): OptionCheck {
  return (path, value) => {
    if (!Array.isArray(value)) throw invalid(path, expected, value, true);
    for (const [index, item] of value.entries()) check(`${path}[${index}]`, item);
  };
}
