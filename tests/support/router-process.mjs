// A router in a child process of its own, so a test can measure the router's memory apart from the load
// generator. Run with --expose-gc. Options come as JSON in argv[2]; it answers IPC requests:
// { type: 'stats' } → stats, heap, RSS and the garbage collections so far, after an optional GC ({ gc: true }).
import { PerformanceObserver } from 'node:perf_hooks';
import { createRouter } from '@wamp/router';

// Collections counted as they happen: a heap delta with none between its two readings is bytes allocated.
let collections = 0;
new PerformanceObserver((list) => {
  collections += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

const router = createRouter(JSON.parse(process.argv[2] ?? '{}'));
const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
process.send({ type: 'ready', url });
process.on('message', (request) => {
  if (request.type !== 'stats') return;
  if (request.gc) {
    globalThis.gc();
    globalThis.gc();
  }
  const memory = process.memoryUsage();
  process.send({ type: 'stats', stats: router.stats(), heapUsed: memory.heapUsed, rss: memory.rss, collections });
});
process.on('disconnect', () => {
  router.close().then(() => process.exit(0));
});
