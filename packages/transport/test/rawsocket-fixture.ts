// A RawSocket server on 127.0.0.1 (or a Unix socket in a temporary directory) handing its connections out in
// order, and a bare socket to speak raw bytes to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Serializer } from '@wamp/protocol';
import {
  createRawSocketServer,
  type RawSocketListenOptions,
  type RawSocketServer,
  type RawSocketServerOptions,
  type Transport,
  type TransportLogger,
} from '../src/node.js';
import { eventually } from './fixture.js';

export interface RawSocketFixture extends AsyncDisposable {
  url: string;
  server: RawSocketServer;
  /** The next connection whose handshake succeeded. */
  nextTransport(): Promise<Transport>;
}

/** A Unix socket path in a directory of its own, removed with it. */
export function scratchSocketPath(): { path: string } & Disposable {
  const dir = mkdtempSync(join(tmpdir(), 'wamp-rs-'));
  return { path: join(dir, 'router.sock'), [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function startRawSocketServer(
  serializers: readonly Serializer[],
  options: Partial<Omit<RawSocketServerOptions, 'serializers' | 'onTransport'>> = {},
  where: RawSocketListenOptions = { port: 0 },
): Promise<RawSocketFixture> {
  const queue: Transport[] = [];
  const waiting: ((transport: Transport) => void)[] = [];
  const accepted: Transport[] = [];
  const server = createRawSocketServer({
    ...options,
    serializers,
    onTransport(transport) {
      accepted.push(transport);
      const waiter = waiting.shift();
      if (waiter) waiter(transport);
      else queue.push(transport);
    },
  });
  const { url } = await server.listen(where);
  return {
    url,
    server,
    nextTransport() {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return eventually<Transport>((resolve) => waiting.push(resolve), 'a RawSocket connection');
    },
    async [Symbol.asyncDispose]() {
      for (const transport of accepted) transport.terminate();
      await server.close();
    },
  };
}

/** A plain socket to `url` (rs:// or rs+unix://), connected, collecting what it receives. */
export async function rawSocketTo(url: string): Promise<{ socket: Socket; received(): Buffer; ended: Promise<void> }> {
  const parsed = new URL(url);
  const socket =
    parsed.protocol === 'rs+unix:'
      ? connectTcp(parsed.pathname)
      : connectTcp({ host: parsed.hostname, port: Number(parsed.port) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => {});
  await eventually<void>((resolve) => socket.once('connect', () => resolve()), 'a connection');
  return { socket, received: () => Buffer.concat(chunks), ended };
}

/** A logger that keeps its warn lines, for tests that check a refusal was logged. */
export function warnings(): TransportLogger & { lines: { fields: Record<string, unknown>; message: string }[] } {
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    debug() {},
    info() {},
    warn(fields, message) {
      lines.push({ fields, message });
    },
    error(fields, message) {
      lines.push({ fields, message });
    },
  };
}
