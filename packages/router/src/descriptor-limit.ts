// The process's open-files limit, and the watch of the router's connections against it.
import { readdirSync, readFileSync } from 'node:fs';
import type { Logger } from './logger.js';

/** Share of the open-files limit at which the error line goes out, and below which it may go out again. */
const WARN_AT = 0.9;
const REARM_BELOW = 0.8;
/** Descriptors kept free for everything but connections: files, the cluster's NATS socket, logs. */
const RESERVE = 32;

/**
 * The soft limit on open files (`ulimit -n`) from `/proc/self/limits`; null where it cannot be read (not
 * Linux) or is unlimited. No native addon: Node has no getrlimit.
 *
 * @example
 * ```ts
 * openFilesLimit('Max open files            1024                 1048576              files\n'); // 1024
 * ```
 */
export function openFilesLimit(limits = readProc('/proc/self/limits')): number | null {
  const match = limits === null ? null : /^Max open files\s+(\d+)/m.exec(limits);
  return match === null ? null : Number(match[1]);
}

/** How many descriptors the process has open now (`/proc/self/fd`), or 0 where that cannot be read. */
export function openDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Watches the router's connections against the process's open-files limit. The count is an estimate without a
 * syscall per connection: the descriptors open when the watch was made, plus one per open connection. Near the
 * limit (90%) it logs one error line saying what to do, again only after the count fell below 80%; at the limit
 * (less a small reserve) it tells the caller to refuse the connection. This matters because running out is
 * silent otherwise: libuv accepts and at once closes what it cannot keep (EMFILE), and Node reports nothing.
 *
 * @example
 * ```ts
 * const ceiling = new DescriptorCeiling(log);
 * if (ceiling.full(openConnections + 1)) socket.destroy();
 * ```
 */
export class DescriptorCeiling {
  private warned = false;

  /**
   * @param limit - the open-files limit; null turns the watch off.
   * @param baseline - descriptors in use by other things than connections.
   */
  constructor(
    private readonly log: Logger,
    readonly limit: number | null = openFilesLimit(),
    private readonly baseline = openDescriptors(),
  ) {}

  /** Checks `connections` open connections against the limit; true when no descriptor may go to another one. */
  full(connections: number): boolean {
    if (this.limit === null) return false;
    const used = this.baseline + connections;
    if (used < this.limit * REARM_BELOW) this.warned = false;
    else if (used >= this.limit * WARN_AT && !this.warned) {
      this.warned = true;
      this.log.error(
        { connections, openFilesLimit: this.limit, descriptorsInUse: used },
        'open connections near the open-files limit: raise it (ulimit -n, or LimitNOFILE= under systemd) ' +
          'or lower limits.maxConnectionsPerAddress, limits.maxPendingConnections or limits.maxSessions',
      );
    }
    return used >= this.limit - RESERVE;
  }
}
