// pauseReading/resumeReading: nothing handed over while paused (not even frames already read), nothing lost,
// order kept, and the peer is pushed back on.
import type { Socket } from 'node:net';
import { call } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { connect, createMemoryPair, type Transport } from '../src/node.js';
import { startServer } from './fixture.js';

/** Request IDs of the CALLs `transport` hands over. */
function received(transport: Transport): number[] {
  const ids: number[] = [];
  transport.onmessage = (raw) => ids.push((raw as number[])[1]!);
  return ids;
}

describe('pauseReading', () => {
  it('holds every frame of a WebSocket while paused, then hands them over in order', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    const ids = received(transport);
    transport.pauseReading!();
    // 20,000 frames: more than one TCP read, so some arrive in the read that was under way when reading paused.
    const count = 20_000;
    for (let id = 1; id <= count; id++) client.send(call(id, {}, 'com.example.p'));
    await expect.poll(() => client.bufferedAmount, { timeout: 5_000 }).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ids).toEqual([]);

    // A handler that pauses again stops the rest, even those of the TCP read it is in.
    transport.onmessage = (raw) => {
      ids.push((raw as number[])[1]!);
      if (ids.length === 5) transport.pauseReading!();
    };
    transport.resumeReading!();
    await expect.poll(() => ids.length, { timeout: 5_000 }).toBe(5);
    // That nothing more comes cannot be awaited: give the socket a few reads' time.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    // …and leaves the socket paused, so TCP pushes back on the peer (the server's transport is on its socket).
    expect((transport as unknown as { socket: Socket }).socket.isPaused()).toBe(true);
    transport.resumeReading!();
    await expect.poll(() => ids.length, { timeout: 5_000 }).toBe(count);
    expect(ids.every((id, index) => id === index + 1)).toBe(true);
    client.terminate();
  });

  it('keeps frames in the sender of a memory pair while the receiver is paused, counted in its bufferedAmount', async () => {
    const [client, server] = createMemoryPair(jsonSerializer, { highWaterMark: 16 });
    const ids = received(server);
    let drained = false;
    client.ondrain = () => {
      drained = true;
    };
    server.pauseReading!();
    for (let id = 1; id <= 3; id++) client.send(call(id, {}, 'com.example.p'));
    await Promise.resolve();
    await Promise.resolve();
    expect(ids).toEqual([]);
    expect(client.bufferedAmount).toBeGreaterThan(16);
    expect(client.isWritable()).toBe(false);
    server.resumeReading!();
    await expect.poll(() => ids).toEqual([1, 2, 3]);
    expect(client.bufferedAmount).toBe(0);
    expect(drained).toBe(true);
  });

  it('reads again once the transport closes, so the closing handshake completes', async () => {
    await using server = await startServer([jsonSerializer]);
    const client = await connect(server.url, { serializers: [jsonSerializer] });
    const { transport } = await server.nextTransport();
    transport.pauseReading!();
    client.send(call(1, {}, 'com.example.p'));
    const closed = new Promise<number>((resolve) => {
      transport.onclose = ({ code }) => resolve(code);
    });
    transport.close(1008, 'policy');
    expect(await closed).toBe(1008);
  });
});
