// Run with node inside a scratch project: `node call.mjs <router URL> [cbor|json]` (cbor by default). Registers a
// procedure, calls it and the router's `wamp.session.count`, and prints what came back as one JSON line. The CBOR
// serializer is imported only when asked for, so a JSON-only install can run it.
import { json, Session } from '@wamp/client';

const [url, serializer = 'cbor'] = process.argv.slice(2);
const serializers = serializer === 'json' ? [json] : [(await import('@wamp/client/cbor')).cbor];
const session = await Session.connect({ url, realm: 'realm1', serializers, signal: AbortSignal.timeout(10_000) });
try {
  await session.register('com.pack.add', ([a, b]) => Number(a) + Number(b));
  const sum = await session.call('com.pack.add', [2, 3]);
  const sessions = await session.call('wamp.session.count');
  console.log(JSON.stringify({ sum, sessions }));
} finally {
  await session.close();
}
