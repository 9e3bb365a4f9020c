// The file of a Unix domain socket a server listens on: a stale one (its process died) is replaced, a live one (a
// process still listens) or a file that is not a socket is refused.
import { lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';

/**
 * Why a Unix socket path cannot be listened on, with `code` `EADDRINUSE` (a live process listens there) or
 * `EEXIST` (a file that is not a socket); the message names the path.
 *
 * @example
 * ```ts
 * try { await server.listen({ path: '/run/wamp.sock' }); } catch (e) {
 *   if (e instanceof UnixSocketInUseError) console.error(e.message);
 * }
 * ```
 */
export class UnixSocketInUseError extends Error {
  override readonly name = 'UnixSocketInUseError';

  constructor(
    readonly code: 'EADDRINUSE' | 'EEXIST',
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** Resolves true when a process accepts connections on the socket at `path`, false when none does. */
function isListenedOn(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    // ECONNREFUSED: the socket file outlived its process. Anything else (EACCES…) is left to listen to report.
    probe.once('error', (error: NodeJS.ErrnoException) => resolve(error.code !== 'ECONNREFUSED'));
  });
}

/**
 * Makes `path` free to listen on: nothing there is fine; a socket no process listens on any more (left by one that
 * died without closing it) is removed; a socket a live process listens on, or a file that is not a socket, is
 * refused with a {@link UnixSocketInUseError}.
 *
 * @example
 * ```ts
 * await freeSocketPath('/run/wamp-router.sock');
 * server.listen('/run/wamp-router.sock');
 * ```
 */
export async function freeSocketPath(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) {
    throw new UnixSocketInUseError(
      'EEXIST',
      path,
      `${path} exists and is not a socket: remove it or choose another path`,
    );
  }
  if (await isListenedOn(path)) {
    throw new UnixSocketInUseError(
      'EADDRINUSE',
      path,
      `another process listens on the Unix socket ${path}: stop it or choose another path`,
    );
  }
  await unlink(path);
}
