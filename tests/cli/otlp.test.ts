// `wamp-router --otlp-endpoint` as users run it: a real process exporting its spans over OTLP/HTTP to a receiver
// this test runs on 127.0.0.1, continuing the trace of a caller in this process. Needs the router built.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Session } from '@wamp/client';
import { openTelemetry } from '@wamp/client/opentelemetry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));
const REFUSE_SDK = fileURLToPath(new URL('../support/refuse-otel-sdk.mjs', import.meta.url));

/** One span as OTLP/JSON carries it (IDs in hex, attributes as typed values). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}
interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

/** A receiver of OTLP/HTTP trace exports: every POST /v1/traces body it got, with its content type. */
let receiver: Server;
let endpoint: string;
const exports: { contentType: string | undefined; body: OtlpExport }[] = [];

async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = '';
  request.setEncoding('utf8');
  for await (const chunk of request) body += chunk;
  return body;
}

const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  context.setGlobalContextManager(contextManager.enable());
  receiver = createServer(async (request, response) => {
    if (request.method !== 'POST' || request.url !== '/v1/traces') {
      response.writeHead(404).end();
      return;
    }
    const text = await bodyOf(request);
    exports.push({ contentType: request.headers['content-type'], body: JSON.parse(text) as OtlpExport });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  context.disable();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

function attribute(span: OtlpSpan, key: string): string | number | undefined {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
}

describe('wamp-router --otlp-endpoint', () => {
  it('exports the router’s call spans as OTLP/HTTP JSON, continuing the caller’s trace, and flushes on shutdown', async () => {
    const cli = await startCli('node', [BIN, '--port', '0', '--otlp-endpoint', `${endpoint}/`]);
    expect(cli.stdout()).toContain(`traces to ${endpoint}/v1/traces`);
    // The caller's side: this process's own tracer, whose trace the router's span must continue.
    const provider = new BasicTracerProvider();
    const tracing = openTelemetry(provider);
    const callee = await Session.connect({ url: cli.url, realm: 'realm1', reconnect: false, tracing });
    await callee.register('com.otlp.add', ([a, b]) => (a as number) + (b as number));
    const caller = await Session.connect({ url: cli.url, realm: 'realm1', reconnect: false, tracing });
    const callerId = caller.id;
    const root = provider.getTracer('the test').startSpan('the caller');
    const sum = await context.with(trace.setSpan(context.active(), root), () => caller.call('com.otlp.add', [2, 3]));
    root.end();
    expect(sum).toBe(5);
    await caller.close();
    await callee.close();
    // The batch is sent at shutdown at the latest.
    expect(await cli.stop('SIGTERM')).toBe(0);

    expect(exports.length).toBeGreaterThan(0);
    expect(new Set(exports.map(({ contentType }) => contentType))).toEqual(new Set(['application/json']));
    const resources = exports.flatMap(({ body }) => body.resourceSpans);
    const services = resources.map(({ resource }) => resource.attributes.find((entry) => entry.key === 'service.name'));
    expect(new Set(services.map((service) => service?.value.stringValue))).toEqual(new Set(['wamp-router']));
    const spans = resources.flatMap(({ scopeSpans }) =>
      scopeSpans.filter(({ scope }) => scope.name === '@wamp/router').flatMap((scoped) => scoped.spans),
    );
    const call = spans.find((span) => span.name === 'com.otlp.add');
    expect(call, JSON.stringify(spans.map((span) => span.name))).toBeDefined();
    expect(call!.kind).toBe(2); // OTLP's SPAN_KIND_SERVER
    expect(call!.traceId).toBe(root.spanContext().traceId);
    expect(call!.parentSpanId).toBe(root.spanContext().spanId);
    expect(attribute(call!, 'rpc.system.name')).toBe('wamp');
    expect(attribute(call!, 'rpc.method')).toBe('com.otlp.add');
    expect(attribute(call!, 'wamp.caller.session')).toBe(callerId);
    expect(attribute(call!, 'wamp.call.outcome')).toBe('result');
  });

  it('takes the endpoint from OTEL_EXPORTER_OTLP_ENDPOINT, and refuses one that is not an http(s) URL', async () => {
    // env(1) replaces itself with node, so the signal reaches the router itself.
    const fromEnv = await startCli('env', [`OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`, 'node', BIN, '--port', '0']);
    expect(fromEnv.stdout()).toContain(`traces to ${endpoint}/v1/traces`);
    expect(await fromEnv.stop('SIGTERM')).toBe(0);
    const refused = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile('node', [BIN, '--port', '0', '--otlp-endpoint', 'collector:4318'], (error, _stdout, stderr) =>
        resolve({ code: error === null ? 0 : (error.code as number), stderr }),
      );
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('--otlp-endpoint must be an http:// or https:// URL');
  });

  it('loads the OpenTelemetry SDK only when traces are exported, and says what to install when it is missing', async () => {
    await using plain = await startCli('node', ['--import', REFUSE_SDK, BIN, '--port', '0']);
    const session = await Session.connect({ url: plain.url, realm: 'realm1', reconnect: false });
    expect(await session.call('wamp.session.count')).toBe(1);
    await session.close();
    expect(plain.stderr()).not.toContain('refused to load');
    const missing = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        'node',
        ['--import', REFUSE_SDK, BIN, '--port', '0', '--otlp-endpoint', endpoint],
        (error, _stdout, stderr) => resolve({ code: error === null ? 0 : (error.code as number), stderr }),
      );
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--otlp-endpoint needs the OpenTelemetry SDK');
    expect(missing.stderr).toContain('npm install @opentelemetry/sdk-trace-base');
  });
});
