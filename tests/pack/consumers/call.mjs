// Run with node inside the scratch project, with the router's URL as its argument: registers a procedure,
// calls it and the router's `wamp.session.count`, and prints what came back as one JSON line.
import { Session } from '@wamp/client';
import { cbor } from '@wamp/client/cbor';

const [url] = process.argv.slice(2);
const session = await Session.connect({
  url,
  realm: 'realm1',
  serializers: [cbor],
  signal: AbortSignal.timeout(10_000),
});
try {
  await session.register('com.pack.add', ([a, b]) => Number(a) + Number(b));
  const sum = await session.call('com.pack.add', [2, 3]);
  const sessions = await session.call('wamp.session.count');
  console.log(JSON.stringify({ sum, sessions }));
} finally {
  await session.close();
}
