// Clients that send faster than limits.rateLimit allows: slowed to the rate by not reading their socket
// (backpressure, nothing lost) or disconnected with 1008; bystanders keep their own rate and round trip.
import { call, MessageCode, publish } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { describe, expect, it } from 'vitest';
import { rateFor, TokenBuckets } from '../src/core/rate-limit.js';
import { type RouterOptions, resolveOptions } from '../src/options.js';
import { startRouter } from './support/fixture.js';
import { captureWarnings, collectAnswers } from './support/flow.js';
import type { RawPeer } from './support/raw-peer.js';

async function roundTrip(peer: RawPeer, request: number): Promise<number> {
  const started = performance.now();
  peer.send(call(request, {}, 'wamp.session.count'));
  expect((await peer.next(5_000))[0]).toBe(MessageCode.RESULT);
  return performance.now() - started;
}

describe('rate limits', () => {
  it('slows a session flooding CALLs to messagesPerSecond, answering every call; a bystander is not slowed', async () => {
    const rate = 200;
    await using fixture = await startRouter({
      keepalive: false,
      limits: { rateLimit: { messagesPerSecond: rate, burstSeconds: 0.25 } },
    });
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();
    const answers = collectAnswers(attacker.transport);

    const calls = 250; // a burst of 50, then 200 at 200/s: at least one second
    const started = performance.now();
    for (let request = 1; request <= calls; request++) attacker.send(call(request, {}, 'wamp.session.count'));
    await expect.poll(() => answers.size, { timeout: 1_000 }).toBeGreaterThan(40);
    expect(await roundTrip(bystander, 1)).toBeLessThan(200);
    await expect.poll(() => answers.size, { timeout: 10_000, interval: 10 }).toBe(calls);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(((calls - 50 - 1) / rate) * 1000 - 50);
    expect(elapsed).toBeLessThan(((calls - 50) / rate) * 1000 * 2.5);
    expect([...answers.values()].every((code) => code === MessageCode.RESULT)).toBe(true);
    expect(attacker.closeEvent).toBeUndefined();
  });

  it('slows a session publishing large payloads to bytesPerSecond', async () => {
    const bytesPerSecond = 64 * 1024;
    await using fixture = await startRouter({
      keepalive: false,
      limits: { rateLimit: { bytesPerSecond, burstSeconds: 0.5 } },
    });
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();
    const acknowledged: number[] = [];
    attacker.transport.onmessage = (raw) => {
      const message = raw as unknown[];
      if (message[0] === MessageCode.PUBLISHED) acknowledged.push(message[1] as number);
    };

    const payload = 'p'.repeat(8 * 1024);
    const publications = 12; // 96 KiB: a burst of 32 KiB, then 64 KiB at 64 KiB/s
    const started = performance.now();
    for (let request = 1; request <= publications; request++) {
      attacker.send(publish(request, { acknowledge: true }, 'com.app.blob', [payload]));
    }
    await expect.poll(() => acknowledged.length, { timeout: 1_000 }).toBeGreaterThan(2);
    expect(await roundTrip(bystander, 1)).toBeLessThan(200);
    await expect.poll(() => acknowledged.length, { timeout: 10_000, interval: 10 }).toBe(publications);
    const elapsed = performance.now() - started;
    // Each frame is a little over 8 KiB: the last one waits for (12 × 8 − 32 − 8) KiB at 64 KiB/s, about 0.9 s.
    expect(elapsed).toBeGreaterThanOrEqual(850);
    expect(elapsed).toBeLessThan(4_000);
    expect(acknowledged).toEqual(Array.from({ length: publications }, (_, i) => i + 1));
  });

  it('disconnects a session flooding past its rate with overflow disconnect (1008, one warning)', async () => {
    const { logger, warnings } = captureWarnings();
    await using fixture = await startRouter({
      keepalive: false,
      logger,
      limits: { rateLimit: { messagesPerSecond: 20, overflow: 'disconnect' } },
    });
    const bystander = await fixture.connect(jsonSerializer);
    await bystander.join();
    const attacker = await fixture.connect(jsonSerializer);
    await attacker.join();
    for (let request = 1; request <= 200; request++) attacker.send(call(request, {}, 'wamp.session.count'));
    const closed = await attacker.closed(5_000);
    expect(closed.code).toBe(1008);
    expect(closed.reason).toContain('limits.rateLimit');
    expect(warnings.filter((line) => line.includes('rate limit'))).toHaveLength(1);
    expect(fixture.router.stats().sessions).toBe(1);
    expect(await roundTrip(bystander, 1)).toBeLessThan(200);
  });

  it('does not limit a realm set to false, while the default applies elsewhere', async () => {
    await using fixture = await startRouter({
      keepalive: false,
      realms: ['realm1', 'internal'],
      limits: { rateLimit: { messagesPerSecond: 5, overflow: 'disconnect', realms: { internal: false } } },
    });
    const unlimited = await fixture.connect(jsonSerializer);
    await unlimited.join('internal');
    const answers = collectAnswers(unlimited.transport);
    for (let request = 1; request <= 100; request++) unlimited.send(call(request, {}, 'wamp.session.count'));
    await expect.poll(() => answers.size, { timeout: 5_000 }).toBe(100);
    const limited = await fixture.connect(jsonSerializer);
    await limited.join('realm1');
    for (let request = 1; request <= 20; request++) limited.send(call(request, {}, 'wamp.session.count'));
    expect((await limited.closed(5_000)).code).toBe(1008);
    expect(unlimited.closeEvent).toBeUndefined();
  });
});

