// Progressive call results and call canceling across libraries: Autobahn|JS and wampy.js against @wamp/client,
// through our router, over JSON and CBOR.
import { type Invocation, Session } from '@wamp/client';
import { cbor } from '@wamp/client/cbor';
import { jsonSerializer } from '@wamp/protocol/json';
import { createRouter, type Router } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wampy } from 'wampy';
import { CborSerializer } from 'wampy/CborSerializer.js';
import { JsonSerializer } from 'wampy/JsonSerializer.js';
import WebSocket from 'ws';
import { openAutobahn, type SerializerName } from './peers.js';

let router: Router;
let url: string;

beforeAll(async () => {
  router = createRouter();
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  await router.close();
});

const OURS = { json: jsonSerializer, cbor };
const WAMPY = { json: () => new JsonSerializer(), cbor: () => new CborSerializer() };

describe.each(['json', 'cbor'] as const)('over %s', (serializer: SerializerName & ('json' | 'cbor')) => {
  const prefix = `com.progress.${serializer}`;
  let ours: Session;
  let autobahn: Awaited<ReturnType<typeof openAutobahn>>;

  beforeAll(async () => {
    ours = await Session.connect({ url, realm: 'realm1', serializers: [OURS[serializer]], reconnect: false });
    autobahn = await openAutobahn(url, serializer);
  });

  afterAll(async () => {
    await ours.close();
    autobahn.connection.close();
  });

  it('an autobahn caller receives the progressive results of our callee', async () => {
    await ours.register(`${prefix}.count`, ([from], invocation: Invocation) => {
      for (let n = from as number; n > 0; n--) invocation.progress([n]);
      return 'done';
    });
    const partials: unknown[] = [];
    const final = await autobahn.session.call(`${prefix}.count`, [3], {}, { receive_progress: true }).then(
      (value) => value,
      undefined,
      (update) => partials.push(update),
    );
    expect(partials).toEqual([3, 2, 1]);
    expect(final).toBe('done');
  });

  it('our caller iterates the progressive results of an autobahn callee', async () => {
    await autobahn.session.register(`${prefix}.ab`, (_args, _kwargs, details) => {
      const progress = (details as { progress?: (args: unknown[]) => void }).progress;
      for (const part of ['a', 'b']) progress?.([part]);
      return 'c';
    });
    const call = ours.progressive(`${prefix}.ab`);
    const partials: unknown[] = [];
    for await (const part of call) partials.push(part);
    expect(partials).toEqual(['a', 'b']);
    expect(await call.result).toBe('c');
  });

  it('an autobahn cancel (kill) interrupts our callee, whose signal aborts', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let aborted!: (reason: unknown) => void;
    const interrupted = new Promise<unknown>((resolve) => {
      aborted = resolve;
    });
    await ours.register(`${prefix}.slow`, (_args, invocation: Invocation) => {
      invocation.signal.addEventListener('abort', () => aborted(invocation.signal.reason));
      started();
      return new Promise(() => {});
    });
    const call = autobahn.session.call(`${prefix}.slow`, [], {}, {});
    const outcome = call.then(
      () => 'resolved',
      (error: unknown) => (error as { error?: string }).error ?? 'rejected',
    );
    await running;
    call.cancel({ mode: 'kill' });
    expect(await interrupted).toBeDefined();
    expect(await outcome).toBe('wamp.error.canceled');
  });

  it('a wampy caller gets progressive results through progress_callback', async () => {
    const wampy = new Wampy(url, {
      realm: 'realm1',
      ws: WebSocket as never,
      serializer: WAMPY[serializer](),
      autoReconnect: false,
    });
    await wampy.connect();
    try {
      await ours.register(`${prefix}.wampy`, ([from], invocation: Invocation) => {
        for (let n = from as number; n > 0; n--) invocation.progress([n]);
        return 'go';
      });
      const partials: unknown[] = [];
      const final = await wampy.call(`${prefix}.wampy`, [2], {
        progress_callback: (data: { argsList?: unknown[] }) => {
          partials.push(data.argsList?.[0]);
        },
      });
      expect(partials).toEqual([2, 1]);
      expect(final.argsList).toEqual(['go']);
    } finally {
      await wampy.disconnect();
    }
  });
});
