// One small interface over each third-party WAMP client, so every interop scenario runs with any library
// on either side of the router.
import autobahn from 'autobahn';
import { Wampy } from 'wampy';
import { CborSerializer } from 'wampy/CborSerializer.js';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import { MsgpackSerializer } from 'wampy/MsgpackSerializer.js';
import WebSocket from 'ws';

export type SerializerName = 'json' | 'msgpack' | 'cbor';

/** A call's outcome as the library reports it, normalised. */
export interface Payload {
  args: unknown[];
  kwargs: Record<string, unknown>;
  /** EVENT or INVOCATION details, where the library reports them. */
  details?: Record<string, unknown>;
}

/** What an application error looks like to the caller, normalised. */
export interface RemoteError extends Payload {
  uri: string;
}

export interface InteropPeer {
  readonly library: string;
  register(
    procedure: string,
    handler: (payload: Payload) => Payload,
    options?: Record<string, unknown>,
  ): Promise<unknown>;
  /** Registers a procedure that always fails with `uri`, echoing the call's args and kwargs. */
  registerFailing(procedure: string, uri: string): Promise<unknown>;
  unregister(procedure: string): Promise<void>;
  call(procedure: string, payload: Payload, options?: Record<string, unknown>): Promise<Payload>;
  subscribe(topic: string, onEvent: (payload: Payload) => void, options?: Record<string, unknown>): Promise<unknown>;
  unsubscribe(topic: string): Promise<void>;
  publish(topic: string, payload: Payload, options?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/** Rejection of `call` normalised to a {@link RemoteError}. */
export function asRemoteError(error: unknown): RemoteError {
  const e = error as {
    error?: string;
    errorUri?: string;
    args?: unknown[];
    kwargs?: object;
    argsList?: unknown[];
    argsDict?: object;
  };
  return {
    uri: e.errorUri ?? e.error ?? 'unknown',
    args: e.argsList ?? e.args ?? [],
    kwargs: (e.argsDict ?? e.kwargs ?? {}) as Record<string, unknown>,
  };
}

// ---------------------------------------------------------------- Autobahn|JS

const AUTOBAHN_SERIALIZERS = {
  json: () => new autobahn.serializer.JSONSerializer(),
  msgpack: () => new autobahn.serializer.MsgpackSerializer(),
  cbor: () => new autobahn.serializer.CBORSerializer(),
};

/** An open Autobahn|JS session, for tests that need its own API (progress, cancel). */
export async function openAutobahn(
  url: string,
  serializer: SerializerName,
  realm = 'realm1',
): Promise<{ connection: import('autobahn').Connection; session: import('autobahn').Session }> {
  const connection = new autobahn.Connection({
    realm,
    transports: [{ type: 'websocket', url, serializers: [AUTOBAHN_SERIALIZERS[serializer]()] }],
    max_retries: 0,
    retry_if_unreachable: false,
  });
  const session = await new Promise<import('autobahn').Session>((resolve, reject) => {
    connection.onopen = (opened) => resolve(opened);
    connection.onclose = (reason, details) => {
      reject(new Error(`autobahn could not join: ${reason} ${details.reason ?? ''} ${details.message ?? ''}`));
      return false;
    };
    connection.open();
  });
  return { connection, session };
}

export async function connectAutobahn(url: string, serializer: SerializerName, realm = 'realm1'): Promise<InteropPeer> {
  const { connection, session } = await openAutobahn(url, serializer, realm);
  const registrations = new Map<string, import('autobahn').Registration>();
  const subscriptions = new Map<string, import('autobahn').Subscription>();
  return {
    library: 'autobahn',
    async register(procedure, handler, options) {
      registrations.set(
        procedure,
        await session.register(
          procedure,
          (args, kwargs, details) => {
            const out = handler({
              args: args ?? [],
              kwargs: kwargs ?? {},
              details: details as Record<string, unknown>,
            });
            return new autobahn.Result(out.args, out.kwargs);
          },
          options,
        ),
      );
    },
    async registerFailing(procedure, uri) {
      registrations.set(
        procedure,
        await session.register(procedure, (args, kwargs) => {
          throw new autobahn.Error(uri, args ?? [], kwargs ?? {});
        }),
      );
    },
    async unregister(procedure) {
      await session.unregister(registrations.get(procedure)!);
    },
    async call(procedure, payload, options) {
      const result = await session.call(procedure, payload.args, payload.kwargs, options);
      // Autobahn unwraps a single positional result; a Result object carries both parts.
      if (result instanceof Object && 'args' in result && 'kwargs' in result) {
        const r = result as import('autobahn').Result;
        return { args: r.args ?? [], kwargs: r.kwargs ?? {} };
      }
      return { args: result === undefined || result === null ? [] : [result], kwargs: {} };
    },
    async subscribe(topic, onEvent, options) {
      subscriptions.set(
        topic,
        await session.subscribe(
          topic,
          (args, kwargs, details) =>
            onEvent({ args: args ?? [], kwargs: kwargs ?? {}, details: details as Record<string, unknown> }),
          options,
        ),
      );
    },
    async unsubscribe(topic) {
      await session.unsubscribe(subscriptions.get(topic)!);
    },
    async publish(topic, payload, options) {
      await session.publish(topic, payload.args, payload.kwargs, { ...options, acknowledge: true });
    },
    async close() {
      await new Promise<void>((resolve) => {
        connection.onclose = () => {
          resolve();
          return false;
        };
        connection.close();
      });
    },
  };
}

// ---------------------------------------------------------------- wampy.js

const WAMPY_SERIALIZERS = {
  json: () => new JsonSerializer(),
  msgpack: () => new MsgpackSerializer(),
  cbor: () => new CborSerializer(),
};

export async function connectWampy(url: string, serializer: SerializerName, realm = 'realm1'): Promise<InteropPeer> {
  const wampy = new Wampy(url, {
    realm,
    // wampy types its `ws` option after the browser's WebSocket; ws's class is call-compatible.
    ws: WebSocket as never,
    serializer: WAMPY_SERIALIZERS[serializer](),
    autoReconnect: false,
  });
  await wampy.connect();
  const toWampy = (payload: Payload) => ({ argsList: payload.args, argsDict: payload.kwargs });
  type WampyData = { argsList?: unknown[]; argsDict?: Record<string, unknown>; details?: Record<string, unknown> };
  const fromWampy = (data: WampyData): Payload => ({
    args: data.argsList ?? [],
    kwargs: data.argsDict ?? {},
    ...(data.details !== undefined && { details: data.details }),
  });
  return {
    library: 'wampy',
    async register(procedure, handler, options) {
      await wampy.register(procedure, (data: WampyData) => toWampy(handler(fromWampy(data))), options);
    },
    async registerFailing(procedure, uri) {
      await wampy.register(procedure, (data: WampyData) => {
        // wampy sends an ERROR with the `error`, `argsList` and `argsDict` of what the handler throws.
        throw Object.assign(new Error(uri), { error: uri, details: {}, ...toWampy(fromWampy(data)) });
      });
    },
    async unregister(procedure) {
      await wampy.unregister(procedure);
    },
    async call(procedure, payload, options) {
      return fromWampy(await wampy.call(procedure, toWampy(payload), options));
    },
    async subscribe(topic, onEvent, options) {
      await wampy.subscribe(topic, (data: WampyData) => onEvent(fromWampy(data)), options);
    },
    async unsubscribe(topic) {
      await wampy.unsubscribe(topic);
    },
    async publish(topic, payload, options) {
      // wampy always asks for acknowledge, so this resolves on PUBLISHED.
      await wampy.publish(topic, toWampy(payload), options);
    },
    async close() {
      await wampy.disconnect();
    },
  };
}

export const LIBRARIES: Record<string, (url: string, serializer: SerializerName) => Promise<InteropPeer>> = {
  autobahn: connectAutobahn,
  wampy: connectWampy,
};
