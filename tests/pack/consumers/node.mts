// A Node application as a user would write it against the published packages: type-checked, never run, in a
// scratch project where npm installed the tarballs (see ../installed.test.ts).
import { defineApi, json, proc, type ResultOf, Session, topic, WampError } from '@wamp/client';
import { cbor } from '@wamp/client/cbor';
import { createRouter, type ListenResult, type Router, RouterError, type RouterOptions } from '@wamp/router';

const options: RouterOptions = { realms: ['realm1'], serializers: ['cbor', 'json'] };
const router: Router = createRouter(options);
const listening: ListenResult = await router.listen({ host: '127.0.0.1', port: 0 });

const api = defineApi({
  procedures: { 'com.example.add': proc<[a: number, b: number], number>() },
  topics: { 'com.example.tick': topic<[n: number]>() },
});

const session = await Session.connect({
  url: listening.url,
  realm: 'realm1',
  api,
  serializers: [cbor, json],
  signal: AbortSignal.timeout(5_000),
});
await session.register('com.example.add', ([a, b]) => a + b);
const sum: ResultOf<typeof api, 'com.example.add'> = await session.call('com.example.add', [2, 3]);
await session.publish('com.example.tick', [sum]);
// @ts-expect-error: '2' is not a number
await session.call('com.example.add', ['2', 3]);

try {
  await session.raw.call('com.example.missing', []);
} catch (error) {
  if (error instanceof WampError) console.error(error.uri);
  if (error instanceof RouterError) console.error(error.code);
}
await router.close();
