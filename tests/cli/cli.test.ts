// The `wamp-router` command as users run it: a real process, real sockets on 127.0.0.1.
// Needs the router built (`pnpm test` builds first).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Session } from '@wamp/client';
import { CloseUri, hello, MessageCode, parseMessage } from '@wamp/protocol';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../support/call.js';
import { runFailing, startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'wamp-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

const fails = (args: string[]) => runFailing(BIN, args);

describe('wamp-router CLI', () => {
  it('prints usage with --help and the package version with --version', async () => {
    const help = await run('node', [BIN, '--help']);
    expect(help.stdout).toContain('Usage: wamp-router [options]');
    expect(help.stdout).toContain('--tls-cert FILE');
    const version = await run('node', [BIN, '--version']);
    const routerPackage = JSON.parse(
      readFileSync(new URL('../../packages/router/package.json', import.meta.url), 'utf8'),
    );
    expect(version.stdout.trim()).toBe(routerPackage.version);
    expect(routerPackage.version).not.toBe('0.0.0');
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--port', 'abc'], '--port must be 0-65535'],
    [['--path', 'ws'], '--path must start with "/"'],
    [['--tls-cert', 'a.pem'], '--tls-cert and --tls-key go together'],
    [['--serializers', 'json,xml'], 'serializers[1]'],
    [['--log-level', 'loud'], 'log level "loud"'],
  ])('refuses %j with one line saying what to change', async (args, message) => {
    const { code, stderr } = await fails(args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the file and the bad key of an invalid config file', async () => {
    const unknown = file('unknown.yaml', 'port: 8080\nrelams: [a]\n');
    expect((await fails(['--config', unknown])).stderr).toContain(`${unknown}: unknown key "relams"`);
    const badLimit = file('limit.json', JSON.stringify({ limits: { maxMessageBytes: -1 } }));
    expect((await fails(['--config', badLimit])).stderr).toContain(
      `${badLimit}: Invalid option "limits.maxMessageBytes"`,
    );
    const broken = file('broken.yaml', 'port: [8080\n');
    expect((await fails(['--config', broken])).stderr).toContain('not valid YAML');
    expect((await fails(['--config', join(scratch, 'missing.yaml')])).stderr).toContain('ENOENT');
  });

  it.each([
    [
      'a misspelt permission key',
      'auth:\n  realm1:\n    anonymous: { role: user }\n    roles:\n      user: [{ uri: com.app., mtch: prefix, allow: [call] }]\n',
      'Unknown option "auth.realm1.roles.user[0].mtch" (known: uri, match, allow, disclose)',
    ],
    [
      'a WAMP-CRA user with an unknown key',
      'auth:\n  realm1:\n    wampcra:\n      bob: { role: user, secret: hunter2-secret, salt: pepper, iteration: 5 }\n',
      'Unknown option "auth.realm1.wampcra.bob.iteration"',
    ],
    [
      'a cryptosign key that is no key',
      'auth:\n  realm1:\n    cryptosign:\n      carol: { role: user, pubkey: abc123 }\n',
      'Invalid option "auth.realm1.cryptosign.carol.pubkey": expected an Ed25519 public key as 64 hex digits',
    ],
    [
      'keepalive without timeoutMs',
      'keepalive: { intervalMs: 5000 }\n',
      'Invalid option "keepalive.timeoutMs": expected a positive integer of ms (keepalive takes both',
    ],
    [
      'a ticket of the wrong form',
      'auth:\n  realm1:\n    ticket:\n      alice: { role: user, ticket: "sha256:hunter2-secret" }\n',
      'Invalid option "auth.realm1.ticket.alice.ticket"',
    ],
  ])(
    'refuses a config file with %s, naming the file and the key path, never a secret',
    async (_what, content, message) => {
      const config = file('nested.yaml', content);
      const { code, stderr } = await fails(['--config', config]);
      expect(code).toBe(1);
      expect(stderr).toContain(`${config}: ${message}`);
      expect(stderr).toContain('fix it in the config file');
      expect(stderr).not.toContain('hunter2-secret');
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  it('serves the realms of its config file, those of --realm and those with an auth section', async () => {
    const config = file(
      'router.yaml',
      'port: 1\nrealms: [from.file]\nauth: { guarded: { anonymous: { role: guest } } }\n',
    );
    await using cli = await startCli('node', [BIN, '--config', config, '--port', '0', '--realm', 'realm1']);
    expect(cli.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(await roundTrip(cli.url)).toEqual([5]);
    const fromFile = await Session.connect({ url: cli.url, realm: 'from.file', reconnect: false });
    expect(fromFile.id).toBeGreaterThan(0);
    await fromFile.close();
    const guest = await Session.connect({ url: cli.url, realm: 'guarded', reconnect: false });
    expect(guest.welcome.authrole).toBe('guest');
    await guest.close();
    expect((await fails(['--realm', 'Bad Realm!'])).stderr).toContain('realms[0]');
  });

  it('shuts down on SIGTERM: GOODBYE system_shutdown, close 1001, exit 0', async () => {
    const cli = await startCli('node', [BIN, '--port', '0']);
    const transport = await connect(cli.url, { serializers: [jsonSerializer] });
    const received: unknown[][] = [];
    const closed = new Promise<number>((resolve) => {
      transport.onclose = (event) => resolve(event.code);
    });
    const welcomed = new Promise<void>((resolve) => {
      transport.onmessage = (raw) => {
        const message = parseMessage(raw) as unknown[];
        received.push(message);
        if (message[0] === MessageCode.WELCOME) resolve();
        if (message[0] === MessageCode.GOODBYE)
          transport.send([MessageCode.GOODBYE, {}, CloseUri.GOODBYE_AND_OUT] as never);
      };
    });
    transport.send(hello('realm1', { roles: { subscriber: {} } }));
    await welcomed;
    const exitCode = cli.stop('SIGTERM');
    expect(await closed).toBe(1001);
    expect(received.at(-1)).toEqual([MessageCode.GOODBYE, {}, CloseUri.SYSTEM_SHUTDOWN]);
    expect(await exitCode).toBe(0);
    expect(cli.stderr()).toContain('"msg":"shutting down"');
  });

  it('serves wss:// with a certificate and key given on the command line', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      notAfterDate: new Date(Date.now() + 86_400_000),
      keySize: 2048,
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const cert = file('cert.pem', pems.cert);
    const key = file('key.pem', pems.private);
    await using cli = await startCli('node', [BIN, '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    expect(cli.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    expect(await roundTrip(cli.url, { tls: { ca: pems.cert } })).toEqual([5]);
  });

  it('reloads its TLS certificate on SIGHUP without a restart', async () => {
    const makeCert = () =>
      generate([{ name: 'commonName', value: 'localhost' }], {
        keySize: 2048,
        notAfterDate: new Date(Date.now() + 86_400_000),
        extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
      });
    const [first, second] = [await makeCert(), await makeCert()];
    const cert = file('reload-cert.pem', first.cert);
    const key = file('reload-key.pem', first.private);
    await using cli = await startCli('node', [BIN, '--port', '0', '--tls-cert', cert, '--tls-key', key]);
    expect(await roundTrip(cli.url, { tls: { ca: first.cert } })).toEqual([5]);
    writeFileSync(cert, second.cert);
    writeFileSync(key, second.private);
    cli.process.kill('SIGHUP');
    await expect.poll(() => cli.stderr().includes('TLS certificate reloaded'), { timeout: 5_000 }).toBe(true);
    expect(await roundTrip(cli.url, { tls: { ca: second.cert } })).toEqual([5]);
    await expect(roundTrip(cli.url, { tls: { ca: first.cert } })).rejects.toThrow();
  });
});
