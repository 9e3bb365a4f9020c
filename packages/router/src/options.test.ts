// Options validation as a new user meets it: every key at every depth is known or refused with its full path and
// an exact message, values have the form the router can use, and every default is filled in. Each table row is one
// key path, a bad value there, and what the error says. The keys inside `auth` have their table in
// auth/check-auth.test.ts.
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { silentLogger } from './logger.js';
import { type RouterOptions, resolveOptions } from './options.js';

const NATS = 'nats://127.0.0.1:4222';

function problem(options: unknown): string {
  try {
    resolveOptions(options as RouterOptions);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

// Each section with valid siblings around the key under test.
const limits = (values: Record<string, unknown>) => ({ limits: values });
const rate = (rateLimit: unknown) => limits({ rateLimit });
const history = (entry: Record<string, unknown>) => ({ eventHistory: [{ topic: 'com.t', ...entry }] });
const keepalive = (values: Record<string, unknown>) => ({
  keepalive: { intervalMs: 1000, timeoutMs: 1000, ...values },
});
const nats = (values: Record<string, unknown>) => ({ cluster: { nats: { servers: NATS, ...values } } });

/** Every limit and its default, written out: the defaults test and the per-limit rows below both read it. */
const DEFAULT_LIMITS = {
  maxMessageBytes: 16 * 1024 * 1024,
  outboundHighWater: 1024 * 1024,
  outboundHardLimit: 64 * 1024 * 1024,
  rateLimit: false,
  slowConsumer: 'drop',
  maxPendingCallsPerCaller: 1000,
  maxPendingCallsPerCallee: 10_000,
  maxSessions: 50_000,
  maxSessionsPerRealm: 50_000,
  maxSubscriptionsPerSession: 10_000,
  maxRegistrationsPerSession: 10_000,
  maxUriLength: 512,
  maxPayloadDepth: 64,
  shutdownGraceMs: 2000,
  goodbyeGraceMs: 2000,
  upgradeTimeoutMs: 10_000,
  helloTimeoutMs: 10_000,
  maxConnectionsPerAddress: 1000,
  maxPendingConnectionsPerAddress: 64,
  maxPendingConnections: 1024,
  maxTestamentsPerSession: 16,
  maxTestamentBytesPerSession: 64 * 1024,
  maxRetainedEventBytes: 2 * 1024 * 1024,
  maxRetainedBytesPerRealm: 64 * 1024 * 1024,
  maxHistoryBytesPerRealm: 64 * 1024 * 1024,
};
const COUNT_LIMITS = Object.keys(DEFAULT_LIMITS).filter((key) => key !== 'rateLimit' && key !== 'slowConsumer');

const RATE_KEYS = 'messagesPerSecond, bytesPerSecond, burstSeconds, overflow';
const RATE_SHAPE = 'false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow? }';
const KEEPALIVE_MS =
  'a positive integer of ms (keepalive takes both intervalMs and timeoutMs, or false to turn it off)';

describe('resolveOptions refuses unknown keys at every depth, naming the full path and the known keys', () => {
  it.each<[string, unknown, string]>([
    [
      'relams',
      { relams: ['a'] },
      'realms, autoCreateRealms, serializers, uriCheck, limits, logger, keepalive, allowedOrigins, perMessageDeflate, eventHistory, auth, cluster, metrics, tracing, dashboard',
    ],
    ['limits.maxMessageByte', limits({ maxMessageByte: 5 }), Object.keys(DEFAULT_LIMITS).join(', ')],
    ['limits.rateLimit.messagesPerSec', rate({ messagesPerSec: 5 }), `${RATE_KEYS}, realms, roles`],
    ['limits.rateLimit.realms.app.roles', rate({ realms: { app: { roles: {} } } }), RATE_KEYS],
    ['limits.rateLimit.roles.guest.burst', rate({ roles: { guest: { burst: 1 } } }), RATE_KEYS],
    ['keepalive.interval', keepalive({ interval: 5 }), 'intervalMs, timeoutMs'],
    ['eventHistory[0].limt', history({ limt: 5 }), 'topic, match, limit, maxBytes'],
    ['cluster.natz', { cluster: { natz: {} } }, 'nats'],
    ['cluster.nats.user', nats({ user: 'x' }), 'servers, name'],
    ['metrics.path', { metrics: { port: 9464, path: '/m' } }, 'port, host, procedures, topProcedures'],
  ])('%s', (path, options, known) => {
    expect(problem(options)).toBe(`Unknown option "${path}" (known: ${known})`);
  });
});

describe('resolveOptions refuses a bad value at every key with an exact message', () => {
  it.each<[string, unknown, string, string]>([
    ['realms', { realms: 'realm1' }, 'a list of non-empty strings', '"realm1"'],
    ['realms', { realms: [''] }, 'a list of non-empty strings', '[""]'],
    ['realms', { realms: [] }, 'at least one realm (or autoCreateRealms: true)', '[]'],
    [
      'realms[1]',
      { realms: ['realm1', 'com..app'] },
      'a realm URI such as "realm1" or "com.example.app"',
      '"com..app"',
    ],
    ['realms[1]', { auth: { 'com app': {} } }, 'a realm URI such as "realm1" or "com.example.app"', '"com app"'],
    ['autoCreateRealms', { autoCreateRealms: 'yes' }, 'true or false', '"yes"'],
    ['serializers', { serializers: 'json' }, 'a list of non-empty strings', '"json"'],
    ['serializers[1]', { serializers: ['json', 'xml'] }, 'one of json, cbor, msgpack', '"xml"'],
    ['serializers', { serializers: [] }, 'at least one of json, cbor, msgpack', '[]'],
    ['uriCheck', { uriCheck: 'medium' }, 'one of loose, strict', '"medium"'],
    [
      'allowedOrigins',
      { allowedOrigins: 'https://app.example.com' },
      'a list of non-empty strings',
      '"https://app.example.com"',
    ],
    ['perMessageDeflate', { perMessageDeflate: 1 }, 'true or false', '1'],
    ['limits', { limits: 5 }, 'a map', '5'],
    ['limits.slowConsumer', limits({ slowConsumer: 'block' }), 'one of drop, disconnect', '"block"'],
    [
      'limits.outboundHardLimit',
      limits({ outboundHardLimit: 1 << 20 }),
      'at least limits.outboundHighWater + limits.maxMessageBytes (17825792 bytes), so that the largest message fits above the high-water mark',
      '1048576',
    ],
    [
      'limits.rateLimit',
      rate(true),
      'false or { messagesPerSecond?, bytesPerSecond?, burstSeconds?, overflow?, realms?, roles? }',
      'a boolean',
    ],
    [
      'limits.rateLimit.messagesPerSecond',
      rate({ messagesPerSecond: 0 }),
      'a positive number of messages per second',
      '0',
    ],
    ['limits.rateLimit.bytesPerSecond', rate({ bytesPerSecond: 1.5 }), 'a positive integer of bytes per second', '1.5'],
    ['limits.rateLimit.burstSeconds', rate({ burstSeconds: -1 }), 'a positive number of seconds', '-1'],
    ['limits.rateLimit.overflow', rate({ overflow: 'drop' }), 'one of backpressure, disconnect', '"drop"'],
    ['limits.rateLimit.realms', rate({ realms: 5 }), 'a map of names to rates (or false)', 'a number'],
    ['limits.rateLimit.realms.app', rate({ realms: { app: true } }), RATE_SHAPE, 'a boolean'],
    ['limits.rateLimit.roles', rate({ roles: [] }), 'a map of names to rates (or false)', 'a list'],
    [
      'limits.rateLimit.roles.guest.messagesPerSecond',
      rate({ roles: { guest: { messagesPerSecond: '5' } } }),
      'a positive number of messages per second',
      '"5"',
    ],
    ['metrics', { metrics: 9464 }, 'true, false or { port?, host?, procedures?, topProcedures? }', '9464'],
    [
      'metrics.host',
      { metrics: { host: '0.0.0.0' } },
      'nothing without metrics.port (the router’s own ports)',
      '"0.0.0.0"',
    ],
    ['metrics.procedures', { metrics: { procedures: 'com.a' } }, 'a list of non-empty strings', '"com.a"'],
    ['metrics.topProcedures', { metrics: { topProcedures: -1 } }, 'a whole number from 0 to 10000', '-1'],
    ['metrics.port', { metrics: { port: 70_000 } }, 'a port from 0 (any free one) to 65535', '70000'],
    ['metrics.host', { metrics: { port: 9464, host: '' } }, 'an address to listen on', '""'],
    ['tracing', { tracing: 'otlp' }, 'true, false, an OpenTelemetry TracerProvider or a Tracer', '"otlp"'],
    ['keepalive', { keepalive: true }, 'false or { intervalMs, timeoutMs }', 'a boolean'],
    ['keepalive.intervalMs', { keepalive: { timeoutMs: 5000 } }, KEEPALIVE_MS, 'nothing'],
    ['keepalive.timeoutMs', { keepalive: { intervalMs: 5000 } }, KEEPALIVE_MS, 'nothing'],
    ['keepalive.intervalMs', keepalive({ intervalMs: 0 }), KEEPALIVE_MS, '0'],
    ['keepalive.timeoutMs', keepalive({ timeoutMs: 2.5 }), KEEPALIVE_MS, '2.5'],
    ['eventHistory', { eventHistory: { topic: 'a' } }, 'a list of { topic, match?, limit?, maxBytes? }', 'a map'],
    ['eventHistory[0]', { eventHistory: ['com.t'] }, '{ topic, match?, limit?, maxBytes? }', 'a string (not shown)'],
    ['eventHistory[0].topic', { eventHistory: [{ limit: 5 }] }, 'a topic or topic pattern', 'nothing'],
    ['eventHistory[0].topic', history({ topic: 'com t', match: 'prefix' }), 'a valid prefix topic pattern', '"com t"'],
    ['eventHistory[0].match', history({ match: 'glob' }), 'one of exact, prefix, wildcard', '"glob"'],
    ['eventHistory[0].limit', history({ limit: 0 }), 'a positive integer', '0'],
    ['eventHistory[0].maxBytes', history({ maxBytes: 1.5 }), 'a positive integer of bytes', '1.5'],
    ['cluster', { cluster: NATS }, '{ nats: { servers, name? } }', `"${NATS}"`],
    ['cluster.nats', { cluster: {} }, '{ servers, name? }', 'nothing'],
    ['cluster.nats.servers', nats({ servers: 5 }), 'a list of non-empty strings', '5'],
    ['cluster.nats.servers', nats({ servers: [] }), `NATS URLs such as "${NATS}"`, '[]'],
    ['cluster.nats.servers[1]', nats({ servers: [NATS, 'http://x'] }), `a NATS URL such as "${NATS}"`, '"http://x"'],
    ['cluster.nats.name', nats({ name: '' }), 'a non-empty node name', '""'],
    ['auth', { auth: 5 }, 'a map of realm names to their authentication', 'a number'],
    ...COUNT_LIMITS.flatMap((key): [string, unknown, string, string][] => [
      [`limits.${key}`, limits({ [key]: 0 }), 'a positive integer', '0'],
      [`limits.${key}`, limits({ [key]: '10' }), 'a positive integer', '"10"'],
    ]),
  ])('%s: %j', (path, options, expected, got) => {
    expect(problem(options)).toBe(`Invalid option "${path}": expected ${expected}, got ${got}`);
  });
});

describe('resolveOptions accepts what the router can use', () => {
  it('accepts keepalive and a prefix history, and passes a checked auth section on as it is', () => {
    const auth = { realm1: { anonymous: { role: 'guest' } } };
    const resolved = resolveOptions({
      keepalive: { intervalMs: 5000, timeoutMs: 2000 },
      eventHistory: [{ topic: 'com.t.', match: 'prefix' }],
      auth,
    });
    expect(resolved.keepalive).toEqual({ intervalMs: 5000, timeoutMs: 2000 });
    expect(resolved.eventHistory[0]).toMatchObject({ topic: 'com.t.', match: 'prefix', limit: 100 });
    expect(resolved.auth).toBe(auth);
  });

  it('accepts rate limits with overrides set to false, keepalive off and a cluster with a list of servers', () => {
    const resolved = resolveOptions({
      limits: {
        rateLimit: { messagesPerSecond: 0.5, realms: { internal: false }, roles: { guest: { burstSeconds: 2 } } },
      },
      keepalive: false,
      cluster: { nats: { servers: [NATS, 'tls://nats.example.com:4222', 'localhost:4222'], name: 'node-1' } },
    });
    expect(resolved.limits.rateLimit).toEqual({
      messagesPerSecond: 0.5,
      realms: { internal: false },
      roles: { guest: { burstSeconds: 2 } },
    });
    expect(resolved.keepalive).toBe(false);
    expect(resolved.cluster).toEqual({
      servers: [NATS, 'tls://nats.example.com:4222', 'localhost:4222'],
      name: 'node-1',
    });
  });

  it('serves the realms of auth sections beside those listed, once each', () => {
    expect(resolveOptions({ realms: ['app', 'admin'], auth: { admin: {}, ops: {} } }).realms).toEqual([
      'app',
      'admin',
      'ops',
    ]);
    expect(resolveOptions({ realms: [], autoCreateRealms: true }).realms).toEqual([]);
  });
});

describe('resolveOptions defaults', () => {
  it('takes messages up to 16 MiB, so that a 1 MiB payload fits with its framing', () => {
    expect(resolveOptions().limits.maxMessageBytes).toBe(16 * 1024 * 1024);
  });

  it('fills in every option', () => {
    const { logger, ...resolved } = resolveOptions({});
    expect(resolved).toEqual({
      realms: ['realm1'],
      autoCreateRealms: false,
      serializers: ['json', 'cbor', 'msgpack'],
      uriCheck: 'loose',
      limits: DEFAULT_LIMITS,
      keepalive: { intervalMs: 30_000, timeoutMs: 10_000 },
      allowedOrigins: undefined,
      perMessageDeflate: false,
      eventHistory: [],
      auth: {},
      cluster: null,
      metrics: null,
      tracing: null,
      dashboard: null,
    });
    expect(Object.keys(resolved.limits)).toEqual(Object.keys(DEFAULT_LIMITS));
    expect(logger).toBe(silentLogger);
  });

  it('takes tracing as true (the global tracer provider), a TracerProvider or a Tracer', () => {
    expect(resolveOptions({ tracing: false }).tracing).toBeNull();
    for (const tracing of [true, trace.getTracerProvider(), trace.getTracer('a tracer')]) {
      expect(typeof resolveOptions({ tracing }).tracing?.startCall).toBe('function');
    }
  });

  it('fills in each eventHistory entry and names a cluster node after its host and process', () => {
    expect(resolveOptions({ eventHistory: [{ topic: 'com.t' }] }).eventHistory).toEqual([
      { topic: 'com.t', match: 'exact', limit: 100, maxBytes: 4 * 1024 * 1024 },
    ]);
    expect(resolveOptions({ cluster: { nats: { servers: NATS } } }).cluster).toEqual({
      servers: [NATS],
      name: expect.stringMatching(new RegExp(`-${process.pid}$`)),
    });
  });
});
