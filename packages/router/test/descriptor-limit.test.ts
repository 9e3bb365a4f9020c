// The descriptor watch and the address a connection counts against, without opening a thousand sockets.
import { describe, expect, it } from 'vitest';
import { addressKey } from '../src/connection-guard.js';
import { DescriptorCeiling, openDescriptors, openFilesLimit } from '../src/descriptor-limit.js';
import type { Logger } from '../src/index.js';

const PROC_LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 1048576              files
`;

function errorLines(): Logger & { errors: string[] } {
  const errors: string[] = [];
  const ignore = () => {};
  const logger = {
    errors,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (_fields: Record<string, unknown>, message: string) => errors.push(message),
    child: () => logger,
  };
  return logger;
}

describe('the open-files limit', () => {
  it('is read from /proc/self/limits, and unknown when unlimited or unreadable', () => {
    expect(openFilesLimit(PROC_LIMITS)).toBe(1024);
    expect(openFilesLimit(PROC_LIMITS.replace('1024 ', 'unlimited'))).toBeNull();
    expect(openFilesLimit(null)).toBeNull();
  });

  it('is known on this Linux machine, above the descriptors open now', () => {
    if (process.platform !== 'linux') return;
    expect(openFilesLimit()).toBeGreaterThan(openDescriptors());
  });
});

describe('a flood of connections toward ulimit -n 1024', () => {
  it('logs one error line at 90%, again only after falling below 80%, and refuses at the limit less a reserve', () => {
    const log = errorLines();
    const ceiling = new DescriptorCeiling(log, 1024, 24);
    expect(ceiling.full(800)).toBe(false);
    expect(log.errors).toEqual([]);
    expect(ceiling.full(900)).toBe(false);
    expect(ceiling.full(950)).toBe(false);
    expect(log.errors).toHaveLength(1);
    expect(log.errors[0]).toContain('ulimit -n');
    expect(ceiling.full(1024 - 32 - 24)).toBe(true);
    expect(log.errors).toHaveLength(1);
    ceiling.full(100);
    ceiling.full(930);
    expect(log.errors).toHaveLength(2);
  });

  it('is off where the limit is unknown', () => {
    const log = errorLines();
    expect(new DescriptorCeiling(log, null, 0).full(1_000_000)).toBe(false);
    expect(log.errors).toEqual([]);
  });
});

describe('the address a connection counts against', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:ffff::2', '2001:db8:0:0::/64'],
    ['2001:0db8:0001:0002:0003:0004:0005:0006', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s counts as %s (one host holds a whole IPv6 /64)', (ip, key) => {
    expect(addressKey(ip)).toBe(key);
  });
});
