// Runs the demo: the router on one port, serving the page (built by Vite into ../dist) and WAMP on /ws, with the
// backend session in the same process. Usage: node dist-server/server/main.js [--host H] [--port P]
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRouter } from '@wamp/router';
import { pino } from 'pino';
import { DEMO_REALM } from '../src/api.js';
import { startBackend } from './backend.js';

const { values } = parseArgs({
  options: { host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8080' } },
});
const page = fileURLToPath(new URL('../../dist/', import.meta.url));
const logger = pino({ level: process.env.LOG_LEVEL ?? 'info', base: { name: 'wamp-demo' } }, pino.destination(2));
const router = createRouter({ realms: [DEMO_REALM], logger });

try {
  const { url, host, port } = await router.listen({
    host: values.host,
    port: Number(values.port),
    path: '/ws',
    staticDir: page,
  });
  const stopBackend = await startBackend(router);
  process.stdout.write(`wamp demo at http://${host}:${port}/ (router ${url}, realm ${DEMO_REALM})\n`);
  const stop = () => {
    setTimeout(() => process.exit(1), 5_000).unref();
    void stopBackend().then(() => router.close());
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`wamp-demo: ${(error as Error).message}\n`);
  process.exitCode = 1;
  await router.close();
}
