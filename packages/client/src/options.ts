// The options of a connection (URL, realm, serializers, reconnect, authentication): their check, and their defaults.
import type { Dict, Serializer, WelcomeDetails } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { exponentialBackoff, type RetryDelay } from './backoff.js';
import type { Transport } from './neutral-transport.js';
import type { SessionTracer } from './tracing.js';

/**
 * Reconnect settings; `reconnect: false` turns reconnecting off.
 *
 * @example
 * ```ts
 * await Session.connect({ url, realm, reconnect: { retryDelay: (attempt) => 1_000 * attempt, maxAttempts: 10 } });
 * ```
 */
export interface ReconnectOptions {
  /** Delay before attempt N (1-based). Default: exponential backoff with full jitter, 250 ms doubling up to 30 s. */
  retryDelay?: RetryDelay;
  /** Give up after this many failed attempts in a row. Default: never. */
  maxAttempts?: number;
}

/**
 * A CHALLENGE from the router (advanced profile, authentication).
 *
 * @example
 * ```ts
 * const onChallenge = ({ method, extra }: Challenge) => (method === 'ticket' ? token : sign(extra));
 * ```
 */
export interface Challenge {
  /** The authentication method the router picked, e.g. `'ticket'`. */
  method: string;
  /** `CHALLENGE.Extra|dict`: what the method needs, e.g. a nonce. */
  extra: Dict;
  /** The connection's `tls-unique` channel binding data, on a TLS connection in Node (not in browsers). */
  tlsUnique?: Uint8Array;
}

/**
 * Authentication settings, sent in HELLO. Without them the session joins anonymously.
 *
 * @example
 * ```ts
 * auth: { authid: 'joe', authmethods: ['ticket'], onChallenge: () => fetchToken() }
 * ```
 */
export interface AuthOptions {
  /** Methods the client can perform, most preferred first (`HELLO.Details.authmethods`). */
  authmethods?: string[];
  /** Who the client claims to be. */
  authid?: string;
  /** The role it asks for. */
  authrole?: string;
  /**
   * Method-specific data for HELLO, e.g. a public key. Read once per HELLO, so a getter can give each join fresh
   * data (WAMP-SCRAM's client nonce).
   */
  authextra?: Dict;
  /**
   * Answers a CHALLENGE with the AUTHENTICATE signature (and optional extra). Called on every join, so a fresh
   * token can be fetched after a reconnect. A throw aborts the join.
   */
  onChallenge?: (
    challenge: Challenge,
  ) => string | { signature: string; extra?: Dict } | Promise<string | { signature: string; extra?: Dict }>;
  /**
   * Checks WELCOME before the session opens, e.g. the router's proof of the shared secret (WAMP-SCRAM's server
   * signature): mutual authentication. Called on every join, also when there was no CHALLENGE. A throw refuses
   * the router: the client sends GOODBYE (`wamp.error.authentication_failed`), closes the connection, and the
   * join fails with the thrown error.
   *
   * @example
   * ```ts
   * onWelcome: (welcome) => { if (welcome.authmethod !== 'wamp-scram') throw new Error('not authenticated'); }
   * ```
   */
  onWelcome?: (welcome: WelcomeDetails) => void;
}

/**
 * Ticket authentication (advanced profile): offers `ticket` for `authid` and answers the challenge with the
 * ticket, or with what `ticket()` returns on each join.
 *
 * @example
 * ```ts
 * await Session.connect({ url, realm: 'realm1', auth: ticketAuth('joe', () => getToken()) });
 * ```
 */
export function ticketAuth(authid: string, ticket: string | (() => string | Promise<string>)): AuthOptions {
  return {
    authid,
    authmethods: ['ticket'],
    onChallenge: typeof ticket === 'string' ? () => ticket : ticket,
  };
}

/**
 * Options of {@link RawSession.open} (and, with `api`, of `Session.connect`).
 *
 * @example
 * ```ts
 * const options: ConnectOptions = { url: 'ws://127.0.0.1:8080/ws', realm: 'realm1', serializers: [cbor, json] };
 * ```
 */
