// The `cluster` section: the type users write and its check into the NATS servers and node name a fabric uses.
import { hostname } from 'node:os';
import { invalid, knownKeys, stringList } from '../option-checks.js';

/**
 * One realm across many router processes and machines: the nodes meet on NATS.
 *
 * @example
 * ```ts
 * createRouter({ cluster: { nats: { servers: ['nats://127.0.0.1:4222'], name: 'node-1' } } });
 * ```
 */
export interface ClusterOptions {
  nats: {
    /** NATS server URLs (`nats://host:port`); one is enough, more give failover. */
    servers: string | string[];
    /** This node's name: unique in the cluster, shown in NATS and in logs. Default `<hostname>-<pid>`. */
    name?: string;
  };
}

/** {@link ClusterOptions} checked, with the servers as a list and the node name filled in. */
export interface ResolvedCluster {
  servers: string[];
  name: string;
}

/** `nats://`, `tls://`, `ws://` or `wss://` and a host (with its port), or a bare `host:port`. */
const NATS_URL = /^(nats|tls|ws|wss):\/\/[^\s/]+$|^[^\s:/]+:\d+$/;

/**
 * Checks the `cluster` section: NATS server URLs and a node name; absent means a router on its own (null).
 *
 * @example
 * ```ts
 * resolveCluster({ nats: { servers: 'nats://127.0.0.1:4222' } }); // { servers: ['nats://127.0.0.1:4222'], name: 'host-4242' }
 * ```
 */
export function resolveCluster(cluster: unknown): ResolvedCluster | null {
  if (cluster === undefined) return null;
  if (typeof cluster !== 'object' || cluster === null) {
    throw invalid('cluster', '{ nats: { servers, name? } }', cluster);
  }
  knownKeys('cluster.', cluster, ['nats']);
  const nats = (cluster as Partial<ClusterOptions>).nats;
  if (typeof nats !== 'object' || nats === null) throw invalid('cluster.nats', '{ servers, name? }', nats);
  knownKeys('cluster.nats.', nats, ['servers', 'name']);
  const servers = typeof nats.servers === 'string' ? [nats.servers] : stringList('cluster.nats.servers', nats.servers);
  if (servers === undefined || servers.length === 0) {
    throw invalid('cluster.nats.servers', 'NATS URLs such as "nats://127.0.0.1:4222"', nats.servers);
  }
  for (const [index, server] of servers.entries()) {
    if (!NATS_URL.test(server)) {
      throw invalid(`cluster.nats.servers[${index}]`, 'a NATS URL such as "nats://127.0.0.1:4222"', server);
    }
  }
  if (nats.name !== undefined && (typeof nats.name !== 'string' || nats.name === '')) {
    throw invalid('cluster.nats.name', 'a non-empty node name', nats.name);
  }
  return { servers, name: nats.name ?? `${hostname()}-${process.pid}` };
}
