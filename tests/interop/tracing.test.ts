// Traces across processes' worth of parts, over real sockets: a @wamp/client caller's trace goes through the
// router's span into the callee's handler (and what the handler calls), a publisher's into each subscriber's
// delivery; third-party peers (Autobahn|JS, wampy) that know nothing of `_tracecontext` still call and are called.
import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { RUNTIME_ERROR_URI, Session, WampError } from '@wamp/client';
import { openTelemetry } from '@wamp/client/opentelemetry';
import { TRACE_CONTEXT_KEY } from '@wamp/protocol';
import { createRouter, type Router } from '@wamp/router';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectAutobahn, LIBRARIES, type Payload } from './peers.js';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const test = provider.getTracer('the test');
const contextManager = new AsyncLocalStorageContextManager();

let router: Router;
let url: string;
let untraced: Router;
let untracedUrl: string;
const sessions: Session[] = [];

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  router = createRouter({ tracing: provider });
  ({ url } = await router.listen({ host: '127.0.0.1', port: 0 }));
  untraced = createRouter();
  ({ url: untracedUrl } = await untraced.listen({ host: '127.0.0.1', port: 0 }));
});

afterAll(async () => {
  for (const session of sessions) await session.close();
  await router.close();
  await untraced.close();
  context.disable();
});

afterEach(() => exporter.reset());

async function traced(at = url): Promise<Session> {
  const session = await Session.connect({
    url: at,
    realm: 'realm1',
    reconnect: false,
    tracing: openTelemetry(provider),
  });
  sessions.push(session);
  return session;
}

/** Runs `body` in a span of the test's own, the caller's trace; resolves with what `body` returns and the span. */
async function inTestSpan<T>(body: () => Promise<T>): Promise<{ result: T; root: Span }> {
  return test.startActiveSpan('the caller', async (root) => {
    try {
      return { result: await body(), root };
    } finally {
      root.end();
    }
  });
}

/** The finished spans of `scope` (the router's or the client's) named `name`. */
function spans(scope: '@wamp/router' | '@wamp/client', name: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === scope && span.name === name);
}

function only(scope: '@wamp/router' | '@wamp/client', name: string): ReadableSpan {
  const found = spans(scope, name);
  expect(found, `${scope} spans named ${name}`).toHaveLength(1);
  return found[0]!;
}

function expectChild(child: ReadableSpan, parent: { spanContext(): { traceId: string; spanId: string } }): void {
  expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
  expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
}

