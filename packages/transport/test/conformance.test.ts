import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { connect as browserConnect } from '../src/browser.js';
import { connect, createMemoryPair } from '../src/node.js';
import { startServer } from './fixture.js';
import { transportCases } from './transport.cases.js';

const SERIALIZERS = [jsonSerializer, cborSerializer, msgpackSerializer];

transportCases('memory pair', SERIALIZERS, async (serializer) => {
  const [client, server] = createMemoryPair(serializer);
  return {
    client,
    server,
    async [Symbol.asyncDispose]() {
      client.terminate();
    },
  };
});

transportCases('ws pair', SERIALIZERS, async (serializer) => {
  const fixture = await startServer([serializer]);
  const client = await connect(fixture.url, { serializers: [serializer] });
  const { transport: server } = await fixture.nextTransport();
  return {
    client,
    server,
    async [Symbol.asyncDispose]() {
      client.terminate();
      await fixture[Symbol.asyncDispose]();
    },
  };
});

// The browser client over the native WebSocket (Node 20 runs this project with --experimental-websocket);
// real browsers run it in the tests/browser suite.
transportCases('native WebSocket client', SERIALIZERS, async (serializer) => {
  const fixture = await startServer([serializer]);
  const client = await browserConnect(fixture.url, { serializers: [serializer] });
  const { transport: server } = await fixture.nextTransport();
  return {
    client,
    server,
    async [Symbol.asyncDispose]() {
      client.terminate();
      await fixture[Symbol.asyncDispose]();
    },
  };
});
