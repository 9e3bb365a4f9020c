// The router's spans through a real OpenTelemetry SDK (in-memory exporter): one per call and per publication,
// children of the client's `_tracecontext`, their own context handed on in INVOCATION and EVENT details.
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { type Dict, ErrorUri, type Message, MessageCode, readTraceContext, TRACE_CONTEXT_KEY } from '@wamp/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type CoreFixture, startCore } from '../../test/support/core-router.js';
import type { RawPeer } from '../../test/support/raw-peer.js';
import { resolveTracing } from './options.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const PARENT = { traceparent: `00-${TRACE}-${CALLER_SPAN}-01`, tracestate: 'vendor=caller' };

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
afterEach(() => exporter.reset());

function tracedCore(): CoreFixture {
  return startCore({ tracing: resolveTracing(provider)! });
}

/** The only finished span named `name`. */
function span(name: string): ReadableSpan {
  const found = exporter.getFinishedSpans().filter((finished) => finished.name === name);
  expect(found.map((finished) => finished.name)).toEqual([name]);
  return found[0]!;
}

async function expectCode(peer: RawPeer, code: MessageCode): Promise<Message> {
  const message = await peer.next();
  expect(message[0], JSON.stringify(message)).toBe(code);
  return message;
}

/** A callee registered for `procedure` (with `options`), and a caller, both joined. */
async function calleeAndCaller(fixture: CoreFixture, procedure: string, options: Dict = {}) {
  const callee = await fixture.joined();
  callee.send([MessageCode.REGISTER, 1, options, procedure]);
  const registration = (await expectCode(callee, MessageCode.REGISTERED))[2] as number;
  return { callee, caller: await fixture.joined(), registration };
}

