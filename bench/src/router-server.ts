// Child process: the router under test, on 127.0.0.1 with a free port.
import { createRouter } from '@wamp/router';

const router = createRouter({ realms: ['realm1'], keepalive: false });
const { port } = await router.listen({ host: '127.0.0.1', port: 0 });
process.connected && process.send?.({ type: 'ready', port });
process.on('message', (message: { type: string }) => {
  if (message.type === 'gc') {
    globalThis.gc?.();
    process.connected && process.send?.({ type: 'gc-done', stats: router.stats() });
  }
});
process.on('disconnect', () => process.exit(0));