describe('a call', () => {
  it('is one trace from the caller through the router into the callee’s handler and what it calls', async () => {
    const callee = await traced();
    const helper = await traced();
    await helper.register('com.trace.double', ([n]) => (n as number) * 2);
    let handlerSpan: string | undefined;
    await callee.register('com.trace.add', async ([a, b]) => {
      handlerSpan = trace.getActiveSpan()?.spanContext().spanId;
      return await callee.call('com.trace.double', [(a as number) + (b as number)]);
    });
    const caller = await traced();
    const { result, root } = await inTestSpan(() => caller.call('com.trace.add', [1, 2]));
    expect(result).toBe(6);

    const atRouter = only('@wamp/router', 'com.trace.add');
    const inCallee = only('@wamp/client', 'com.trace.add');
    expectChild(atRouter, root);
    expectChild(inCallee, atRouter);
    expect(inCallee.kind).toBe(SpanKind.SERVER);
    expect(inCallee.attributes).toMatchObject({ 'rpc.system.name': 'wamp', 'rpc.method': 'com.trace.add' });
    expect(handlerSpan).toBe(inCallee.spanContext().spanId);
    expect(atRouter.attributes).toMatchObject({
      'wamp.caller.session': caller.id,
      'wamp.callee.session': callee.id,
      'wamp.call.outcome': 'result',
    });
    // The handler's own call continues the same trace, a child of the handler's span.
    const nestedAtRouter = only('@wamp/router', 'com.trace.double');
    expectChild(nestedAtRouter, inCallee);
    expect(nestedAtRouter.attributes['wamp.caller.session']).toBe(callee.id);
    expectChild(only('@wamp/client', 'com.trace.double'), nestedAtRouter);
  });

  it('records the callee’s WampError URI, and a crash as runtime_error with its exception, on both spans', async () => {
    const callee = await traced();
    await callee.register('com.trace.refuse', () => {
      throw new WampError('com.trace.error.refused');
    });
    await callee.register('com.trace.crash', () => {
      throw new RangeError('out of range');
    });
    callee.raw.on('error', () => {});
    const caller = await traced();
    await expect(caller.call('com.trace.refuse')).rejects.toMatchObject({ uri: 'com.trace.error.refused' });
    await expect(caller.call('com.trace.crash')).rejects.toMatchObject({ uri: RUNTIME_ERROR_URI });

    for (const scope of ['@wamp/router', '@wamp/client'] as const) {
      const refused = only(scope, 'com.trace.refuse');
      expect(refused.attributes['error.type']).toBe('com.trace.error.refused');
      expect(refused.status.code).toBe(SpanStatusCode.ERROR);
      expect(only(scope, 'com.trace.crash').attributes['error.type']).toBe(RUNTIME_ERROR_URI);
    }
    const crashed = only('@wamp/client', 'com.trace.crash');
    expect(crashed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of range' });
    expect(crashed.events.map((event) => [event.name, event.attributes?.['exception.type']])).toEqual([
      ['exception', 'RangeError'],
    ]);
  });

  it('ends as canceled at the router when the caller aborts it', async () => {
    const callee = await traced();
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    let interrupted!: () => void;
    const wasInterrupted = new Promise<void>((resolve) => {
      interrupted = resolve;
    });
    await callee.raw.register('com.trace.wait', ({ signal }) => {
      signal.addEventListener('abort', () => interrupted());
      started();
      return new Promise(() => {});
    });
    const caller = await traced();
    const abort = new AbortController();
    const call = caller.call('com.trace.wait', [], { signal: abort.signal });
    await running;
    abort.abort();
    await expect(call).rejects.toThrow();
    await wasInterrupted;
    expect(only('@wamp/router', 'com.trace.wait').attributes['wamp.call.outcome']).toBe('canceled');
    expect(only('@wamp/client', 'com.trace.wait').attributes['error.type']).toBe('wamp.error.canceled');
  });

  it('from a caller with tracing off carries no trace context: the router’s span is a root', async () => {
    const callee = await traced();
    await callee.register('com.trace.plain', () => 'ok');
    const caller = await Session.connect({ url, realm: 'realm1', reconnect: false });
    sessions.push(caller);
    await inTestSpan(() => caller.call('com.trace.plain'));
    expect(only('@wamp/router', 'com.trace.plain').parentSpanContext).toBeUndefined();
  });

  it('through a router with tracing off reaches the callee without _tracecontext: its span is a root', async () => {
    const callee = await traced(untracedUrl);
    let details: Record<string, unknown> | undefined;
    await callee.raw.register('com.trace.bare', (invocation) => {
      details = invocation.details;
      return undefined;
    });
    const caller = await traced(untracedUrl);
    await inTestSpan(() => caller.call('com.trace.bare'));
    expect(details).toBeDefined();
    expect(details![TRACE_CONTEXT_KEY]).toBeUndefined();
    expect(spans('@wamp/router', 'com.trace.bare')).toEqual([]);
    expect(only('@wamp/client', 'com.trace.bare').parentSpanContext).toBeUndefined();
  });
});

describe('a publication', () => {
  it('is one trace from the publisher through the router into each subscriber’s delivery', async () => {
    const exact = await traced();
    const pattern = await traced();
    const received: Promise<string | undefined>[] = [];
    for (const [subscriber, topic, options] of [
      [exact, 'com.trace.tick', {}],
      [pattern, 'com.trace.', { match: 'prefix' as const }],
    ] as const) {
      let heard!: (spanId: string | undefined) => void;
      received.push(
        new Promise((resolve) => {
          heard = resolve;
        }),
      );
      await subscriber.subscribe(topic, () => heard(trace.getActiveSpan()?.spanContext().spanId), options);
    }
    const publisher = await traced();
    const { root } = await inTestSpan(() => publisher.publish('com.trace.tick', [1], { acknowledge: true }));
    const [exactSpanId, patternSpanId] = await Promise.all(received);

    const atRouter = only('@wamp/router', 'publish com.trace.tick');
    expectChild(atRouter, root);
    expect(atRouter.attributes['wamp.publication.receivers']).toBe(2);
    const delivered = only('@wamp/client', 'process com.trace.tick');
    expectChild(delivered, atRouter);
    expect(delivered.kind).toBe(SpanKind.CONSUMER);
    expect(delivered.spanContext().spanId).toBe(exactSpanId);
    expect(delivered.attributes).toMatchObject({
      'messaging.system': 'wamp',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'com.trace.tick',
      'messaging.message.id': atRouter.attributes['messaging.message.id'],
    });
    const byPattern = only('@wamp/client', 'process com.trace.');
    expectChild(byPattern, atRouter);
    expect(byPattern.spanContext().spanId).toBe(patternSpanId);
    expect(byPattern.attributes).toMatchObject({
      'messaging.destination.name': 'com.trace.tick',
      'messaging.destination.template': 'com.trace.',
    });
  });
});

describe('third-party peers', () => {
  it('Autobahn|JS calls a traced @wamp/client callee, whose span is a child of the router’s root span', async () => {
    const callee = await traced();
    await callee.register('com.trace.autobahn.add', ([a, b]) => (a as number) + (b as number));
    const autobahn = await connectAutobahn(url, 'json');
    try {
      expect((await autobahn.call('com.trace.autobahn.add', { args: [2, 3], kwargs: {} })).args).toEqual([5]);
    } finally {
      await autobahn.close();
    }
    const atRouter = only('@wamp/router', 'com.trace.autobahn.add');
    expect(atRouter.parentSpanContext).toBeUndefined();
    expectChild(only('@wamp/client', 'com.trace.autobahn.add'), atRouter);
  });

  it('an Autobahn|JS call whose deadline passes ends as timeout at the router, canceled in the traced callee', async () => {
    const callee = await traced();
    let interrupted!: () => void;
    const wasInterrupted = new Promise<void>((resolve) => {
      interrupted = resolve;
    });
    await callee.raw.register('com.trace.autobahn.slow', ({ signal }) => {
      signal.addEventListener('abort', () => interrupted());
      return new Promise(() => {});
    });
    const autobahn = await connectAutobahn(url, 'json');
    try {
      // Autobahn|JS leaves the deadline to the dealer: the router's timeout ends the call.
      await expect(
        autobahn.call('com.trace.autobahn.slow', { args: [], kwargs: {} }, { timeout: 50 }),
      ).rejects.toMatchObject({ error: 'wamp.error.timeout' });
    } finally {
      await autobahn.close();
    }
    await wasInterrupted;
    expect(only('@wamp/router', 'com.trace.autobahn.slow').attributes).toMatchObject({
      'wamp.call.outcome': 'timeout',
      'error.type': 'wamp.error.timeout',
    });
    expect(only('@wamp/client', 'com.trace.autobahn.slow').attributes['error.type']).toBe('wamp.error.canceled');
  });

  it.each(Object.keys(LIBRARIES))(
    'a %s callee and subscriber, sent _tracecontext in their details, still answer and receive',
    async (library) => {
      const peer = await LIBRARIES[library]!(url, 'json');
      const procedure = `com.trace.${library}.echo`;
      const topic = `com.traced.${library}.news`;
      try {
        await peer.register(procedure, ({ args }) => ({ args, kwargs: {} }));
        let heard!: (payload: Payload) => void;
        const event = new Promise<Payload>((resolve) => {
          heard = resolve;
        });
        await peer.subscribe(topic, (payload) => heard(payload));
        const caller = await traced();
        const { result } = await inTestSpan(async () => {
          await caller.publish(topic, ['hello'], { acknowledge: true });
          return caller.call(procedure, ['hi']);
        });
        expect(result).toBe('hi');
        expect((await event).args).toEqual(['hello']);
      } finally {
        await peer.close();
      }
      expect(only('@wamp/router', procedure).attributes['wamp.call.outcome']).toBe('result');
      expect(only('@wamp/router', `publish ${topic}`).attributes['wamp.publication.receivers']).toBe(1);
    },
  );
});