describe('call spans', () => {
  it('continue the caller’s trace, and hand their own context to the callee in INVOCATION details', async () => {
    using fixture = tracedCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.add');
    caller.send([MessageCode.CALL, 7, { [TRACE_CONTEXT_KEY]: PARENT }, 'com.app.add', [1, 2]]);
    const invocation = await expectCode(callee, MessageCode.INVOCATION);
    const handedOn = readTraceContext((invocation[3] as Dict)[TRACE_CONTEXT_KEY]);
    expect(handedOn?.traceId).toBe(TRACE);
    expect(handedOn?.traceState).toBe('vendor=caller');
    // The span is still open: it ends with the RESULT.
    expect(exporter.getFinishedSpans()).toEqual([]);
    callee.send([MessageCode.YIELD, invocation[1], {}, [3]]);
    expect((await expectCode(caller, MessageCode.RESULT))[3]).toEqual([3]);

    const routed = span('com.app.add');
    expect(routed.kind).toBe(SpanKind.SERVER);
    expect(routed.spanContext().traceId).toBe(TRACE);
    expect(routed.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(routed.spanContext().spanId).toBe(handedOn?.spanId);
    expect(routed.attributes).toEqual({
      'rpc.system.name': 'wamp',
      'rpc.method': 'com.app.add',
      'wamp.realm': 'realm1',
      'wamp.caller.session': caller.sessionId,
      'wamp.callee.session': callee.sessionId,
      'wamp.call.outcome': 'result',
    });
    expect(routed.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('are the root of a new trace for a caller that sends no trace context, or one that is not valid', async () => {
    using fixture = tracedCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.echo');
    for (const [request, options] of [
      [1, {}],
      [2, { [TRACE_CONTEXT_KEY]: 'not a dict' }],
      [3, { [TRACE_CONTEXT_KEY]: { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` } }],
    ] as const) {
      caller.send([MessageCode.CALL, request, options, 'com.app.echo']);
      const invocation = await expectCode(callee, MessageCode.INVOCATION);
      const handedOn = readTraceContext((invocation[3] as Dict)[TRACE_CONTEXT_KEY]);
      expect(handedOn).toBeDefined();
      callee.send([MessageCode.YIELD, invocation[1], {}]);
      await expectCode(caller, MessageCode.RESULT);
    }
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(3);
    for (const root of spans) expect(root.parentSpanContext).toBeUndefined();
    expect(new Set(spans.map((root) => root.spanContext().traceId)).size).toBe(3);
  });

  it('record the callee’s error URI as error.type, and a failed status', async () => {
    using fixture = tracedCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.fail');
    caller.send([MessageCode.CALL, 1, {}, 'com.app.fail']);
    const invocation = await expectCode(callee, MessageCode.INVOCATION);
    callee.send([MessageCode.ERROR, MessageCode.INVOCATION, invocation[1], {}, 'com.app.error.nope']);
    expect((await expectCode(caller, MessageCode.ERROR))[4]).toBe('com.app.error.nope');
    const failed = span('com.app.fail');
    expect(failed.attributes['wamp.call.outcome']).toBe('error');
    expect(failed.attributes['error.type']).toBe('com.app.error.nope');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'com.app.error.nope' });
  });

  it('end as timeout when the dealer’s deadline passes, and as canceled when the caller cancels', async () => {
    using fixture = tracedCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.slow');
    caller.send([MessageCode.CALL, 1, { timeout: 20 }, 'com.app.slow']);
    await expectCode(callee, MessageCode.INVOCATION);
    expect((await expectCode(caller, MessageCode.ERROR))[4]).toBe(ErrorUri.TIMEOUT);
    caller.send([MessageCode.CALL, 2, {}, 'com.app.slow']);
    await expectCode(callee, MessageCode.INVOCATION);
    caller.send([MessageCode.CANCEL, 2, { mode: 'skip' }]);
    expect((await expectCode(caller, MessageCode.ERROR))[4]).toBe(ErrorUri.CANCELED);
    const outcomes = exporter
      .getFinishedSpans()
      .map((ended) => [ended.attributes['wamp.call.outcome'], ended.attributes['error.type']]);
    expect(outcomes).toEqual([
      ['timeout', ErrorUri.TIMEOUT],
      ['canceled', ErrorUri.CANCELED],
    ]);
  });

  it('end as canceled when the callee leaves before answering', async () => {
    using fixture = tracedCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.gone');
    caller.send([MessageCode.CALL, 1, { [TRACE_CONTEXT_KEY]: PARENT }, 'com.app.gone']);
    await expectCode(callee, MessageCode.INVOCATION);
    callee.transport.terminate();
    expect((await expectCode(caller, MessageCode.ERROR))[4]).toBe(ErrorUri.CANCELED);
    expect(span('com.app.gone').attributes['wamp.call.outcome']).toBe('canceled');
  });

  it('name a pattern registration’s procedure, with the called URI as rpc.method_original', async () => {
    using fixture = tracedCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.user.', { match: 'prefix' });
    caller.send([MessageCode.CALL, 1, {}, 'com.app.user.get']);
    const invocation = await expectCode(callee, MessageCode.INVOCATION);
    expect((invocation[3] as Dict).procedure).toBe('com.app.user.get');
    callee.send([MessageCode.YIELD, invocation[1], {}]);
    await expectCode(caller, MessageCode.RESULT);
    const routed = span('com.app.user.');
    expect(routed.attributes['rpc.method']).toBe('com.app.user.');
    expect(routed.attributes['rpc.method_original']).toBe('com.app.user.get');
  });

  it('of a call the dealer refuses at once are named wamp, with rpc.method _OTHER', async () => {
    using fixture = tracedCore();
    const caller = await fixture.joined();
    caller.send([MessageCode.CALL, 1, { [TRACE_CONTEXT_KEY]: PARENT }, 'com.app.missing']);
    expect((await expectCode(caller, MessageCode.ERROR))[4]).toBe(ErrorUri.NO_SUCH_PROCEDURE);
    const refused = span('wamp');
    expect(refused.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(refused.attributes).toMatchObject({
      'rpc.method': '_OTHER',
      'rpc.method_original': 'com.app.missing',
      'wamp.caller.session': caller.sessionId,
      'error.type': ErrorUri.NO_SUCH_PROCEDURE,
    });
    expect(refused.attributes['wamp.callee.session']).toBeUndefined();
  });
});

describe('publication spans', () => {
  it('continue the publisher’s trace, count the receivers, and reach exact and pattern subscribers', async () => {
    using fixture = tracedCore();
    const exact = await fixture.joined();
    exact.send([MessageCode.SUBSCRIBE, 1, {}, 'com.app.tick']);
    await expectCode(exact, MessageCode.SUBSCRIBED);
    const pattern = await fixture.joined();
    pattern.send([MessageCode.SUBSCRIBE, 1, { match: 'prefix' }, 'com.app.']);
    await expectCode(pattern, MessageCode.SUBSCRIBED);
    const publisher = await fixture.joined();
    publisher.send([MessageCode.PUBLISH, 1, { acknowledge: true, [TRACE_CONTEXT_KEY]: PARENT }, 'com.app.tick', [1]]);
    const publication = (await expectCode(publisher, MessageCode.PUBLISHED))[2];

    const published = span('publish com.app.tick');
    expect(published.kind).toBe(SpanKind.SERVER);
    expect(published.parentSpanContext?.spanId).toBe(CALLER_SPAN);
    expect(published.attributes).toEqual({
      'messaging.system': 'wamp',
      'messaging.operation.name': 'publish',
      'messaging.destination.name': 'com.app.tick',
      'messaging.message.id': String(publication),
      'wamp.realm': 'realm1',
      'wamp.publisher.session': publisher.sessionId,
      'wamp.publication.receivers': 2,
    });
    for (const subscriber of [exact, pattern]) {
      const details = (await expectCode(subscriber, MessageCode.EVENT))[3] as Dict;
      const handedOn = readTraceContext(details[TRACE_CONTEXT_KEY]);
      expect(handedOn?.traceId).toBe(TRACE);
      expect(handedOn?.spanId).toBe(published.spanContext().spanId);
    }
  });

  it('of a refused publication carry its error URI', async () => {
    using fixture = tracedCore();
    const publisher = await fixture.joined();
    publisher.send([MessageCode.PUBLISH, 1, { acknowledge: true }, 'wamp.session.on_join']);
    expect((await expectCode(publisher, MessageCode.ERROR))[4]).toBe(ErrorUri.INVALID_URI);
    const refused = span('publish wamp.session.on_join');
    expect(refused.attributes['error.type']).toBe(ErrorUri.INVALID_URI);
    expect(refused.attributes['wamp.publication.receivers']).toBe(0);
    expect(refused.attributes['messaging.message.id']).toBeUndefined();
  });
});

describe('with tracing off', () => {
  it('INVOCATION and EVENT details get no _tracecontext, whatever the client sent', async () => {
    using fixture = startCore();
    const { callee, caller } = await calleeAndCaller(fixture, 'com.app.add');
    caller.send([MessageCode.CALL, 1, { [TRACE_CONTEXT_KEY]: PARENT }, 'com.app.add']);
    expect((await expectCode(callee, MessageCode.INVOCATION))[3]).toEqual({});
    callee.send([MessageCode.SUBSCRIBE, 2, {}, 'com.app.tick']);
    await expectCode(callee, MessageCode.SUBSCRIBED);
    caller.send([MessageCode.PUBLISH, 2, { [TRACE_CONTEXT_KEY]: PARENT }, 'com.app.tick']);
    expect((await expectCode(callee, MessageCode.EVENT))[3]).toEqual({});
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
