// `wamp`'s help, exit codes, serializers, profiles and authentication, as a user meets them: real processes against
// a real `wamp-router` process with a realm that authenticates. Needs @wamp/cli and @wamp/router built.
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { generateCryptosignKeyPair, Session } from '@wamp/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCli } from '../support/cli.js';
import { runWamp, scratch, startRouter, startWamp, type WampProcess } from './wamp-process.js';

const home = scratch('options');
const keys = await generateCryptosignKeyPair();
const SECRETS = {
  alice: 'alice-ticket-0123456789',
  bob: 'bob-secret-0123456789',
  carol: 'carol-password-0123456789',
  erin: 'erin-password-0123456789',
};
let router: RunningCli;
let whoami: WampProcess;

const wamp = (args: string[], env?: Record<string, string>) => runWamp(args, { home: home.path, ...(env && { env }) });

beforeAll(async () => {
  const config = home.file(
    'router.json',
    JSON.stringify({
      realms: ['realm1', 'secure'],
      auth: {
        secure: {
          ticket: { alice: { role: 'user', ticket: SECRETS.alice } },
          wampcra: {
            bob: { role: 'user', secret: SECRETS.bob },
            carol: { role: 'user', secret: SECRETS.carol, salt: 'salt123', iterations: 1000, keylen: 32 },
          },
          scram: { erin: { role: 'user', password: SECRETS.erin, salt: 'c2FsdHNhbHRzYWx0c2FsdA==', iterations: 4096 } },
          cryptosign: { sensor7: { role: 'user', pubkey: keys.publicKey } },
          roles: {
            user: [
              { uri: '', match: 'prefix', allow: ['call', 'register', 'publish', 'subscribe'] },
              // The callee learns who called: the caller's authid reaches the command as WAMP_CALLER_AUTHID.
              { uri: 'com.secure.whoami', allow: ['call', 'register'], disclose: true },
            ],
          },
        },
      },
    }),
  );
  router = await startRouter(['--config', config]);
  home.file('alice.ticket', `${SECRETS.alice}\n`);
  // The callee authenticates by ticket from WAMP_SECRET, which its command must not see.
  whoami = startWamp(
    [
      'register',
      'com.secure.whoami',
      ...['--url', router.url, '--realm', 'secure', '--auth', 'ticket', '--authid', 'alice'],
      '--',
      'sh',
      '-c',
      'printf "%s %s" "$WAMP_CALLER_AUTHID" "$(printenv WAMP_SECRET || echo withheld)"',
    ],
    { home: home.path, env: { WAMP_SECRET: SECRETS.alice } },
  );
  await whoami.stderrLine(/registered com\.secure\.whoami/);
});

afterAll(async () => {
  await whoami?.stop('SIGKILL');
  await router?.stop('SIGKILL');
  home.remove();
});

/** What `wamp call com.secure.whoami` prints: the caller's authid, as the callee's command saw it. */
async function whoamiCalled(args: string[], env?: Record<string, string>): Promise<unknown> {
  const result = await wamp(['call', 'com.secure.whoami', ...args], env);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).args[0];
}

