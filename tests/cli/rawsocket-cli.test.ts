// `wamp-router` with RawSocket as users run it: --rawsocket-port, --rawsocket-share-port (rs:// and rss:// on the
// WebSocket port, its deadline and garbage), --unix, --unix-mode, the config's rawsocket section, rss:// with
// --tls-cert, and the socket file of a live router or a killed one. Real processes and sockets.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { Session } from '@wamp/client';
import { jsonSerializer } from '@wamp/protocol/json';
import { connect } from '@wamp/transport/node';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { roundTrip } from '../support/call.js';
import { runFailing, startCli } from '../support/cli.js';

const BIN = fileURLToPath(new URL('../../packages/router/bin/wamp-router.js', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'wamp-cli-rs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The RawSocket URLs of a startup line. */
function rawsocketUrls(stdout: string): string[] {
  const line = /RawSocket on ([^()]+?)(?: \(|,|\n|$)/.exec(stdout)?.[1] ?? '';
  return line.split(' and ').filter((url) => url.length > 0);
}

/** A certificate for 127.0.0.1, written to the scratch directory for --tls-cert and --tls-key. */
async function certificate(name: string) {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const cert = join(scratch, `${name}-cert.pem`);
  const key = join(scratch, `${name}-key.pem`);
  writeFileSync(cert, pems.cert);
  writeFileSync(key, pems.private);
  return { cert, key, ca: pems.cert };
}

/** The status of an HTTPS GET trusting `ca`. */
function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    })
      .on('error', reject)
      .end();
  });
}

/** A TLS connection to 127.0.0.1:`port`, once its handshake is done, collecting what the router sends. */
function tlsSocket(
  port: number,
  ca: string,
): Promise<{ socket: TLSSocket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, ca });
    let received = '';
    socket.setEncoding('latin1').on('data', (chunk: string) => {
      received += chunk;
    });
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('error', reject);
    socket.once('secureConnect', () => resolve({ socket, received: () => received, closed }));
  });
}

