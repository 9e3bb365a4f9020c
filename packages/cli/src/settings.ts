// The connection settings of one run: each flag from the command line, else from its WAMP_* environment variable,
// else from the profile, else its default; the secret read from wherever it was given, and checked per method.
import { readFileSync } from 'node:fs';
import { type FlagValues, stringFlag } from './args.js';
import { UsageError } from './errors.js';
import { defaultProfilesFile, loadProfile, type Profile, type ProfileField } from './profiles.js';

/** `wamp-router`'s defaults: `--port 8080 --path /ws` on 127.0.0.1, realm `realm1`. */
export const DEFAULT_URL = 'ws://127.0.0.1:8080/ws';
export const DEFAULT_REALM = 'realm1';
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export const SERIALIZERS = ['json', 'cbor', 'msgpack'] as const;
export type SerializerName = (typeof SERIALIZERS)[number];

export const AUTH_METHODS = ['anonymous', 'ticket', 'wampcra', 'scram', 'cryptosign'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** How to authenticate; `secret` is the ticket, the WAMP-CRA secret, the SCRAM password or the private key. */
export type AuthSettings =
  | { method: 'anonymous'; authid?: string; authrole?: string }
  | { method: Exclude<AuthMethod, 'anonymous'>; authid?: string; authrole?: string; secret: string };

/** Everything needed to open a session, and where `wamp top` scrapes. */
export interface ConnectionSettings {
  url: string;
  realm: string;
  serializer: SerializerName;
  auth: AuthSettings;
  connectTimeoutMs: number;
  /** `--metrics-url`, when given; `wamp top` otherwise derives it from `url`. */
  metricsUrl: string | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The environment variable of a flag: `WAMP_` and its name in capitals, dashes as underscores.
 *
 * @example
 * ```ts
 * envName('secret-file'); // 'WAMP_SECRET_FILE'
 * ```
 */
export function envName(flag: string): string {
  return `WAMP_${flag.toUpperCase().replaceAll('-', '_')}`;
}

/** One setting and where it came from (for messages: never its value, which may be a secret). */
interface Found {
  value: string;
  from: string;
}

/**
 * Resolves the connection settings of a command line: flag, then environment, then profile, then default.
 *
 * @example
 * ```ts
 * const settings = resolveSettings({ realm: 'app', auth: 'ticket', authid: 'joe', 'secret-file': 'joe.ticket' }, process.env, 'call');
 * ```
 */
export function resolveSettings(values: FlagValues, env: Env, command: string): ConnectionSettings {
  const profilesFile = stringFlag(values, 'profiles') ?? env.WAMP_PROFILES;
  const profile: Profile = loadProfile({
    file: profilesFile ?? defaultProfilesFile(env),
    name: stringFlag(values, 'profile') ?? (env.WAMP_PROFILE || undefined),
    fileNamed: profilesFile !== undefined,
    env,
  });
  const find = (flag: ProfileField): Found | undefined => {
    const fromFlag = stringFlag(values, flag);
    if (fromFlag !== undefined) return { value: fromFlag, from: `--${flag}` };
    const fromEnv = env[envName(flag)];
    if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, from: envName(flag) };
    const fromProfile = profile[flag];
    if (fromProfile !== undefined) return { value: fromProfile, from: `the profile's "${flag}"` };
    return undefined;
  };
  const url = find('url')?.value ?? DEFAULT_URL;
  checkUrl(url, command);
  const serializer = find('serializer');
  if (serializer !== undefined && !(SERIALIZERS as readonly string[]).includes(serializer.value)) {
    throw new UsageError(
      `${serializer.from} must be one of ${SERIALIZERS.join(', ')}, got "${serializer.value}"`,
      command,
    );
  }
  const metricsUrl = find('metrics-url')?.value;
  if (metricsUrl !== undefined) checkHttpUrl(metricsUrl, command);
  return {
    url,
    realm: find('realm')?.value ?? DEFAULT_REALM,
    serializer: (serializer?.value as SerializerName | undefined) ?? 'json',
    auth: authSettings(find, command),
    connectTimeoutMs: connectTimeout(find('connect-timeout'), command),
    metricsUrl,
  };
}

function checkUrl(url: string, command: string): void {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new UsageError(`--url must be a WebSocket URL such as ${DEFAULT_URL}, got "${url}"`, command);
  }
  if (protocol !== 'ws:' && protocol !== 'wss:') {
    throw new UsageError(`--url must start with ws:// or wss://, got "${url}"`, command);
  }
}

