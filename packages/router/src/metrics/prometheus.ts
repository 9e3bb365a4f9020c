// The router's metrics in the Prometheus text format (prom-client): every figure is read from the core's running
// totals and tables when scraped, so serving metrics adds nothing to the message paths.
import { MessageCode, messageName } from '@wamp/protocol';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { FabricStats } from '../cluster/nats-fabric.js';
import type { RouterCore } from '../core/router-core.js';
import { SessionState } from '../core/session-state.js';
import { registerCallMetrics } from './call-metrics.js';
import { registerHistogram } from './histogram-metric.js';

/** What the metrics read besides the core: the cluster link, when the router is a node of one. */
export interface ClusterView {
  stats(): FabricStats;
  readiness(): string | undefined;
}

const CODES = Object.values(MessageCode);

const WIRE_BYTES = (way: 'from' | 'to') =>
  `Bytes on the wire ${way} clients' WebSocket connections (handshakes and frame headers included).`;

type Reader<L extends string> = (set: (labels: Partial<Record<L, string>>, value: number) => void) => void;

/** A metric whose values `read` gives at each scrape: a counter from a running total, or a gauge. */
function sampled<L extends string>(
  kind: 'counter' | 'gauge',
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  read: Reader<L>,
): void {
  const configuration = { name, help, labelNames, registers: [registry] };
  if (kind === 'counter') {
    new Counter<L>({
      ...configuration,
      collect() {
        this.reset();
        read((labels, value) => {
          if (value > 0) this.inc(labels, value);
        });
      },
    });
  } else {
    new Gauge<L>({
      ...configuration,
      collect() {
        this.reset();
        read((labels, value) => this.set(labels, value));
      },
    });
  }
}

const totalCounter = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labels: readonly L[],
  read: Reader<L>,
) => sampled('counter', registry, name, help, labels, read);
const gauge = <L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labels: readonly L[],
  read: Reader<L>,
) => sampled('gauge', registry, name, help, labels, read);

/**
 * A prom-client registry with the router's metrics (prefix `wamp_router_`) and Node's default process metrics
 * (`process_*`, `nodejs_*`). Labels are bounded: realms (which the router's configuration or `limits.maxRealms`
 * bound), serializers, message types, authentication methods.
 *
 * @example
 * ```ts
 * const registry = routerMetrics(core, null);
 * response.end(await registry.metrics());
 * ```
 */
export function routerMetrics(core: RouterCore, cluster: ClusterView | null): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counters = core.counters;

  gauge(registry, 'wamp_router_sessions', 'Established client sessions.', ['realm', 'serializer'], (set) => {
    const counts = new Map<string, { realm: string; serializer: string; count: number }>();
    for (const session of core.connections) {
      if (session.trusted || session.state !== SessionState.ESTABLISHED || session.realm === null) continue;
      const key = `${session.realm.name}\n${session.transport.protocol}`;
      const entry = counts.get(key);
      if (entry !== undefined) entry.count++;
      else counts.set(key, { realm: session.realm.name, serializer: session.transport.protocol, count: 1 });
    }
    for (const { realm, serializer, count } of counts.values()) set({ realm, serializer }, count);
  });
  gauge(registry, 'wamp_router_connections', 'Open client connections, with or without a session.', [], (set) => {
    let open = 0;
    for (const session of core.connections) if (!session.trusted) open++;
    set({}, open);
  });
  gauge(registry, 'wamp_router_pending_calls', 'Calls in flight from callers to callees.', [], (set) => {
    let pending = 0;
    for (const session of core.connections) if (!session.trusted) pending += session.calls.size;
    set({}, pending);
  });
  totalCounter(registry, 'wamp_router_session_joins_total', 'Sessions welcomed.', [], (set) => set({}, counters.joins));
  totalCounter(registry, 'wamp_router_session_leaves_total', 'Sessions that left.', [], (set) =>
    set({}, counters.leaves),
  );
  totalCounter(registry, 'wamp_router_messages_received_total', 'Messages from clients.', ['type'], (set) => {
    for (const code of CODES) set({ type: messageName(code)! }, counters.received[code]!);
  });
  totalCounter(registry, 'wamp_router_messages_sent_total', 'Messages to clients.', ['type'], (set) => {
    for (const code of CODES) set({ type: messageName(code)! }, counters.sent[code]!);
  });
  totalCounter(registry, 'wamp_router_received_bytes_total', WIRE_BYTES('from'), [], (set) => {
    let bytes = counters.bytesReadByClosed;
    for (const session of core.connections) bytes += session.transport.bytesRead ?? 0;
    set({}, bytes);
  });
  totalCounter(registry, 'wamp_router_sent_bytes_total', WIRE_BYTES('to'), [], (set) => {
    let bytes = counters.bytesWrittenByClosed;
    for (const session of core.connections) bytes += session.transport.bytesWritten ?? 0;
    set({}, bytes);
  });
  totalCounter(registry, 'wamp_router_events_published_total', 'Publications accepted.', [], (set) =>
    set({}, counters.eventsPublished),
  );
  totalCounter(registry, 'wamp_router_events_delivered_total', 'EVENTs sent to subscribers.', [], (set) =>
    set({}, counters.sent[MessageCode.EVENT]!),
  );
  totalCounter(
    registry,
    'wamp_router_events_dropped_total',
    'EVENTs not sent to a subscriber past its high-water mark (slow-consumer policy drop).',
    [],
    (set) => set({}, counters.eventsDropped),
  );
  totalCounter(
    registry,
    'wamp_router_slow_consumers_disconnected_total',
    'Subscribers disconnected by the slow-consumer policy disconnect.',
    [],
    (set) => set({}, counters.slowConsumersDisconnected),
  );
  totalCounter(registry, 'wamp_router_auth_failures_total', 'Failed authentications.', ['method'], (set) => {
    for (const [method, count] of counters.authFailures) set({ method }, count);
  });
  if (counters.calls !== null) registerCallMetrics(registry, counters.calls);
  const fanoutSizes = counters.fanoutSizes;
  if (fanoutSizes !== null) {
    registerHistogram(
      registry,
      'wamp_router_publication_receivers',
      'Sessions one publication was sent to on this node.',
      1,
      () => [{ labels: {}, histogram: fanoutSizes }],
    );
  }
  if (cluster !== null) {
    gauge(registry, 'wamp_router_cluster_linked', '1 while linked to the cluster on NATS, else 0.', [], (set) =>
      set({}, cluster.readiness() === undefined ? 1 : 0),
    );
    totalCounter(
      registry,
      'wamp_router_cluster_messages_total',
      'Messages exchanged with other nodes on NATS: publications, and the calls, results and errors of calls across nodes.',
      ['kind', 'direction'],
      (set) => {
        const stats = cluster.stats();
        set({ kind: 'publication', direction: 'out' }, stats.publicationsOut);
        set({ kind: 'publication', direction: 'in' }, stats.publicationsIn);
        set({ kind: 'call', direction: 'out' }, stats.callMessagesOut);
        set({ kind: 'call', direction: 'in' }, stats.callMessagesIn);
      },
    );
  }
  return registry;
}
