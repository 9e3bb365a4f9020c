// Logging of a listening server's errors after listen, rate-limited.
import type { Server } from 'node:net';
import type { TransportLogger } from './logger.js';

/**
 * Logs at error what a listening server reports after `listen` succeeded (a failed `accept`, e.g. ENFILE or
 * ENOBUFS), which would otherwise crash the process (no listener) or vanish (a listener left from `listen`).
 * The first one and then every power of two are logged, so a storm of them does not flood the log.
 *
 * Running out of descriptors (EMFILE) usually does not get here: libuv keeps a spare descriptor to accept and at
 * once close the connections it cannot keep, and tells Node nothing. The router's descriptor watch covers that.
 *
 * @example
 * ```ts
 * server.listen(8080, () => logServerErrors(server, logger));
 * ```
 */
export function logServerErrors(server: Server, logger: TransportLogger | undefined, hint = ''): void {
  let count = 0;
  server.on('error', (error: NodeJS.ErrnoException) => {
    count++;
    if ((count & (count - 1)) !== 0) return;
    const out = error.code === 'EMFILE' || error.code === 'ENFILE';
    logger?.error(
      { code: error.code, syscall: error.syscall, error: error.message, count },
      out
        ? `cannot accept connections: out of file descriptors; raise the open-files limit (ulimit -n)${hint}`
        : 'the server reported an error',
    );
  });
}
