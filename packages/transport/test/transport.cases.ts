// One conformance suite for every Transport implementation (hono's shared router cases): each
// implementation provides a factory for a connected [client, server] pair.
import { call, type Serializer } from '@wamp/protocol';
import { describe, expect, it } from 'vitest';
import type { Transport, TransportCloseEvent } from '../src/node.js';
import { eventually } from './fixture.js';

/** Makes a connected pair speaking `serializer`, disposable when the test ends. */
export type PairFactory = (
  serializer: Serializer,
) => Promise<{ client: Transport; server: Transport } & AsyncDisposable>;

function collect(transport: Transport, count: number): Promise<unknown[]> {
  const received: unknown[] = [];
  return eventually((resolve) => {
    transport.onmessage = (message) => {
      received.push(message);
      if (received.length === count) resolve(received);
    };
  }, `${count} messages`);
}

function closeOf(transport: Transport): Promise<TransportCloseEvent[]> {
  const events: TransportCloseEvent[] = [];
  return eventually((resolve) => {
    transport.onclose = (event) => {
      events.push(event);
      // Give a second (wrong) close event the chance to show up before resolving.
      queueMicrotask(() => setImmediate(() => resolve(events)));
    };
  }, 'close');
}

/** Where an implementation differs from WebSocket's semantics, by the nature of its wire. */
export interface TransportTraits {
  /** RawSocket has no close frame: the code and reason stay with the end that closes; the other sees 1005, clean. */
  localCloseCodes?: boolean;
  /** A Unix domain socket cannot be reset: the peer of a terminated connection sees it end (1005, clean). */
  noReset?: boolean;
}

export function transportCases(
  name: string,
  serializers: Serializer[],
  createPair: PairFactory,
  traits: TransportTraits = {},
): void {
  const peerOfClose = (code: number, reason: string) =>
    traits.localCloseCodes ? { code: 1005, reason: '', wasClean: true } : { code, reason, wasClean: true };
  describe.each(serializers.map((s) => [s.subprotocol, s] as const))(`${name} over %s`, (_protocol, serializer) => {
    it('is open, with the negotiated protocol and serializer, on both ends', async () => {
      await using pair = await createPair(serializer);
      for (const end of [pair.client, pair.server]) {
        expect(end.readyState).toBe(1);
        expect(end.protocol).toBe(serializer.subprotocol);
        expect(end.serializer).toBe(serializer);
        expect(end.isWritable()).toBe(true);
      }
    });

    it('delivers 1,000 messages in order, both ways', async () => {
      await using pair = await createPair(serializer);
      const atServer = collect(pair.server, 1000);
      const atClient = collect(pair.client, 1000);
      for (let i = 1; i <= 1000; i++) {
        pair.client.send(call(i, {}, 'com.example.seq', [i]));
        pair.server.send(call(i, {}, 'com.example.back', [i]));
      }
      const expected = (procedure: string) =>
        Array.from({ length: 1000 }, (_, i) => [48, i + 1, {}, procedure, [i + 1]]);
      expect(await atServer).toEqual(expected('com.example.seq'));
      expect(await atClient).toEqual(expected('com.example.back'));
    });

    it('never delivers inside send', async () => {
      await using pair = await createPair(serializer);
      let delivered = false;
      pair.server.onmessage = () => {
        delivered = true;
      };
      const arrived = collect(pair.server, 1);
      pair.client.send(call(1, {}, 'a.b'));
      expect(delivered).toBe(false);
      await arrived;
    });

    it('carries byte arrays', async () => {
      await using pair = await createPair(serializer);
      const bytes = new Uint8Array([0, 1, 2, 254, 255]);
      const arrived = collect(pair.server, 1);
      pair.client.send(call(1, {}, 'com.example.bin', [bytes], { nested: { bytes } }));
      const [message] = (await arrived) as unknown[][];
      expect(Array.from((message![4] as Uint8Array[])[0]!)).toEqual([0, 1, 2, 254, 255]);
      expect(Array.from((message![5] as { nested: { bytes: Uint8Array } }).nested.bytes)).toEqual([0, 1, 2, 254, 255]);
    });

    it('sends a frame encoded once with sendEncoded', async () => {
      await using pair = await createPair(serializer);
      const arrived = collect(pair.client, 2);
      const frame = serializer.encode(call(7, {}, 'com.example.shared'));
      pair.server.sendEncoded(frame);
      pair.server.sendEncoded(frame);
      expect(await arrived).toEqual([
        [48, 7, {}, 'com.example.shared'],
        [48, 7, {}, 'com.example.shared'],
      ]);
    });

    it('closes with code and reason seen by both ends, once each, after the messages sent before', async () => {
      await using pair = await createPair(serializer);
      const atServer = collect(pair.server, 3);
      const clientClosed = closeOf(pair.client);
      const serverClosed = closeOf(pair.server);
      for (let i = 1; i <= 3; i++) pair.client.send(call(i, {}, 'com.example.last'));
      pair.client.close(1000, 'done');
      expect(pair.client.readyState).toBe(2);
      expect(await atServer).toHaveLength(3);
      expect(await clientClosed).toEqual([{ code: 1000, reason: 'done', wasClean: true }]);
      expect(await serverClosed).toEqual([peerOfClose(1000, 'done')]);
      expect(pair.client.readyState).toBe(3);
      expect(pair.server.readyState).toBe(3);
      // Sending after close is a no-op, not an error.
      pair.client.send(call(9, {}, 'com.example.late'));
    });

    // The server end terminates: a browser client cannot drop a connection without a close frame.
    it('terminates without a closing handshake: 1006 and not clean, on both ends', async () => {
      await using pair = await createPair(serializer);
      const serverClosed = closeOf(pair.server);
      const clientClosed = closeOf(pair.client);
      pair.server.terminate();
      const [serverEvent] = await serverClosed;
      const [clientEvent] = await clientClosed;
      expect(serverEvent).toMatchObject({ code: 1006, wasClean: false });
      expect(clientEvent).toMatchObject(
        traits.noReset ? { code: 1005, wasClean: true } : { code: 1006, wasClean: false },
      );
    });

    it('reports a frame that cannot be decoded to ondecodeerror, not onmessage', async () => {
      await using pair = await createPair(serializer);
      const failed = eventually<Error>((resolve) => {
        pair.server.ondecodeerror = resolve;
      }, 'decode error');
      pair.server.onmessage = () => {
        throw new Error('a broken frame must not be delivered');
      };
      pair.client.sendEncoded(serializer.binary ? new Uint8Array([0x93, 0x01]) : '[48, 1, {');
      expect(await failed).toBeInstanceOf(Error);
    });
  });
}