describe('help and version', () => {
  it('lists the commands with --help (and with no arguments), and prints each command’s help', async () => {
    for (const args of [['--help'], [], ['help']]) {
      const help = await wamp(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: wamp COMMAND [ARGS] [options]');
      for (const command of [
        'call',
        'publish',
        'subscribe',
        'register',
        'sessions',
        'registrations',
        'subscriptions',
        'top',
      ]) {
        expect(help.stdout).toMatch(new RegExp(`^ {2}${command} +\\S`, 'm'));
      }
    }
    const call = await wamp(['call', '--help']);
    expect(call.stdout).toContain('Usage: wamp call URI [ARG...] [--kwargs JSON]');
    expect(call.stdout).toContain('--url URL');
    expect((await wamp(['help', 'register'])).stdout).toContain('Usage: wamp register URI [options] -- COMMAND');
    expect((await wamp(['top', '-h'])).stdout).toContain('--metrics-url URL');
  });

  it('prints the package version with --version', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../packages/cli/package.json', import.meta.url), 'utf8'));
    const version = await wamp(['--version']);
    expect(version).toEqual({ code: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });
});

describe('usage errors', () => {
  it.each([
    [['bogus'], 'no command "bogus" (commands: call, publish', ''],
    [['call'], 'wamp call needs the procedure URI', 'call '],
    [['call', 'com.x', '--bogus'], "Unknown option '--bogus'", 'call '],
    [['call', 'com.x', '--kwargs', '[1]'], '--kwargs must be a JSON object', 'call '],
    [['call', 'com.x', '--timeout', 'soon'], '--timeout must be a number of seconds above 0, got "soon"', 'call '],
    [['subscribe', 'com.x', '--match', 'fuzzy'], '--match must be one of exact, prefix, wildcard', 'subscribe '],
    [['subscribe', 'com.x', '--count', '0'], '--count must be a whole number from 1', 'subscribe '],
    [['register', 'com.x'], 'wamp register needs the command after "--"', 'register '],
    [
      ['register', 'com.x', '--error-uri', 'wamp.error.mine', '--', 'true'],
      '--error-uri must be a URI outside wamp.*',
      'register ',
    ],
    [['sessions', 'extra'], 'wamp sessions takes no arguments', 'sessions '],
    [['call', 'com.x', '--url', 'http://127.0.0.1/ws'], '--url must start with ws:// or wss://', 'call '],
    [['call', 'com.x', '--serializer', 'xml'], '--serializer must be one of json, cbor, msgpack', 'call '],
    [
      ['call', 'com.x', '--auth', 'ticket', '--authid', 'a'],
      '--auth ticket needs the ticket: --secret-file FILE',
      'call ',
    ],
  ])('%j exits with 2, saying what is wrong and where the help is', async (args, message, command) => {
    const result = await wamp(args);
    expect(result.code).toBe(2);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toBe(`wamp: run "wamp ${command}--help" for the usage`);
  });
});

/** A port of 127.0.0.1 that nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('connecting', () => {
  let silent: Server;
  const held = new Set<Socket>();
  afterAll(() => {
    for (const socket of held) socket.destroy();
    return new Promise((resolve) => silent.close(resolve));
  });

  it('exits with 3 and names the URL when nothing listens there, or it is no WAMP endpoint', async () => {
    const url = `ws://127.0.0.1:${await closedPort()}/ws`;
    const refused = await wamp(['call', 'com.x', '--url', url]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`cannot connect to ${url}`);
    expect(refused.stderr).toContain('ECONNREFUSED');
    const wrongPath = router.url.replace(/\/ws$/, '/elsewhere');
    const notFound = await wamp(['sessions', '--url', wrongPath]);
    expect(notFound.code).toBe(3);
    expect(notFound.stderr).toContain(wrongPath);
  });

  it('exits with 3 after --connect-timeout when the router does not answer', async () => {
    silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `ws://127.0.0.1:${(silent.address() as { port: number }).port}/ws`;
    const result = await wamp(['call', 'com.x', '--url', url, '--connect-timeout', '0.5']);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `wamp: could not connect to ${url} within 0.5 s: check --url, or wait longer with --connect-timeout\n`,
    );
  });

  it("exits with 1 when the router refuses the join, with the router's error", async () => {
    const result = await wamp(['sessions', '--url', router.url, '--realm', 'nosuch']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^wamp: wamp\.error\.no_such_realm/);
  });

  it.each(['cbor', 'msgpack'])('speaks %s with --serializer', async (serializer) => {
    const session = await Session.connect({ url: router.url, realm: 'realm1', reconnect: false });
    await session.raw.register(`com.options.${serializer}`, ({ args, kwargs }) => ({ args, kwargs }));
    const result = await wamp([
      'call',
      `com.options.${serializer}`,
      '1.5',
      'x',
      '--kwargs',
      '{"k":[true]}',
      '--serializer',
      serializer,
      '--url',
      router.url,
    ]);
    await session.close();
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({ args: [1.5, 'x'], kwargs: { k: [true] } });
  });
});

describe('authentication', () => {
  const secure = () => ['--url', router.url, '--realm', 'secure'];

  it('authenticates by ticket (the callee, from WAMP_SECRET, which its command does not see) and by WAMP-CRA', async () => {
    home.file('bob.secret', `${SECRETS.bob}\n`);
    expect(
      await whoamiCalled([
        ...secure(),
        '--auth',
        'wampcra',
        '--authid',
        'bob',
        '--secret-file',
        `${home.path}/bob.secret`,
      ]),
    ).toBe('bob withheld');
    expect(await whoamiCalled([...secure(), '--auth', 'wampcra', '--authid', 'carol', '--secret', SECRETS.carol])).toBe(
      'carol withheld',
    );
    expect(
      await whoamiCalled([
        ...secure(),
        '--auth',
        'ticket',
        '--authid',
        'alice',
        '--secret-file',
        `${home.path}/alice.ticket`,
      ]),
    ).toBe('alice withheld');
  });

  it('authenticates by WAMP-SCRAM and by Cryptosign', async () => {
    expect(
      await whoamiCalled([...secure(), '--auth', 'scram', '--authid', 'erin'], { WAMP_SECRET: SECRETS.erin }),
    ).toBe('erin withheld');
    home.file('sensor7.key', `${keys.privateKey}\n`);
    expect(
      await whoamiCalled([...secure(), '--auth', 'cryptosign', '--authid', 'sensor7'], {
        WAMP_SECRET_FILE: `${home.path}/sensor7.key`,
      }),
    ).toBe('sensor7 withheld');
  });

  it('exits with 1 on a wrong secret, and never prints the secret', async () => {
    const result = await wamp([
      'sessions',
      ...secure(),
      '--auth',
      'ticket',
      '--authid',
      'alice',
      '--secret',
      'not-the-ticket-42',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^wamp: wamp\.error\.authentication_failed/);
    expect(result.stderr).not.toContain('not-the-ticket-42');
  });
});

describe('profiles', () => {
  it('takes the connection flags from --profile NAME in --profiles FILE, the secret file relative to it', async () => {
    home.file('profiles/bob.secret', SECRETS.bob);
    const profiles = home.file(
      'profiles/profiles.json',
      JSON.stringify({
        bob: { url: router.url, realm: 'secure', auth: 'wampcra', authid: 'bob', 'secret-file': 'bob.secret' },
        erin: { url: router.url, realm: 'secure', auth: 'scram', authid: 'erin', secret: SECRETS.erin },
      }),
    );
    expect(await whoamiCalled(['--profiles', profiles, '--profile', 'bob'])).toBe('bob withheld');
    expect(await whoamiCalled([], { WAMP_PROFILES: profiles, WAMP_PROFILE: 'erin' })).toBe('erin withheld');
    // A flag wins over the profile.
    const overridden = await wamp([
      'call',
      'com.secure.whoami',
      '--profiles',
      profiles,
      '--profile',
      'bob',
      '--realm',
      'realm1',
    ]);
    expect(overridden.code).toBe(1);
    expect(overridden.stderr).toMatch(/^wamp: wamp\.error\.no_such_procedure/);
  });

  it('uses the profile "default" of ~/.config/wamp/profiles.json without any flag', async () => {
    const user = scratch('profile-home');
    try {
      user.file(
        '.config/wamp/profiles.json',
        JSON.stringify({
          default: { url: router.url, realm: 'secure', auth: 'wampcra', authid: 'bob', secret: SECRETS.bob },
        }),
      );
      const result = await runWamp(['call', 'com.secure.whoami'], { home: user.path });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout).args).toEqual(['bob withheld']);
    } finally {
      user.remove();
    }
  });

  it('names the file and the field of a profile that is wrong', async () => {
    const profiles = home.file('bad-profiles.json', JSON.stringify({ p: { relam: 'x' } }));
    const result = await wamp(['sessions', '--profiles', profiles, '--profile', 'p']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${profiles}: profile "p": unknown field "relam" (known: url, realm,`);
  });
});
