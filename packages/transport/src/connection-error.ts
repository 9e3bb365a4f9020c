// ConnectionError: why a WebSocket connection could not be opened.
/**
 * What kind of failure kept {@link ConnectionError}'s connection from opening:
 *
 * - `'network'`: no WebSocket handshake took place: the connection was refused, the host name did not resolve,
 *   the connection was reset, or TLS failed. `cause` is the system error (its `code` is e.g. `'ECONNREFUSED'`,
 *   `'ENOTFOUND'`). Browsers hide the cause of every failure before the connection opens, so there each one is
 *   `'network'`.
 * - `'http'`: the server refused the upgrade with an HTTP status, in `status` (404 for a wrong path, 403 for a
 *   refused origin, 400 when it speaks none of the offered subprotocols, …); the message has its explanation.
 * - `'handshake'`: the server accepted the upgrade in a way this client cannot use: it chose no subprotocol, or
 *   one that was not offered (a WebSocket endpoint that does not speak WAMP), or sent an invalid handshake.
 *
 * @example
 * ```ts
 * if (error instanceof ConnectionError && error.code === 'http' && error.status === 404) fixTheUrl();
 * ```
 */
export type ConnectionErrorCode = 'network' | 'http' | 'handshake';

/**
 * Details of a {@link ConnectionError}.
 *
 * @example
 * ```ts
 * new ConnectionError('http', url, 'HTTP 404 Not Found', { status: 404 });
 * ```
 */
export interface ConnectionErrorInit {
  /** The HTTP status of a refused upgrade. */
  status?: number;
  /** The underlying error, e.g. the system error of a refused connection. */
  cause?: unknown;
}

/**
 * A WebSocket connection to `url` could not be opened. `code` says why (see {@link ConnectionErrorCode}), and
 * the message says it in words: `cannot connect to ws://127.0.0.1:8080/ws: connect ECONNREFUSED 127.0.0.1:8080`.
 * Match it by `name === 'ConnectionError'` as well as with `instanceof`.
 *
 * @example
 * ```ts
 * try { await connect(url, { serializers: [jsonSerializer] }); } catch (e) {
 *   if (e instanceof ConnectionError) console.log(e.code, e.status, e.cause);
 * }
 * ```
 */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
  /** The kind of failure. */
  readonly code: ConnectionErrorCode;
  /** The URL that could not be reached. */
  readonly url: string;
  /** The HTTP status when `code` is `'http'`. */
  readonly status: number | undefined;

  constructor(code: ConnectionErrorCode, url: string, explanation: string, init: ConnectionErrorInit = {}) {
    super(
      `cannot connect to ${url}${explanation === '' ? '' : `: ${explanation}`}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.code = code;
    this.url = url;
    this.status = init.status;
  }
}
