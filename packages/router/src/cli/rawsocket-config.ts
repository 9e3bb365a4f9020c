// The command's RawSocket settings: the config file's `rawsocket` section, checked, and the flags over it.
import { isDict } from '@wamp/protocol';
import { freeSocketPath } from '@wamp/transport/node';
import { RouterError, RouterErrorCode } from '../errors.js';
import type { RawSocketOptions } from '../rawsocket-listeners.js';
import { type CliArgs, unixModeOf } from './args.js';

/**
 * The config file's `rawsocket` section. `unixMode` is a string of octal digits (`"660"`): a YAML number 660
 * would be read as decimal.
 *
 * @example
 * ```ts
 * const section: RawSocketConfig = { port: 8081, unix: '/run/wamp-router.sock', unixMode: '660' };
 * ```
 */
export interface RawSocketConfig {
  port?: number;
  /** RawSocket on the WebSocket port too (`--rawsocket-share-port`). */
  sharePort?: boolean;
  host?: string;
  unix?: string;
  unixMode?: string;
  keepalive?: false | { intervalMs: number; timeoutMs: number };
}

const SHAPE = '{ port?, sharePort?, host?, unix?, unixMode?: "660", keepalive?: false | { intervalMs, timeoutMs } }';

const isPositive = (value: unknown) => Number.isInteger(value) && (value as number) > 0;

/**
 * What is wrong with a config file's `rawsocket` section, worded as what it must be; undefined when it is right.
 *
 * @example
 * ```ts
 * rawsocketConfigProblem({ port: 'x' }); // 'a map { port?, host?, … } whose port is a port 0-65535'
 * ```
 */
export function rawsocketConfigProblem(value: unknown): string | undefined {
  if (!isDict(value)) return `a map ${SHAPE}`;
  const problems: Record<string, (v: unknown) => boolean> = {
    port: (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535,
    sharePort: (v) => typeof v === 'boolean',
    host: (v) => typeof v === 'string' && v.length > 0,
    unix: (v) => typeof v === 'string' && v.length > 0,
    unixMode: (v) => typeof v === 'string' && /^0?[0-7]{3}$/.test(v),
    keepalive: (v) => v === false || (isDict(v) && isPositive(v.intervalMs) && isPositive(v.timeoutMs)),
  };
  for (const [key, item] of Object.entries(value)) {
    const valid = problems[key];
    if (valid === undefined) return `a map ${SHAPE}, without "${key}"`;
    if (!valid(item)) return `a map ${SHAPE} whose ${key} is valid (got ${JSON.stringify(item)})`;
  }
  if (value.port === undefined && value.unix === undefined && value.sharePort !== true) {
    return `a map ${SHAPE} with a port, sharePort: true, a unix path, or several`;
  }
  return undefined;
}

/**
 * The RawSocket listeners the flags (over the file's section) ask for; undefined for none.
 *
 * @example
 * ```ts
 * rawsocketListen({ rawsocketPort: 8081 } as CliArgs, undefined); // { port: 8081 }
 * ```
 */
export function rawsocketListen(args: CliArgs, file: RawSocketConfig | undefined): RawSocketOptions | undefined {
  const port = args.rawsocketPort ?? file?.port;
  const sharePort = args.rawsocketSharePort ?? file?.sharePort;
  const unix = args.unix ?? file?.unix;
  const host = args.rawsocketHost ?? file?.host;
  const unixMode = args.unixMode ?? (file?.unixMode === undefined ? undefined : unixModeOf('unixMode', file.unixMode));
  if (host !== undefined && port === undefined) {
    throw new RouterError(RouterErrorCode.INVALID_OPTION, '--rawsocket-host goes with --rawsocket-port');
  }
  if (unixMode !== undefined && unix === undefined) {
    throw new RouterError(RouterErrorCode.INVALID_OPTION, '--unix-mode goes with --unix PATH');
  }
  if (port === undefined && unix === undefined && sharePort !== true) return undefined;
  return {
    ...(sharePort === true && { sharePort }),
    ...(port !== undefined && { port }),
    ...(host !== undefined && { host }),
    ...(unix !== undefined && { unix }),
    ...(unixMode !== undefined && { unixMode }),
    ...(file?.keepalive !== undefined && { keepalive: file.keepalive }),
  };
}

/**
 * Removes a stale socket file at `path` (the `--workers` primary does, before its workers listen there); a live
 * one, or a file that is not a socket, is refused naming the flag.
 *
 * @example
 * ```ts
 * await freeUnixSocket('/run/wamp-router.sock');
 * ```
 */
export async function freeUnixSocket(path: string): Promise<void> {
  try {
    await freeSocketPath(path);
  } catch (error) {
    throw new RouterError(
      RouterErrorCode.LISTEN_FAILED,
      `${(error as Error).message} (--unix, config rawsocket.unix)`,
      { cause: error },
    );
  }
}
