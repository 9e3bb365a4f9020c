// A browser application as a user would write it against the published @wamp/client: type-checked with the DOM
// library and no Node types, never run (see ../installed.test.ts).
import { type CloseInfo, ConnectionClosedError, defineApi, json, proc, Session, topic } from '@wamp/client';
import { cbor } from '@wamp/client/cbor';

const api = defineApi({
  procedures: { 'com.example.add': proc<[a: number, b: number], number>() },
  topics: { 'com.example.tick': topic<[n: number]>() },
});

const session = await Session.connect({
  url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
  realm: 'realm1',
  api,
  serializers: [cbor, json],
});
session.on('close', (info: CloseInfo) => console.log(info.reason));
await session.subscribe('com.example.tick', ([n]) => {
  const output = document.querySelector('output');
  if (output) output.textContent = n.toFixed(0);
});
try {
  const sum: number = await session.call('com.example.add', [1, 2]);
  document.title = String(sum);
} catch (error) {
  if (!(error instanceof ConnectionClosedError)) throw error;
}
