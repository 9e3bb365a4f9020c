// Profiles: named sets of connection flags in a JSON file, so `wamp --profile prod sessions` needs no other flag.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** The flags a profile may set: the connection flags and `metrics-url`, under their flag names. */
export const PROFILE_FIELDS = [
  'url',
  'realm',
  'serializer',
  'auth',
  'authid',
  'authrole',
  'secret',
  'secret-file',
  'connect-timeout',
  'metrics-url',
] as const;

export type ProfileField = (typeof PROFILE_FIELDS)[number];

/** One profile's fields, all strings; `secret-file` already resolved against the profile file's folder. */
export type Profile = Partial<Record<ProfileField, string>>;

/**
 * Where profiles are read from when neither `--profiles` nor `WAMP_PROFILES` says: `wamp/profiles.json` under
 * `$XDG_CONFIG_HOME`, or under `~/.config`.
 *
 * @example
 * ```ts
 * defaultProfilesFile({ HOME: '/u/ada' }); // '/u/ada/.config/wamp/profiles.json' (on Linux)
 * ```
 */
export function defaultProfilesFile(env: Readonly<Record<string, string | undefined>>): string {
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'wamp', 'profiles.json');
}

/** `~/x` → the home folder's x; anything else relative to `base`. */
function pathFrom(base: string, path: string, env: Readonly<Record<string, string | undefined>>): string {
  if (path === '~' || path.startsWith('~/')) return join(env.HOME || homedir(), path.slice(1));
  return resolve(base, path);
}

/**
 * The profile to use: `name` from `file`. With no name, the file's `default` profile if it has one, else none; a
 * missing file is an error only when a profile was asked for by name or the file was named.
 *
 * @example
 * ```ts
 * loadProfile({ file: '/u/ada/.config/wamp/profiles.json', name: 'prod', fileNamed: false, env: process.env });
 * // { url: 'wss://wamp.example.com/ws', realm: 'app', auth: 'ticket', authid: 'ops', 'secret-file': '/u/ada/…' }
 * ```
 */
export function loadProfile(request: {
  file: string;
  name: string | undefined;
  /** True when the file came from `--profiles` or `WAMP_PROFILES`. */
  fileNamed: boolean;
  env: Readonly<Record<string, string | undefined>>;
}): Profile {
  const { file, name, fileNamed, env } = request;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT' && name === undefined && !fileNamed) return {};
    throw new UsageError(
      `cannot read the profiles file ${file} (${code}): create it, or name another with --profiles FILE or WAMP_PROFILES`,
    );
  }
  let profiles: unknown;
  try {
    profiles = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(profiles)) {
    throw new UsageError(`${file} must hold a JSON object of profiles: { "NAME": { "url": "…", "realm": "…" } }`);
  }
  const chosen = name ?? 'default';
  const profile = profiles[chosen];
  if (profile === undefined) {
    if (name === undefined) return {};
    const known = Object.keys(profiles);
    throw new UsageError(
      `${file} has no profile "${name}" (${known.length === 0 ? 'it has none' : `it has: ${known.join(', ')}`})`,
    );
  }
  return checkedProfile(profile, `${file}: profile "${chosen}"`, dirname(file), env);
}

function checkedProfile(
  profile: unknown,
  where: string,
  base: string,
  env: Readonly<Record<string, string | undefined>>,
): Profile {
  if (!isObject(profile)) throw new UsageError(`${where} must be an object of flags, e.g. { "realm": "realm1" }`);
  const checked: Profile = {};
  for (const [key, value] of Object.entries(profile)) {
    if (!(PROFILE_FIELDS as readonly string[]).includes(key)) {
      throw new UsageError(`${where}: unknown field "${key}" (known: ${PROFILE_FIELDS.join(', ')})`);
    }
    if (typeof value !== 'string' && !(key === 'connect-timeout' && typeof value === 'number')) {
      // The value itself is not shown: it may be a secret.
      throw new UsageError(`${where}: "${key}" must be a string`);
    }
    checked[key as ProfileField] = key === 'secret-file' ? pathFrom(base, String(value), env) : String(value);
  }
  return checked;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
