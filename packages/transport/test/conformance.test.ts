import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
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
