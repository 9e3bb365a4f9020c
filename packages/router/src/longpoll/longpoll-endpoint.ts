// The HTTP long-poll endpoint under a base path: open, send, receive and close requests, each transport's ID drawn
// from crypto.randomBytes, and the transports handed to RouterCore.accept.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Serializer } from '@wamp/protocol';
import { createOriginCheck } from '@wamp/transport/node';
import type { ConnectionGuard } from '../connection-guard.js';
import type { RouterCore } from '../core/router-core.js';
import { type PathHandler, requestPath } from '../http-paths.js';
import { LongPollTransport } from './longpoll-transport.js';

/**
 * WAMP over HTTP long-poll beside the WebSocket endpoint (`listen({ longpoll: {} })`, `--longpoll`).
 *
 * @example
 * ```ts
 * await router.listen({ port: 8080, longpoll: { path: '/lp' } }); // POST http://127.0.0.1:8080/lp/open
 * ```
 */
export interface LongPollOptions {
  /** The base path: `<path>/open`, `<path>/<id>/send|receive|close`. Default `/lp`. */
  path?: string;
  /** How long a `receive` request is held when nothing is pending, then answered 204. Default 10 000 ms. */
  pollTimeoutMs?: number;
  /** A transport with no request held and none arriving for this long is closed and its session leaves. Default 30 000 ms. */
  idleTimeoutMs?: number;
}

/** The long-poll endpoint's request handler, and `close` for the router's shutdown. */
export interface LongPollEndpoint {
  handler: PathHandler;
  /** The base path it serves. */
  path: string;
  /** Ends every transport at once. */
  close(): void;
}

/** The subprotocols `open` may agree on, and the serializer and batching of each (the router's serializers only). */
function offeredProtocols(
  serializers: readonly Serializer[],
): Map<string, { serializer: Serializer; batched: boolean }> {
  const offered = new Map<string, { serializer: Serializer; batched: boolean }>();
  for (const serializer of serializers) {
    offered.set(serializer.subprotocol, { serializer, batched: false });
    offered.set(`${serializer.subprotocol}.batched`, { serializer, batched: true });
  }
  return offered;
}

function answer(response: ServerResponse, status: number, text?: string): void {
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  if (text !== undefined) headers['content-type'] = 'text/plain; charset=utf-8';
  response.writeHead(status, headers).end(text === undefined ? undefined : `${text}\n`);
}

/**
 * Reads a request body of at most `maxBytes`; past that, answers 413 and closes the connection (null).
 */
function readBody(request: IncomingMessage, response: ServerResponse, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    const refuse = () => {
      response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end(`the body exceeds limits.maxMessageBytes (${maxBytes} bytes)\n`, () => request.destroy());
      resolve(null);
    };
    if (declared > maxBytes) return refuse();
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.pause();
        refuse();
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      if (size <= maxBytes) resolve(Buffer.concat(chunks));
    });
    request.on('error', () => resolve(null));
  });
}

/**
 * The long-poll endpoint (WAMP spec, advanced profile, "HTTP Longpoll Transport") under `options.path`: every
 * request is a POST; an `open` from a browser origin outside the router's `allowedOrigins` is refused (403), one
 * past a cap of `guard` (per address, pending, open files) answers 503; bodies are bounded by
 * `limits.maxMessageBytes`; an unknown ID answers 404.
 *
 * @example
 * ```ts
 * const longPoll = createLongPollEndpoint(core, guard, { path: '/lp' });
 * createServer((request, response) => longPoll.handler(request, response) || serveTheRest(request, response));
 * ```
 */