function checkHttpUrl(url: string, command: string): void {
  let protocol = '';
  try {
    protocol = new URL(url).protocol;
  } catch {}
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UsageError(`--metrics-url must be an http:// or https:// URL, got "${url}"`, command);
  }
}

function connectTimeout(found: Found | undefined, command: string): number {
  if (found === undefined) return DEFAULT_CONNECT_TIMEOUT_MS;
  const seconds = Number(found.value);
  if (found.value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 2_000_000) {
    throw new UsageError(`${found.from} must be a number of seconds above 0, got "${found.value}"`, command);
  }
  return Math.round(seconds * 1000);
}

/** Where a setting came from, most specific first: a flag, a variable, the profile. */
function level(found: Found): number {
  return found.from.startsWith('--') ? 0 : found.from.startsWith('WAMP_') ? 1 : 2;
}

/** The secret from `--secret` or `--secret-file` (or their variables, or the profile), read from its file. */
function readSecret(find: (flag: ProfileField) => Found | undefined, command: string): Found | undefined {
  const inline = find('secret');
  const file = find('secret-file');
  if (inline !== undefined && file !== undefined && level(inline) === level(file)) {
    throw new UsageError(`give the secret once: ${inline.from} or ${file.from}, not both`, command);
  }
  if (file === undefined || (inline !== undefined && level(inline) < level(file))) return inline;
  try {
    return { value: readFileSync(file.value, 'utf8').replace(/\r?\n$/, ''), from: file.from };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read the secret file ${file.value} (${code}), named by ${file.from}`, command);
  }
}

function authSettings(find: (flag: ProfileField) => Found | undefined, command: string): AuthSettings {
  const method = find('auth');
  if (method !== undefined && !(AUTH_METHODS as readonly string[]).includes(method.value)) {
    throw new UsageError(`${method.from} must be one of ${AUTH_METHODS.join(', ')}, got "${method.value}"`, command);
  }
  const authid = find('authid')?.value;
  const authrole = find('authrole')?.value;
  const identity = { ...(authid !== undefined && { authid }), ...(authrole !== undefined && { authrole }) };
  const secret = readSecret(find, command);
  if (method === undefined || method.value === 'anonymous') {
    if (method === undefined && secret !== undefined) {
      throw new UsageError(
        `a secret was given (${secret.from}) but no method: add --auth ticket, wampcra, scram or cryptosign`,
        command,
      );
    }
    return { method: 'anonymous', ...identity };
  }
  const chosen = method.value as Exclude<AuthMethod, 'anonymous'>;
  if (secret === undefined || secret.value === '') {
    throw new UsageError(
      `--auth ${chosen} needs ${SECRET_NAMES[chosen]}: --secret-file FILE, the variable WAMP_SECRET, or --secret`,
      command,
    );
  }
  if (chosen !== 'cryptosign' && authid === undefined) {
    throw new UsageError(`--auth ${chosen} needs --authid (the user to authenticate as)`, command);
  }
  if (chosen === 'cryptosign' && !/^[0-9a-fA-F]{64}$/.test(secret.value)) {
    throw new UsageError(
      `the secret for --auth cryptosign (${secret.from}) must be the Ed25519 private key: 64 hex digits (its 32-byte seed)`,
      command,
    );
  }
  return { method: chosen, ...identity, secret: secret.value };
}

const SECRET_NAMES: Record<Exclude<AuthMethod, 'anonymous'>, string> = {
  ticket: 'the ticket',
  wampcra: 'the WAMP-CRA secret',
  scram: 'the password',
  cryptosign: 'the private key (64 hex digits)',
};
