// The payload of a call or publication from the command line: each positional argument is JSON when it parses as
// JSON, else a string; `--kwargs` must be a JSON object.
import { type FlagValues, stringFlag } from './args.js';
import { UsageError } from './errors.js';

/** Keyword arguments, as WAMP carries them. */
export type KwArgs = Record<string, unknown>;

/**
 * One argument: its JSON value when it parses (`40` → 40, `true`, `null`, `[1,2]`, `"quoted"` → 'quoted'),
 * otherwise the text itself (`hello` → 'hello').
 *
 * @example
 * ```ts
 * parseArgument('40'); // 40
 * parseArgument('hello'); // 'hello'
 * ```
 */
export function parseArgument(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * `--kwargs`: a JSON object, or undefined when not given.
 *
 * @example
 * ```ts
 * parseKwargs({ kwargs: '{"verbose":true}' }, 'call'); // { verbose: true }
 * ```
 */
export function parseKwargs(values: FlagValues, command: string): KwArgs | undefined {
  const text = stringFlag(values, 'kwargs');
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      `--kwargs must be a JSON object such as '{"name":"ada"}': ${(error as Error).message}`,
      command,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`--kwargs must be a JSON object such as '{"name":"ada"}', got ${text}`, command);
  }
  return parsed as KwArgs;
}

/**
 * The text a program printed as a WAMP value: JSON when it parses, else the text; trailing line breaks are not
 * part of it (as with `$(command)` in a shell). Empty output is no value at all.
 *
 * @example
 * ```ts
 * valueOfOutput('42\n'); // { value: 42 }
 * valueOfOutput('hello world\n'); // { value: 'hello world' }
 * valueOfOutput(''); // undefined
 * ```
 */
export function valueOfOutput(text: string): { value: unknown } | undefined {
  const trimmed = text.replace(/[\r\n]+$/, '');
  if (trimmed === '') return undefined;
  return { value: parseArgument(trimmed) };
}