export function createLongPollEndpoint(
  core: RouterCore,
  guard: ConnectionGuard,
  options: LongPollOptions = {},
): LongPollEndpoint {
  const base = options.path ?? '/lp';
  const prefix = `${base}/`;
  const { limits } = core.options;
  const transportOptions = {
    highWaterMark: limits.outboundHighWater,
    pollTimeoutMs: options.pollTimeoutMs ?? 10_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 30_000,
  };
  const offered = offeredProtocols(core.serializers);
  const transports = new Map<string, LongPollTransport>();
  const allowedOrigins = core.options.allowedOrigins;
  const originAllowed = allowedOrigins === undefined ? null : createOriginCheck(allowedOrigins);

  async function open(request: IncomingMessage, response: ServerResponse): Promise<void> {
    // As for a WebSocket upgrade; the later requests need the ID, which only the opener could read.
    if (originAllowed !== null && !originAllowed(request.headers.origin)) {
      request.resume();
      return answer(response, 403, "this origin is not in the router's allowedOrigins (--allow-origin)");
    }
    const body = await readBody(request, response, limits.maxMessageBytes);
    if (body === null) return;
    let protocols: unknown;
    try {
      protocols = (JSON.parse(body.toString('utf8')) as { protocols?: unknown } | null)?.protocols;
    } catch {
      protocols = undefined;
    }
    if (!Array.isArray(protocols))
      return answer(response, 400, 'the body must be JSON: {"protocols": ["wamp.2.json"]}');
    const protocol = protocols.find((name): name is string => typeof name === 'string' && offered.has(name));
    if (protocol === undefined) {
      return answer(response, 400, `no protocol in common; this router speaks ${[...offered.keys()].join(', ')}`);
    }
    // Counted like a socket: per address, pending until WELCOME (so the table of IDs is bounded by the caps and
    // limits.maxSessions, whose ABORT closes the transport).
    const counted = guard.admitSocketless(request.socket.remoteAddress ?? '');
    if ('refusal' in counted) {
      return answer(response, 503, `the router is at a connection limit (${counted.refusal}): try again later`);
    }
    const { serializer, batched } = offered.get(protocol)!;
    const id = randomBytes(16).toString('base64url');
    const peer = {
      remoteAddress: `${request.socket.remoteAddress}:${request.socket.remotePort}`,
      ...(request.headers.origin !== undefined && { origin: request.headers.origin }),
      ...(request.headers['user-agent'] !== undefined && { userAgent: request.headers['user-agent'] }),
    };
    const transport = new LongPollTransport(serializer, peer, { ...transportOptions, batched }, () => {
      transports.delete(id);
      counted.left();
    });
    transports.set(id, transport);
    counted.accepted(core.accept(transport));
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    response.end(JSON.stringify({ protocol, transport: id }));
  }

  async function send(transport: LongPollTransport, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request, response, limits.maxMessageBytes);
    if (body === null) return;
    if (transport.deliver(body)) answer(response, 204);
    else answer(response, 400, 'the body is not a message (or batch) in the agreed protocol');
  }

  const handler: PathHandler = (request, response) => {
    const path = requestPath(request);
    if (!path.startsWith(prefix)) return false;
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST', 'content-type': 'text/plain; charset=utf-8' });
      response.end('the long-poll transport takes POST requests only\n');
      return true;
    }
    const rest = path.slice(prefix.length);
    if (rest === 'open') {
      void open(request, response);
      return true;
    }
    const slash = rest.indexOf('/');
    const transport = slash === -1 ? undefined : transports.get(rest.slice(0, slash));
    const verb = rest.slice(slash + 1);
    if (transport === undefined) {
      answer(response, 404, 'no such long-poll transport: open a new one');
      return true;
    }
    if (verb === 'send') void send(transport, request, response);
    else if (verb === 'receive') {
      request.resume();
      transport.poll(response);
    } else if (verb === 'close') {
      request.resume();
      transport.closedByClient();
      answer(response, 204);
    } else answer(response, 404, 'long-poll paths end in /open, /send, /receive or /close');
    return true;
  };

  return {
    handler,
    path: base,
    close() {
      for (const transport of [...transports.values()]) transport.terminate();
    },
  };
}