export interface ConnectOptions {
  /**
   * The router's URL: WebSocket, e.g. `ws://127.0.0.1:8080/ws` (`wss://` for TLS), or in Node RawSocket:
   * `rs://127.0.0.1:8081`, `rss://` for TLS, `rs+unix:///run/wamp-router.sock`. Required unless `transport` is given.
   */
  url?: string;
  /** The realm to join. */
  realm: string;
  /** Serializers to offer, most preferred first. Default JSON; import CBOR/MessagePack from `@wamp/client/cbor` or `/msgpack`. */
  serializers?: readonly Serializer[];
  /** Authentication; anonymous without it. */
  auth?: AuthOptions;
  /** Aborts connecting: `connect` rejects with the signal's reason. It does not affect the session once open. */
  signal?: AbortSignal;
  /** Reconnect after an unexpected close, restoring registrations and subscriptions. Default on. */
  reconnect?: ReconnectOptions | false;
  /** Opens the transport instead of a WebSocket to `url`, e.g. `() => router.createLocalTransport()`. */
  transport?: () => Transport | Promise<Transport>;
  /**
   * Traces (see the README, "Tracing"), e.g. `openTelemetry()` from `@wamp/client/opentelemetry`: calls and
   * publications then carry the active trace context, and handlers run in spans that continue it. Default off.
   */
  tracing?: SessionTracer;
}

/**
 * Options after validation, defaults filled in.
 *
 * @example
 * ```ts
 * const { realm, serializers, reconnect }: ResolvedOptions = resolveOptions({ url, realm: 'realm1' });
 * ```
 */
export interface ResolvedOptions {
  readonly url: string;
  readonly realm: string;
  readonly serializers: readonly Serializer[];
  readonly auth: AuthOptions | undefined;
  readonly reconnect: { readonly retryDelay: RetryDelay; readonly maxAttempts: number } | false;
  readonly transport: (() => Transport | Promise<Transport>) | undefined;
  /** The session's tracer; null when tracing is off. */
  readonly tracing: SessionTracer | null;
}

function invalid(option: string, expected: string): TypeError {
  return new TypeError(`Session.connect: options.${option} must be ${expected}`);
}

/**
 * Validates the options once, naming the option at fault, and fills in the defaults.
 *
 * @example
 * ```ts
 * const resolved = resolveOptions({ url, realm: 'realm1' }); // JSON, reconnect on
 * ```
 */
export function resolveOptions(options: ConnectOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('', 'an object');
  const { url, realm, serializers = [jsonSerializer], auth, reconnect = {}, transport, tracing } = options;
  if (typeof realm !== 'string' || realm === '') throw invalid('realm', 'a non-empty string');
  if (transport === undefined && (typeof url !== 'string' || url === '')) {
    throw invalid('url', 'a ws://, wss:// or (in Node) rs://, rss://, rs+unix:// URL (or pass options.transport)');
  }
  if (transport !== undefined && typeof transport !== 'function') throw invalid('transport', 'a function');
  if (!Array.isArray(serializers) || serializers.length === 0) throw invalid('serializers', 'a non-empty array');
  if (auth !== undefined && auth.onChallenge !== undefined && typeof auth.onChallenge !== 'function') {
    throw invalid('auth.onChallenge', 'a function');
  }
  if (auth !== undefined && auth.onWelcome !== undefined && typeof auth.onWelcome !== 'function') {
    throw invalid('auth.onWelcome', 'a function');
  }
  if (tracing !== undefined && typeof (tracing as Partial<SessionTracer> | null)?.invocation !== 'function') {
    throw invalid('tracing', 'a SessionTracer (openTelemetry() of @wamp/client/opentelemetry)');
  }
  let resolvedReconnect: ResolvedOptions['reconnect'] = false;
  if (reconnect !== false) {
    const { retryDelay = exponentialBackoff(), maxAttempts = Number.POSITIVE_INFINITY } = reconnect;
    if (typeof retryDelay !== 'function') throw invalid('reconnect.retryDelay', 'a function');
    if (!(maxAttempts >= 1)) throw invalid('reconnect.maxAttempts', 'a number of at least 1');
    resolvedReconnect = { retryDelay, maxAttempts };
  }
  return {
    url: url ?? '',
    realm,
    serializers,
    auth,
    reconnect: resolvedReconnect,
    transport,
    tracing: tracing ?? null,
  };
}
