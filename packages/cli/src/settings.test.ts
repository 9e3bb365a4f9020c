import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { defaultProfilesFile } from './profiles.js';
import { DEFAULT_REALM, DEFAULT_URL, resolveSettings } from './settings.js';

const scratch = mkdtempSync(join(tmpdir(), 'wamp-cli-settings-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

/** No profiles file where the defaults look: an empty HOME. */
const NO_HOME = { HOME: join(scratch, 'nobody') };

function usageError(run: () => unknown): UsageError {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('resolveSettings', () => {
  it("defaults to wamp-router's own defaults, anonymous, JSON", () => {
    expect(resolveSettings({}, NO_HOME, 'call')).toEqual({
      url: DEFAULT_URL,
      realm: DEFAULT_REALM,
      serializer: 'json',
      auth: { method: 'anonymous' },
      connectTimeoutMs: 10_000,
      metricsUrl: undefined,
    });
  });

  it('takes a flag over its WAMP_* variable, and the variable over the profile', () => {
    const profiles = file(
      'precedence.json',
      JSON.stringify({ p: { url: 'ws://profile:1/ws', realm: 'from-profile', serializer: 'cbor' } }),
    );
    const env = {
      ...NO_HOME,
      WAMP_PROFILES: profiles,
      WAMP_PROFILE: 'p',
      WAMP_REALM: 'from-env',
      WAMP_URL: 'ws://env:2/ws',
    };
    expect(resolveSettings({ url: 'ws://flag:3/ws' }, env, 'call')).toMatchObject({
      url: 'ws://flag:3/ws',
      realm: 'from-env',
      serializer: 'cbor',
    });
  });

  it('uses the profile "default" of the default file when none is named', () => {
    const home = join(scratch, 'home');
    const path = defaultProfilesFile({ HOME: home });
    expect(path).toBe(join(home, '.config', 'wamp', 'profiles.json'));
    expect(defaultProfilesFile({ HOME: home, XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/wamp/profiles.json');
    mkdirSync(join(home, '.config', 'wamp'), { recursive: true });
    writeFileSync(path, JSON.stringify({ default: { realm: 'home-realm' }, other: { realm: 'x' } }));
    expect(resolveSettings({}, { HOME: home }, 'call').realm).toBe('home-realm');
    expect(resolveSettings({ profile: 'other' }, { HOME: home }, 'call').realm).toBe('x');
  });

  it('reads the secret from a file named relative to the profiles file, without its final line break', () => {
    file('ticket.txt', 'open sesame\n');
    const profiles = file(
      'auth.json',
      JSON.stringify({ ops: { auth: 'ticket', authid: 'joe', authrole: 'admin', 'secret-file': 'ticket.txt' } }),
    );
    expect(resolveSettings({ profiles, profile: 'ops' }, NO_HOME, 'call').auth).toEqual({
      method: 'ticket',
      authid: 'joe',
      authrole: 'admin',
      secret: 'open sesame',
    });
    // A secret in the environment is more specific than the profile's file.
    const env = { ...NO_HOME, WAMP_SECRET: 'from-env' };
    expect(resolveSettings({ profiles, profile: 'ops' }, env, 'call').auth).toMatchObject({ secret: 'from-env' });
  });

  it.each([
    [{ url: 'http://x/ws' }, '--url must start with ws:// or wss://'],
    [{ url: 'not a url' }, '--url must be a WebSocket URL'],
    [{ serializer: 'xml' }, '--serializer must be one of json, cbor, msgpack'],
    [{ auth: 'kerberos' }, '--auth must be one of anonymous, ticket, wampcra, scram, cryptosign'],
    [{ secret: 's' }, 'a secret was given (--secret) but no method'],
    [{ auth: 'ticket', authid: 'joe' }, '--auth ticket needs the ticket'],
    [{ auth: 'wampcra', secret: 's' }, '--auth wampcra needs --authid'],
    [{ auth: 'cryptosign', secret: 'abc' }, 'must be the Ed25519 private key: 64 hex digits'],
    [{ auth: 'ticket', authid: 'j', secret: 's', 'secret-file': 'f' }, 'give the secret once'],
    [{ 'connect-timeout': '0' }, '--connect-timeout must be a number of seconds'],
    [{ auth: 'ticket', authid: 'j', 'secret-file': '/no/such/file' }, 'cannot read the secret file /no/such/file'],
  ])('refuses %j: %s', (values, message) => {
    expect(usageError(() => resolveSettings(values, NO_HOME, 'call')).message).toContain(message);
  });

  it('never puts a secret in a message', () => {
    const profiles = file('secret.json', JSON.stringify({ p: { secret: 12345678 } }));
    const error = usageError(() => resolveSettings({ profiles, profile: 'p' }, NO_HOME, 'call'));
    expect(error.message).toContain('"secret" must be a string');
    expect(error.message).not.toContain('12345678');
    const wrongKey = usageError(() =>
      resolveSettings({ auth: 'cryptosign', secret: 'topsecretvalue' }, NO_HOME, 'call'),
    );
    expect(wrongKey.message).not.toContain('topsecretvalue');
  });

  it.each([
    [{ profile: 'missing' }, JSON.stringify({ a: {}, b: {} }), 'has no profile "missing" (it has: a, b)'],
    [{ profile: 'a' }, JSON.stringify({ a: { relam: 'x' } }), 'profile "a": unknown field "relam" (known: url, realm'],
    [{ profile: 'a' }, '{ not json', 'is not valid JSON'],
    [{ profile: 'a' }, '[]', 'must hold a JSON object of profiles'],
  ])('names the file and what is wrong in it: %j', (values, content, message) => {
    const profiles = file(`bad-${message.length}.json`, content);
    const error = usageError(() => resolveSettings({ ...values, profiles }, NO_HOME, 'call'));
    expect(error.message).toContain(profiles);
    expect(error.message).toContain(message);
  });

  it('refuses a named profiles file that does not exist, but not a missing default one', () => {
    expect(usageError(() => resolveSettings({ profiles: '/no/profiles.json' }, NO_HOME, 'call')).message).toContain(
      'cannot read the profiles file /no/profiles.json (ENOENT)',
    );
    expect(usageError(() => resolveSettings({ profile: 'x' }, NO_HOME, 'call')).message).toContain('ENOENT');
    expect(resolveSettings({}, NO_HOME, 'call').realm).toBe(DEFAULT_REALM);
  });
});
