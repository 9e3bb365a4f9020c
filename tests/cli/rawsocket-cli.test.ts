// `wamp-router` with RawSocket as users run it: --rawsocket-port, --unix, --unix-mode, the config's rawsocket
// section, rss:// with --tls-cert, and the socket file of a live router or a killed one. Real processes and sockets.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('wamp-router over RawSocket', () => {
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
    const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
      keyType: 'ec',
      notAfterDate: new Date(Date.now() + 86_400_000),
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const cert = join(scratch, 'cert.pem');
    const key = join(scratch, 'key.pem');
    writeFileSync(cert, pems.cert);
    writeFileSync(key, pems.private);
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
    expect(await roundTrip(secure!, { tls: { ca: pems.cert } })).toEqual([5]);
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
