// An application that speaks only JSON installs @wamp/client (with @wamp/protocol and @wamp/transport, as
// tarballs) and nothing else: the binary serializers' libraries are the application's to add, so npm must not
// bring cbor-x or msgpackr along. The client then still calls a router with JSON.
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRouter, type Router } from '@wamp/router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMERS, INSTALL_TIMEOUT_MS, mustRun, npmProject, pack, scratchDir } from './packed.js';

const scratch = scratchDir('json-only');
const app = join(scratch.path, 'app');
let router: Router | undefined;

beforeAll(async () => {
  const tarballs = await pack(join(scratch.path, 'tarballs'), ['protocol', 'transport', 'client']);
  await npmProject(app, Object.values(tarballs));
  copyFileSync(join(CONSUMERS, 'call.mjs'), join(app, 'call.mjs'));
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await router?.close();
  scratch.remove();
});

describe('@wamp/client installed alone with npm', () => {
  it('has neither cbor-x nor msgpackr in node_modules', () => {
    // At the top or nested under another package's node_modules.
    const installed = readdirSync(join(app, 'node_modules'), { recursive: true, encoding: 'utf8' }).filter((path) =>
      /(^|[/\\]node_modules[/\\])(cbor-x|msgpackr)$/.test(path),
    );
    expect(installed).toEqual([]);
  });

  it('calls a router with JSON', async () => {
    router = createRouter();
    const { url } = await router.listen({ host: '127.0.0.1', port: 0 });
    const printed = await mustRun('node', ['call.mjs', url, 'json'], { cwd: app });
    expect(JSON.parse(printed)).toEqual({ sum: 5, sessions: 1 });
  });
});
