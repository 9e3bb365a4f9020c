// The guard on incoming connections: caps per address and on those not yet joined, the descriptor ceiling, and the
// cut of connections that never upgrade.
import type { Socket } from 'node:net';
import type { RouterSession } from './core/session.js';
import type { DescriptorCeiling } from './descriptor-limit.js';
import type { Logger } from './logger.js';
import type { ResolvedOptions } from './options.js';

type GuardLimits = Pick<
  ResolvedOptions['limits'],
  'upgradeTimeoutMs' | 'maxConnectionsPerAddress' | 'maxPendingConnectionsPerAddress' | 'maxPendingConnections'
>;

/** One connection the guard counts: from TCP accept (servers the router owns) or the upgrade request (others). */
interface Entry {
  address: string;
  /** `ip:port`, for log lines. */
  peer: string;
  /** Welcomed at least once, or gone: no longer counted as pending. */
  joined: boolean;
  /** The upgrade deadline, while it runs. */
  deadline: NodeJS.Timeout | null;
}

interface AddressCount {
  open: number;
  pending: number;
}

/** Refusals are logged the first time and then at powers of two, counted over windows of this length. */
const REFUSAL_WINDOW_MS = 60_000;

/**
 * The address a connection counts against: IPv4 as it is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64 prefix,
 * since one host usually holds a whole /64.
 *
 * @example
 * ```ts
 * addressKey('::ffff:203.0.113.7'); // '203.0.113.7'
 * addressKey('2001:db8::1');        // '2001:db8:0:0::/64'
 * ```
 */
export function addressKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  if (ip.startsWith('::ffff:') && ip.includes('.')) return ip.slice(7);
  const [head = '', tail = ''] = ip.split('%')[0]!.split('::');
  const front = head === '' ? [] : head.split(':');
  const back = tail === '' ? [] : tail.split(':');
  const groups = [...front, ...new Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/**
 * The TCP socket under `socket`: a TLS connection's request carries the TLSSocket wrapping the socket that was
 * accepted. `_parent` is Node's own link between them (untyped).
 */
function tcpSocketOf(socket: Socket): Socket {
  return (socket as Socket & { _parent?: Socket })._parent ?? socket;
}

/**
 * Counts the router's connections per remote address and those not yet joined (no WELCOME yet), refuses the ones
 * past the caps or the descriptor ceiling as early as it can, and cuts TCP connections that never upgrade.
 * Everything is per connection (a map entry and at most one timer); nothing runs per message.
 *
 * @example
 * ```ts
 * const guard = new ConnectionGuard(options.limits, log, new DescriptorCeiling(log));
 * server.on('connection', guard.accepted);
 * ```
 */
export class ConnectionGuard {
  private readonly entries = new Map<Socket, Entry>();
  private readonly addresses = new Map<string, AddressCount>();
  private pending = 0;
  private refusals = 0;
  private refusalWindowStart = 0;

  constructor(
    private readonly limits: GuardLimits,
    private readonly log: Logger,
    private readonly ceiling: DescriptorCeiling,
  ) {}

  /** Connections counted now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The `connection` listener of a server the router started: counts the TCP connection and starts its upgrade
   * deadline, or destroys it at once when a cap is reached (there is no request yet to answer).
   */
  readonly accepted = (socket: Socket): void => {
    const entry = this.enter(socket);
    if (entry === undefined) {
      socket.destroy();
      return;
    }
    const timeoutMs = this.limits.upgradeTimeoutMs;
    entry.deadline = setTimeout(() => {
      entry.deadline = null;
      this.log.warn({ peer: entry.peer, upgradeTimeoutMs: timeoutMs }, 'connection cut: no WebSocket upgrade in time');
      socket.destroy();
    }, timeoutMs);
    entry.deadline.unref();
  };

  /** A plain HTTP request on a server the router started: its upgrade deadline ends, Node's HTTP timeouts apply. */
  requested(socket: Socket): void {
    const entry = this.entries.get(tcpSocketOf(socket));
    if (entry !== undefined) stopDeadline(entry);
  }

  /**
   * Decides on an upgrade request (the transport's `admit`): a connection on a server the router did not start is
   * counted from here. Returns the reason to refuse it with 503, or undefined.
   */
  admit(socket: Socket): string | undefined {
    const tcp = tcpSocketOf(socket);
    if (this.entries.has(tcp)) return undefined;
    return this.enter(tcp) === undefined ? 'the router is at a connection limit: try again later' : undefined;
  }

  /** The upgrade completed: the session's HELLO deadline takes over; WELCOME ends the pending count. */
  upgraded(socket: Socket, session: RouterSession): void {
    const entry = this.entries.get(tcpSocketOf(socket));
    if (entry === undefined) return;
    stopDeadline(entry);
    session.onJoined = () => this.joined(entry);
  }

  /** Counts a new connection, or logs the refusal and returns undefined. */
  private enter(socket: Socket): Entry | undefined {
    const address = addressKey(socket.remoteAddress ?? '');
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const counts = this.addresses.get(address) ?? { open: 0, pending: 0 };
    const refusal = this.refusal(counts);
    if (refusal !== undefined) {
      this.refused(peer, refusal);
      return undefined;
    }
    const entry: Entry = { address, peer, joined: false, deadline: null };
    counts.open++;
    counts.pending++;
    this.pending++;
    this.addresses.set(address, counts);
    this.entries.set(socket, entry);
    socket.once('close', () => this.leave(socket, entry));
    return entry;
  }

  /** Which cap a new connection from an address with `counts` would break, named as the option to change. */
  private refusal(counts: AddressCount): string | undefined {
    const limits = this.limits;
    if (counts.open >= limits.maxConnectionsPerAddress) return 'limits.maxConnectionsPerAddress';
    if (counts.pending >= limits.maxPendingConnectionsPerAddress) return 'limits.maxPendingConnectionsPerAddress';
    if (this.pending >= limits.maxPendingConnections) return 'limits.maxPendingConnections';
    if (this.ceiling.full(this.entries.size + 1)) return 'the open-files limit';
    return undefined;
  }

  /** One warn line for the first refusal of a window and then at powers of two, so a flood does not flood the log. */
  private refused(peer: string, limit: string): void {
    const now = Date.now();
    if (now - this.refusalWindowStart >= REFUSAL_WINDOW_MS) {
      this.refusalWindowStart = now;
      this.refusals = 0;
    }
    const count = ++this.refusals;
    if ((count & (count - 1)) === 0) {
      this.log.warn({ peer, limit, refusedInWindow: count }, `connection refused: ${limit} reached`);
    }
  }

  private joined(entry: Entry): void {
    if (entry.joined) return;
    entry.joined = true;
    this.addresses.get(entry.address)!.pending--;
    this.pending--;
  }

  private leave(socket: Socket, entry: Entry): void {
    stopDeadline(entry);
    this.entries.delete(socket);
    const counts = this.addresses.get(entry.address)!;
    counts.open--;
    if (!entry.joined) {
      counts.pending--;
      this.pending--;
    }
    // A WELCOME after the close (none should come) must not count the connection out twice.
    entry.joined = true;
    if (counts.open === 0) this.addresses.delete(entry.address);
  }
}

function stopDeadline(entry: Entry): void {
  if (entry.deadline !== null) clearTimeout(entry.deadline);
  entry.deadline = null;
}
