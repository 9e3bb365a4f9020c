// The config file of `wamp-router` (JSON or YAML): its shape, and its reading with every key checked.
import { readFileSync } from 'node:fs';
import { isDict } from '@wamp/protocol';
import { parse as parseYaml } from 'yaml';
import { RouterError, RouterErrorCode } from '../errors.js';
import { type RouterOptions, resolveOptions } from '../options.js';
import { type RawSocketConfig, rawsocketConfigProblem } from './rawsocket-config.js';
import { isHttpUrl } from './trace-export.js';

/**
 * The config file's shape: router options (but `tracing`, an object a file cannot hold) plus where to listen, TLS,
 * the log level and where to export traces.
 */
export interface ConfigFile extends Omit<RouterOptions, 'tracing'> {
  host?: string;
  port?: number;
  path?: string;
  tls?: { cert: string; key: string };
  /** RawSocket listeners: a TCP port and/or a Unix socket, as `--rawsocket-port`, `--unix`, `--unix-mode`. */
  rawsocket?: RawSocketConfig;
  static?: string;
  logLevel?: string;
  /** The OTLP/HTTP base URL to export traces to, as `--otlp-endpoint`. */
  otlpEndpoint?: string;
}

/**
 * Every key a file may have (each router option but the logger, which a file cannot hold: the type refuses a key
 * missing or extra) and its top-level form, worded for a file. The router options are then checked at every depth by
 * `resolveOptions` (see `checkRouterOptions`), which holds their rules.
 */
const KEYS: Record<keyof Omit<ConfigFile, 'logger'>, (value: unknown) => string | undefined> = {
  host: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a host name or address'),
  port: (v) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535 ? undefined : 'a port 0-65535'),
  path: (v) => (typeof v === 'string' && v.startsWith('/') ? undefined : 'a path starting with "/"'),
  realms: (v) => (isStringList(v) ? undefined : 'a list of realm names'),
  autoCreateRealms: (v) => (typeof v === 'boolean' ? undefined : 'true or false'),
  serializers: (v) => (isStringList(v) ? undefined : 'a list of json, cbor, msgpack'),
  uriCheck: (v) => (v === 'loose' || v === 'strict' ? undefined : 'loose or strict'),
  allowedOrigins: (v) => (isStringList(v) ? undefined : 'a list of origins'),
  perMessageDeflate: (v) => (typeof v === 'boolean' ? undefined : 'true or false'),
  limits: (v) => (isDict(v) ? undefined : 'a map of limits'),
  auth: (v) =>
    isDict(v) ? undefined : 'a map of realms to { anonymous?, ticket?, wampcra?, cryptosign?, scram?, roles?, … }',
  cluster: (v) => (isDict(v) && isDict(v.nats) ? undefined : '{ nats: { servers: URL or list, name? } }'),
  eventHistory: (v) => (Array.isArray(v) ? undefined : 'a list of { topic, match?, limit? }'),
  keepalive: (v) => (v === false || isDict(v) ? undefined : 'false or { intervalMs, timeoutMs }'),
  metrics: (v) =>
    typeof v === 'boolean' || isDict(v) ? undefined : 'true, false or { port?, host?, procedures?, topProcedures? }',
  tls: (v) =>
    isDict(v) && typeof v.cert === 'string' && typeof v.key === 'string'
      ? undefined
      : '{ cert: FILE, key: FILE } (PEM files)',
  rawsocket: rawsocketConfigProblem,
  static: (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'a directory path'),
  logLevel: (v) => (typeof v === 'string' ? undefined : 'a log level name'),
  dashboard: (v) =>
    typeof v === 'boolean' || isDict(v) ? undefined : 'true, false or { token?, adminRoles?, allowedOrigins?, … }',
  otlpEndpoint: (v) => (isHttpUrl(v) ? undefined : 'an http:// or https:// URL (the OTLP/HTTP base URL)'),
};

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function configError(file: string, message: string, cause?: unknown): RouterError {
  return new RouterError(RouterErrorCode.CONFIG_FILE, `${file}: ${message}`, { cause });
}

/**
 * Checks the file's router options as `createRouter` will, so that an error at any depth names the file as well as
 * the key path (`router.yaml: Unknown option "auth.realm1.roles.user[0].mtch" …`).
 */
function checkRouterOptions(file: string, config: ConfigFile): void {
  const { host, port, path, tls, rawsocket, static: staticDir, logLevel, otlpEndpoint, ...options } = config;
  // A file may list no realm of its own when --realm adds them: that rule is checked on the merged options.
  if (options.realms?.length === 0) delete options.realms;
  try {
    resolveOptions(options);
  } catch (error) {
    if (!(error instanceof RouterError)) throw error;
    throw configError(file, `${error.message}; fix it in the config file`, error);
  }
}

/**
 * Reads a JSON or YAML config file and checks its keys, at every depth; errors name the file and the bad key path.
 *
 * @example
 * ```ts
 * const config = loadConfigFile('router.yaml'); // { port: 8080, realms: ['realm1'], ... }
 * ```
 */
export function loadConfigFile(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(file, `cannot read the config file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, error);
  }
  let data: unknown;
  try {
    // YAML is a superset of JSON, but JSON.parse gives better messages for .json files.
    data = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw configError(
      file,
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
      error,
    );
  }
  if (data === null || data === undefined) return {};
  if (!isDict(data)) throw configError(file, 'the top level must be a map of options');
  for (const [key, value] of Object.entries(data)) {
    const check = KEYS[key as keyof typeof KEYS];
    if (check === undefined) {
      throw configError(file, `unknown key "${key}" (known keys: ${Object.keys(KEYS).join(', ')})`);
    }
    const expected = check(value);
    // An `auth` or `dashboard` value in the wrong place may be a secret: it is not shown.
    const got = key === 'auth' || key === 'dashboard' ? '' : `, got ${JSON.stringify(value)}`;
    if (expected !== undefined) throw configError(file, `"${key}" must be ${expected}${got}`);
  }
  checkRouterOptions(file, data as ConfigFile);
  return data as ConfigFile;
}