describe('rateFor', () => {
  const options = {
    messagesPerSecond: 100,
    bytesPerSecond: 1 << 20,
    realms: { internal: false as const, app: { messagesPerSecond: 50 } },
    roles: { admin: false as const, guest: { messagesPerSecond: 5, overflow: 'disconnect' as const } },
  };

  it('layers role over realm over the defaults, field by field', () => {
    expect(rateFor(options, 'realm1', 'user')).toEqual({
      messagesPerSecond: 100,
      bytesPerSecond: 1 << 20,
      burstSeconds: 1,
      overflow: 'backpressure',
    });
    expect(rateFor(options, 'app', 'user')).toMatchObject({ messagesPerSecond: 50, bytesPerSecond: 1 << 20 });
    expect(rateFor(options, 'app', 'guest')).toMatchObject({ messagesPerSecond: 5, overflow: 'disconnect' });
  });

  it('is off when nothing is configured, for a role set to false, and for a realm set to false', () => {
    expect(rateFor(false, 'realm1', 'user')).toBeNull();
    expect(rateFor(options, 'app', 'admin')).toBeNull();
    expect(rateFor(options, 'internal', 'user')).toBeNull();
    // A role with its own rate is limited even in a realm set to false; bytes are then not counted.
    expect(rateFor(options, 'internal', 'guest')).toMatchObject({
      messagesPerSecond: 5,
      bytesPerSecond: Number.POSITIVE_INFINITY,
    });
  });
});

describe('TokenBuckets', () => {
  it('lets a burst through, then answers how long until the rate allows the next message', () => {
    const buckets = new TokenBuckets(
      { messagesPerSecond: 10, bytesPerSecond: Number.POSITIVE_INFINITY, burstSeconds: 1, overflow: 'backpressure' },
      0,
    );
    for (let i = 0; i < 10; i++) expect(buckets.take(100, 0)).toBe(0);
    expect(buckets.take(100, 0)).toBeCloseTo(100); // one message in debt: 100 ms at 10/s
    expect(buckets.take(100, 150)).toBeCloseTo(50); // 1.5 tokens back, 2 taken
    expect(buckets.take(100, 10_000)).toBe(0); // refilled to the burst, never beyond
  });

  it('counts bytes against bytesPerSecond', () => {
    const buckets = new TokenBuckets(
      { messagesPerSecond: Number.POSITIVE_INFINITY, bytesPerSecond: 1000, burstSeconds: 1, overflow: 'backpressure' },
      0,
    );
    expect(buckets.take(1000, 0)).toBe(0);
    expect(buckets.take(500, 0)).toBeCloseTo(500);
  });
});

describe('options', () => {
  const invalid = (limits: NonNullable<RouterOptions['limits']>) => () => resolveOptions({ limits });

  it('names the key path of a wrong rate limit', () => {
    expect(invalid({ rateLimit: { messagesPerSecond: 0 } })).toThrow('"limits.rateLimit.messagesPerSecond"');
    expect(invalid({ rateLimit: { bytesPerSecond: 1.5 } })).toThrow('"limits.rateLimit.bytesPerSecond"');
    expect(invalid({ rateLimit: { overflow: 'drop' as never } })).toThrow('"limits.rateLimit.overflow"');
    expect(invalid({ rateLimit: { burstSeconds: -1 } })).toThrow('"limits.rateLimit.burstSeconds"');
    expect(invalid({ rateLimit: { messagesPerSecnd: 5 } as never })).toThrow('"limits.rateLimit.messagesPerSecnd"');
    expect(invalid({ rateLimit: { roles: { guest: { messagesPerSecond: 'fast' as never } } } })).toThrow(
      '"limits.rateLimit.roles.guest.messagesPerSecond"',
    );
    expect(invalid({ rateLimit: { realms: { app: true as never } } })).toThrow('"limits.rateLimit.realms.app"');
    expect(invalid({ rateLimit: 'on' as never })).toThrow('"limits.rateLimit"');
  });

  it('is off by default and takes false', () => {
    expect(resolveOptions().limits.rateLimit).toBe(false);
    expect(resolveOptions({ limits: { rateLimit: false } }).limits.rateLimit).toBe(false);
  });

  it('defaults outboundHardLimit to 64 MiB and refuses one below outboundHighWater + maxMessageBytes', () => {
    expect(resolveOptions().limits.outboundHardLimit).toBe(64 << 20);
    expect(invalid({ outboundHardLimit: 0 })).toThrow('"limits.outboundHardLimit"');
    expect(invalid({ outboundHardLimit: 2 << 20, maxMessageBytes: 2 << 20 })).toThrow(
      /"limits.outboundHardLimit": expected at least limits.outboundHighWater \+ limits.maxMessageBytes \(3145728 bytes\)/,
    );
    expect(invalid({ maxMessageBytes: 64 << 20 })).toThrow('"limits.outboundHardLimit"');
  });
});
