import { cborSerializer } from '@wamp/protocol/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { msgpackSerializer } from '@wamp/protocol/msgpack';
import { connect as browserConnect } from '../src/browser.js';
import { connect, createMemoryPair, type RawSocketListenOptions } from '../src/node.js';
import { startServer } from './fixture.js';
import { scratchSocketPath, startRawSocketServer } from './rawsocket-fixture.js';
import { type PairFactory, transportCases } from './transport.cases.js';

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

/** A pair over a real socket: our server's transport, and a client opened with `open`. */
function socketPair(open: typeof connect | typeof browserConnect): PairFactory {
  return async (serializer) => {
    const fixture = await startServer([serializer]);
    const client = await open(fixture.url, { serializers: [serializer] });
    const { transport: server } = await fixture.nextTransport();
    return {
      client,
      server,
      async [Symbol.asyncDispose]() {
        client.terminate();
        await fixture[Symbol.asyncDispose]();
      },
    };
  };
}

transportCases('ws pair', SERIALIZERS, socketPair(connect));

// The browser client over the native WebSocket (Node 20 runs this project with --experimental-websocket);
// real browsers run it in the tests/browser suite.
transportCases('native WebSocket client', SERIALIZERS, socketPair(browserConnect));

/** A RawSocket pair: our client and the server's transport, the same class on both ends. */
function rawSocketPair(listen: () => { where: RawSocketListenOptions } & Disposable): PairFactory {
  return async (serializer) => {
    const place = listen();
    const fixture = await startRawSocketServer([serializer], {}, place.where);
    const client = await connect(fixture.url, { serializers: [serializer] });
    const server = await fixture.nextTransport();
    return {
      client,
      server,
      async [Symbol.asyncDispose]() {
        client.terminate();
        await fixture[Symbol.asyncDispose]();
        place[Symbol.dispose]();
      },
    };
  };
}

const tcp = () => ({ where: { port: 0 }, [Symbol.dispose]() {} });
transportCases('RawSocket over TCP', SERIALIZERS, rawSocketPair(tcp), { localCloseCodes: true });

const unix = () => {
  const scratch = scratchSocketPath();
  return { where: { path: scratch.path }, [Symbol.dispose]: () => scratch[Symbol.dispose]() };
};
transportCases('RawSocket over a Unix socket', SERIALIZERS, rawSocketPair(unix), {
  localCloseCodes: true,
  noReset: true,
});
