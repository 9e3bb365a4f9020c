// Child process: the router under test, on 127.0.0.1 with a free port. With `--cluster URL NAME`, a node of a
// cluster that meets on the NATS at URL.
import { createRouter } from '@wamp/router';

const [flag, nats, name] = process.argv.slice(2);
// `BENCH_METRICS=1` (the metrics cost rows set it): metrics on at the router's port, for the benchmark to scrape.
const scraped = process.env.BENCH_METRICS === '1';
const router = createRouter({
  ...(scraped && { metrics: true }),
  realms: ['realm1'],
  keepalive: false,
  // Every benchmark peer connects from 127.0.0.1, and the connections scenario opens thousands at once: the caps
  // that protect a public router from one address would refuse the load generator itself.
  limits: {
    maxConnectionsPerAddress: 1_000_000,
    maxPendingConnectionsPerAddress: 1_000_000,
    maxPendingConnections: 1_000_000,
  },
  ...(flag === '--cluster' && nats !== undefined && { cluster: { nats: { servers: nats, name: name ?? 'bench' } } }),
});
// RawSocket on a port of its own beside the WebSocket's, for the rawsocket rows.
const { port, metricsUrl, rawsocketUrls } = await router.listen({ host: '127.0.0.1', port: 0, rawsocket: { port: 0 } });
const rawsocketPort = Number(new URL(rawsocketUrls![0]!).port);
process.connected && process.send?.({ type: 'ready', port, rawsocketPort, metricsUrl });
process.on('message', (message: { type: string }) => {
  if (message.type === 'gc') {
    globalThis.gc?.();
    process.connected && process.send?.({ type: 'gc-done', stats: router.stats() });
  }
});
process.on('disconnect', () => process.exit(0));