describe('wamp-router over RawSocket', () => {
  it('serves rs:// on --port with --rawsocket-share-port: @wamp/client over RawSocket calls a WebSocket callee', async () => {
    await using cli = await startCli('node', [BIN, '--port', '0', '--rawsocket-share-port']);
    const { port } = new URL(cli.url);
    expect(rawsocketUrls(cli.stdout())).toEqual([`rs://127.0.0.1:${port}`]);
    const callee = await Session.connect({ url: cli.url, realm: 'realm1', reconnect: false });
    const caller = await Session.connect({ url: `rs://127.0.0.1:${port}`, realm: 'realm1', reconnect: false });
    try {
      await callee.register('com.example.add', ([a, b]) => Number(a) + Number(b));
      expect(await caller.call('com.example.add', [2, 3])).toBe(5);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await caller.close();
      await callee.close();
    }
  });

  it('serves rss:// and wss:// on one port with --rawsocket-share-port and --tls-cert', async () => {
    const { cert, key, ca } = await certificate('shared');
    await using cli = await startCli('node', [
      BIN,
      '--port',
      '0',
      '--rawsocket-share-port',
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    expect(cli.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+\/ws$/);
    const { port } = new URL(cli.url);
    const secure = `rss://127.0.0.1:${port}`;
    expect(rawsocketUrls(cli.stdout())).toEqual([secure]);
    const tls = { tls: { ca } };
    const open = (url: string) =>
      Session.connect({
        url,
        realm: 'realm1',
        reconnect: false,
        transport: () => connect(url, { serializers: [jsonSerializer], ...tls }),
      });
    const callee = await open(cli.url);
    const caller = await open(secure);
    try {
      await callee.register('com.example.add', ([a, b]) => Number(a) + Number(b));
      expect(await caller.call('com.example.add', [2, 3])).toBe(5);
      expect(await httpsStatus(`https://127.0.0.1:${port}/healthz`, ca)).toBe(200);
    } finally {
      await caller.close();
      await callee.close();
    }
    expect(await roundTrip(secure, tls)).toEqual([5]);
  });

  it('cuts a TLS connection on the shared port that sends nothing, and answers one garbage octet with 400', async () => {
    const { cert, key, ca } = await certificate('guarded');
    const config = join(scratch, 'shared-limits.yaml');
    writeFileSync(config, 'limits:\n  upgradeTimeoutMs: 800\n');
    await using cli = await startCli('node', [
      BIN,
      '--config',
      config,
      '--port',
      '0',
      '--rawsocket-share-port',
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    const port = Number(new URL(cli.url).port);
    const silent = await tlsSocket(port, ca);
    const started = Date.now();
    const garbage = await tlsSocket(port, ca);
    garbage.socket.write(Buffer.from([0x00]));
    await garbage.closed;
    expect(garbage.received()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await silent.closed;
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(silent.received()).toBe('');
    // The router serves on, over both protocols.
    expect(await roundTrip(`rss://127.0.0.1:${port}`, { tls: { ca } })).toEqual([5]);
    expect(await roundTrip(cli.url, { tls: { ca } })).toEqual([5]);
  });

  it('serves rs:// and rs+unix:// beside ws://, names them on the startup line, and sets the file mode', async () => {
    const unix = join(scratch, 'flags.sock');
    await using cli = await startCli('node', [
      BIN,
      '--port',
      '0',
      '--rawsocket-port',
      '0',
      '--unix',
      unix,
      '--unix-mode',
      '660',
    ]);
    expect(cli.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const [tcp, local] = rawsocketUrls(cli.stdout());
    expect(tcp).toMatch(/^rs:\/\/127\.0\.0\.1:\d+$/);
    expect(local).toBe(`rs+unix://${unix}`);
    expect(statSync(unix).mode & 0o777).toBe(0o660);
    expect(await roundTrip(tcp!)).toEqual([5]);
    expect(await roundTrip(local!)).toEqual([5]);
    expect(await cli.stop('SIGTERM')).toBe(0);
    // A router that stopped cleanly leaves no socket file.
    expect(() => statSync(unix)).toThrow(/ENOENT/);
  });

  it('refuses a --unix path a live router holds, naming the flag, and replaces the file a killed one left', async () => {
    const unix = join(scratch, 'shared.sock');
    const first = await startCli('node', [BIN, '--port', '0', '--unix', unix]);
    const refused = await runFailing(BIN, ['--port', '0', '--unix', unix]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another process listens on the Unix socket ${unix}`);
    expect(refused.stderr).toContain('--unix');
    await first.stop('SIGKILL');
    expect(statSync(unix).isSocket()).toBe(true);
    await using second = await startCli('node', [BIN, '--port', '0', '--unix', unix]);
    expect(rawsocketUrls(second.stdout())).toEqual([`rs+unix://${unix}`]);
    expect(await roundTrip(`rs+unix://${unix}`)).toEqual([5]);
  });

  it('reads the rawsocket section of the config file, and serves rss:// with --tls-cert', async () => {
    const { cert, key, ca } = await certificate('config');
    const config = join(scratch, 'rawsocket.yaml');
    writeFileSync(config, 'rawsocket:\n  port: 0\n  host: 127.0.0.1\n');
    await using cli = await startCli('node', [
      BIN,
      '--config',
      config,
      '--port',
      '0',
      '--tls-cert',
      cert,
      '--tls-key',
      key,
    ]);
    const [secure] = rawsocketUrls(cli.stdout());
    expect(secure).toMatch(/^rss:\/\/127\.0\.0\.1:\d+$/);
    expect(await roundTrip(secure!, { tls: { ca } })).toEqual([5]);
  });

  it.each([
    [['--unix-mode', '999', '--unix', 'x.sock'], '--unix-mode must be an octal file mode like 660'],
    [['--unix-mode', '660'], '--unix-mode goes with --unix PATH'],
    [['--rawsocket-host', '0.0.0.0'], '--rawsocket-host goes with --rawsocket-port'],
    [['--rawsocket-port', 'x'], '--rawsocket-port must be 0-65535'],
  ])('refuses %j with one line saying what to change', async (args, message) => {
    const { code, stderr } = await runFailing(BIN, args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('names the bad key of a rawsocket section', async () => {
    const config = join(scratch, 'bad-rawsocket.yaml');
    writeFileSync(config, 'rawsocket:\n  unix: /tmp/x.sock\n  unixMode: 660\n');
    const { stderr } = await runFailing(BIN, ['--config', config]);
    expect(stderr).toContain('"rawsocket" must be a map');
    expect(stderr).toContain('whose unixMode is valid (got 660)');
  });
});
