import type { Socket } from 'node:net';
import { MessageCode, parseMessage, register, yieldResult } from '@wamp/protocol';
import type { Transport } from '@wamp/transport';
import { vi } from 'vitest';
import { RouterCore } from '../../src/core/router-core.js';
import type { Logger } from '../../src/logger.js';
import type { RawPeer } from './raw-peer.js';

/** The TCP socket under a client transport of `connect` (ws), to stop reading it as a peer that never reads would. */
export function tcpOf(transport: Transport): Socket {
  return (transport as unknown as { socket: { _socket: Socket } }).socket._socket;
}

/**
 * Watches the router's side of every connection accepted from now on: records each `pauseReading`, so a test can
 * find the transport the router paused for a given client and look at its queue.
 */
export function watchPauses(): { routerSideOf(client: Transport): Transport | undefined } {
  const paused: Transport[] = [];
  const accept = RouterCore.prototype.accept;
  vi.spyOn(RouterCore.prototype, 'accept').mockImplementation(function (this: RouterCore, transport, trusted) {
    const pauseReading = transport.pauseReading;
    if (pauseReading !== undefined) {
      transport.pauseReading = () => {
        paused.push(transport);
        pauseReading.call(transport);
      };
    }
    return accept.call(this, transport, trusted);
  });
  return {
    routerSideOf(client) {
      const address = `127.0.0.1:${tcpOf(client).localPort}`;
      return paused.find((transport) => transport.peer.remoteAddress === address);
    },
  };
}

/** Samples `read()` on every timer tick until stopped; `max` is the largest value seen. */
export function sampleMax(read: () => number): { readonly max: number; stop(): void } {
  let max = 0;
  const timer = setInterval(() => {
    max = Math.max(max, read());
  }, 2);
  return {
    get max() {
      return Math.max(max, read());
    },
    stop: () => clearInterval(timer),
  };
}

/** Registers `procedure` on `callee` and answers every INVOCATION of it with `result`, at once. */
export async function serve(callee: RawPeer, procedure: string, result: unknown[]): Promise<void> {
  callee.send(register(1, {}, procedure));
  const registered = await callee.next();
  if (registered[0] !== MessageCode.REGISTERED)
    throw new Error(`expected REGISTERED, got ${JSON.stringify(registered)}`);
  callee.transport.onmessage = (raw) => {
    const message = parseMessage(raw);
    if (message[0] === MessageCode.INVOCATION) callee.send(yieldResult(message[1], {}, result));
  };
}

/** Every answer to a CALL a client got, by request ID, from a transport that stopped reading for a while. */
export function collectAnswers(transport: Transport): Map<number, number> {
  const answers = new Map<number, number>();
  transport.onmessage = (raw) => {
    const message = raw as unknown[];
    if (message[0] === MessageCode.RESULT) answers.set(message[1] as number, MessageCode.RESULT);
    else if (message[0] === MessageCode.ERROR) answers.set(message[2] as number, MessageCode.ERROR);
  };
  return answers;
}

/** A logger that keeps its warn lines. */
export function captureWarnings(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const ignore = () => {};
  const logger: Logger = {
    debug: ignore,
    info: ignore,
    warn: (_fields, message) => {
      warnings.push(message);
    },
    error: ignore,
    child: () => logger,
  };
  return { logger, warnings };
}
