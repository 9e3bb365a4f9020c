// RawSocket on the router's own HTTP(S) port: the first octet a client sends (after TLS, the first decrypted one)
// tells a RawSocket handshake (0x7F) from HTTP, and the connection goes to the RawSocket server or on to Node's HTTP
// server as if that had read nothing.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { RawSocketServer } from '@wamp/transport/node';

/** The first octet of every RawSocket handshake; no HTTP request starts with it (a method is a token). */
const RAWSOCKET_MAGIC = 0x7f;

/** The RawSocket side of a shared port, stopped by {@link RouterServers.close}. */
export interface SharedPort {
  /**
   * Destroys the connections that have not sent their first octet yet, and any that come later (the HTTP and
   * RawSocket ones close with their servers).
   */
  close(): void;
}

function destroy(this: Socket): void {
  this.destroy();
}

/**
 * Takes over the HTTP(S) server's own connection listener (`connection`, or `secureConnection` over TLS) so that
 * each connection first shows its first octet: 0x7F hands it to `rawsocket.accept` with that chunk, anything else
 * puts the chunk back and runs Node's HTTP listener on it, so WebSocket upgrades, the router's paths, static files
 * and Node's HTTP timeouts work as on a port of their own. The caller's guard counts the TCP connection (from its
 * `connection` event) and cuts one that sends nothing, as on any port the router listens on.
 *
 * @example
 * ```ts
 * const server = createServer(handler);
 * server.on('connection', guard.acceptedOnSharedPort);
 * const shared = sharePort(server, rawSocketServer);
 * server.listen(8080); // ws://…:8080/ws and rs://…:8080
 * ```
 */
export function sharePort(server: HttpServer | HttpsServer, rawsocket: RawSocketServer): SharedPort {
  const event = 'setSecureContext' in server ? 'secureConnection' : 'connection';
  // Node's HTTP connection listener is the first one, added by the server's constructor.
  const [serveHttp] = server.listeners(event) as ((this: typeof server, socket: Socket) => void)[];
  if (serveHttp === undefined) throw new Error(`sharePort: the server has no ${event} listener of its own`);
  server.off(event, serveHttp);
  const undecided = new Set<Socket>();
  let closed = false;
  server.on(event, (socket: Socket) => {
    // The guard may have refused it already (it listens to `connection` before this).
    if (socket.destroyed) return;
    if (closed) {
      socket.destroy();
      return;
    }
    undecided.add(socket);
    // Until a listener of its own takes over, an error (a reset) only ends this socket.
    socket.on('error', destroy);
    socket.once('close', () => undecided.delete(socket));
    socket.once('data', (chunk: Buffer) => {
      undecided.delete(socket);
      socket.off('error', destroy);
      if (chunk[0] === RAWSOCKET_MAGIC) {
        rawsocket.accept(socket, chunk);
        return;
      }
      // Paused, so the chunk put back waits until Node's listener has set up its parser.
      socket.pause();
      socket.unshift(chunk);
      serveHttp.call(server, socket);
      socket.resume();
    });
  });
  return {
    close() {
      closed = true;
      for (const socket of undecided) socket.destroy();
      undecided.clear();
    },
  };
}
