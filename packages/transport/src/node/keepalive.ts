import type WebSocket from 'ws';
import type { KeepaliveOptions } from './server.js';

interface Liveness {
  /** When the unanswered ping went out; 0 while none is outstanding. */
  pingSentAt: number;
  lastPingAt: number;
}

/**
 * Keepalive for every connection of a server on one timer (not one per socket). A peer that stops answering,
 * e.g. behind a half-open TCP connection, is terminated, which its side sees as 1006.
 *
 * @example
 * ```ts
 * const keepalive = new Keepalive({ intervalMs: 30_000, timeoutMs: 10_000 });
 * keepalive.track(socket);
 * ```
 */
export class Keepalive {
  private readonly sockets = new Map<WebSocket, Liveness>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: KeepaliveOptions) {}

  track(socket: WebSocket): void {
    const liveness: Liveness = { pingSentAt: 0, lastPingAt: Date.now() };
    this.sockets.set(socket, liveness);
    socket.on('pong', () => {
      liveness.pingSentAt = 0;
    });
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (this.sockets.size === 0) this.stop();
    });
    if (this.timer === null) {
      this.timer = setInterval(this.tick, Math.min(this.options.intervalMs, this.options.timeoutMs));
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.sockets.clear();
  }

  private readonly tick = (): void => {
    const now = Date.now();
    for (const [socket, liveness] of this.sockets) {
      if (liveness.pingSentAt !== 0) {
        if (now - liveness.pingSentAt >= this.options.timeoutMs) socket.terminate();
      } else if (now - liveness.lastPingAt >= this.options.intervalMs) {
        liveness.pingSentAt = now;
        liveness.lastPingAt = now;
        socket.ping();
      }
    }
  };
}
