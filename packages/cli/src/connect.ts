// Opening the session of one run: the serializer and authentication the settings name, a deadline, and the
// failures to connect turned into ConnectFailure (exit 3) with the URL in the message.
import {
  type AuthOptions,
  ConnectionClosedError,
  ConnectionError,
  cryptosignAuth,
  isWampError,
  json,
  Session,
  scramAuth,
  ticketAuth,
  wampcraAuth,
} from '@wamp/client';
import { ConnectFailure } from './errors.js';
import type { AuthSettings, ConnectionSettings, SerializerName } from './settings.js';

/**
 * The client's authentication options for `auth`; undefined for anonymous.
 *
 * @example
 * ```ts
 * await authOptions({ method: 'ticket', authid: 'joe', secret: 'open sesame' }); // ticketAuth('joe', …)
 * ```
 */
export async function authOptions(auth: AuthSettings): Promise<AuthOptions | undefined> {
  const role = auth.authrole === undefined ? {} : { authrole: auth.authrole };
  switch (auth.method) {
    case 'anonymous':
      return auth.authid === undefined && auth.authrole === undefined
        ? undefined
        : { authmethods: ['anonymous'], ...(auth.authid !== undefined && { authid: auth.authid }), ...role };
    case 'ticket':
      return { ...ticketAuth(auth.authid!, auth.secret), ...role };
    case 'wampcra':
      return { ...wampcraAuth(auth.authid!, auth.secret), ...role };
    case 'scram':
      return withRole(scramAuth(auth.authid!, auth.secret), auth.authrole);
    case 'cryptosign':
      return { ...(await cryptosignAuth(auth.secret, auth.authid)), ...role };
  }
}

/** SCRAM's options read `authextra` through a getter (a fresh nonce per HELLO), which a spread would freeze. */
function withRole(options: AuthOptions, authrole: string | undefined): AuthOptions {
  if (authrole !== undefined) options.authrole = authrole;
  return options;
}

async function serializerOf(name: SerializerName) {
  switch (name) {
    case 'json':
      return json;
    case 'cbor':
      return (await import('@wamp/client/cbor')).cbor;
    case 'msgpack':
      return (await import('@wamp/client/msgpack')).msgpack;
  }
}

/**
 * Opens a session as `settings` say. A one-shot command does not reconnect; a long-running one (subscribe,
 * register, top) does, restoring its subscription or registration. Failing to reach the router, or its closing
 * the connection before WELCOME, is a {@link ConnectFailure}; the router's ABORT stays a `WampError`.
 *
 * @example
 * ```ts
 * const session = await openSession(settings, { reconnect: false });
 * ```
 */
export async function openSession(settings: ConnectionSettings, options: { reconnect: boolean }): Promise<Session> {
  const auth = await authOptions(settings.auth);
  try {
    return await Session.connect({
      url: settings.url,
      realm: settings.realm,
      serializers: [await serializerOf(settings.serializer)],
      ...(auth !== undefined && { auth }),
      reconnect: options.reconnect ? {} : false,
      signal: AbortSignal.timeout(settings.connectTimeoutMs),
    });
  } catch (error) {
    throw connectFailure(error, settings);
  }
}

function connectFailure(error: unknown, settings: ConnectionSettings): unknown {
  if (isWampError(error)) return error;
  const { url, connectTimeoutMs } = settings;
  if (error instanceof ConnectionError || (error instanceof Error && error.name === 'ConnectionError')) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    const why = error.message.includes(url) ? error.message : `could not connect to ${url}: ${error.message}`;
    return new ConnectFailure(
      `${why}${cause !== undefined && !why.includes(cause) ? ` (${cause})` : ''}: is the router running there? Check --url`,
    );
  }
  if (error instanceof ConnectionClosedError) {
    return new ConnectFailure(`the connection to ${url} closed before the session opened: ${error.message}`);
  }
  if (error instanceof DOMException && error.name === 'TimeoutError') {
    return new ConnectFailure(
      `could not connect to ${url} within ${connectTimeoutMs / 1000} s: check --url, or wait longer with --connect-timeout`,
    );
  }
  return error;
}
