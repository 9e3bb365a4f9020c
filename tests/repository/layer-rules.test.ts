// The layer rules of biome.json refuse a planted import, with their message, and let the allowed neighbour
// pass. The planted files go into a temporary copy (biome.json and the planted files only), never into the
// repository; one Biome run lints them all.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './import-graph.js';

const RESTRICTED = 'lint/style/noRestrictedImports';
const NODE_MODULES = 'lint/correctness/noNodejsModules';

interface Case {
  file: string;
  specifier: string;
  /** The rule and a piece of its message; null when the import is allowed. */
  refused: { rule: string; message: string } | null;
}

const core = (message: string) => ({ rule: RESTRICTED, message });
const CASES: Case[] = [
  {
    file: 'packages/router/src/core/planted-node.ts',
    specifier: 'node:fs',
    refused: core('router core/ runs without Node'),
  },
  {
    file: 'packages/router/src/core/planted-bare-builtin.ts',
    specifier: 'events',
    refused: { rule: NODE_MODULES, message: 'Node.js builtin module' },
  },
  { file: 'packages/router/src/core/planted-ws.ts', specifier: 'ws', refused: core('router core/ does no I/O') },
  { file: 'packages/router/src/core/planted-pino.ts', specifier: 'pino', refused: core('router core/ does no I/O') },
  {
    file: 'packages/router/src/core/planted-nats.ts',
    specifier: '@nats-io/jetstream',
    refused: core('router core/ does no I/O'),
  },
  {
    file: 'packages/router/src/core/broker/planted-cluster.ts',
    specifier: '../../cluster/nats-fabric.js',
    refused: core('only through core/fabric.ts'),
  },
  {
    file: 'packages/router/src/core/planted-cluster.ts',
    specifier: '../cluster/registry.js',
    refused: core('only through core/fabric.ts'),
  },
  { file: 'packages/router/src/core/planted-cli.ts', specifier: '../cli/args.js', refused: core('command line') },
  {
    file: 'packages/router/src/core/planted-otel.ts',
    specifier: '@opentelemetry/api',
    refused: core('reaches a tracer only through core/tracing.ts'),
  },
  {
    file: 'packages/router/src/core/dealer/planted-tracing.ts',
    specifier: '../../tracing/router-tracer.js',
    refused: core('reaches a tracer only through core/tracing.ts'),
  },
  { file: 'packages/router/src/core/dealer/planted-seam.ts', specifier: '../tracing.js', refused: null },
  {
    file: 'packages/router/src/core/meta/planted-auth.ts',
    specifier: '../../auth/scram.js',
    refused: core('only the modules that do no I/O'),
  },
  { file: 'packages/router/src/core/planted-auth-options.ts', specifier: '../auth/options.js', refused: null },
  { file: 'packages/router/src/core/planted-auth-dynamic.ts', specifier: '../auth/dynamic.js', refused: null },
  { file: 'packages/router/src/core/planted-own.ts', specifier: './auth.js', refused: null },
  { file: 'packages/router/src/core/planted-protocol.ts', specifier: '@wamp/protocol', refused: null },
  {
    file: 'packages/protocol/src/planted-internal.ts',
    specifier: '@wamp/transport/browser',
    refused: core('imports nothing internal'),
  },
  {
    file: 'packages/protocol/src/planted-node.ts',
    specifier: 'node:buffer',
    refused: core('@wamp/protocol runs in browsers'),
  },
  { file: 'packages/protocol/src/planted-own.ts', specifier: './errors.js', refused: null },
  {
    file: 'packages/transport/src/planted-shared-frames.ts',
    specifier: 'node:events',
    refused: core('reached from the browser entry'),
  },
  {
    file: 'packages/transport/src/browser/planted-ws.ts',
    specifier: 'ws',
    refused: core('reached from the browser entry'),
  },
  { file: 'packages/transport/src/node/planted-node.ts', specifier: 'node:net', refused: null },
  {
    file: 'packages/client/src/planted-router.ts',
    specifier: '@wamp/router',
    refused: core('never depends on the router'),
  },
  {
    file: 'packages/client/src/planted-router-source.ts',
    specifier: '../../router/src/router.js',
    refused: core('never depends on the router'),
  },
  { file: 'packages/client/src/planted-transport.ts', specifier: '@wamp/transport', refused: null },
  {
    file: 'packages/router/dashboard/src/planted-node.ts',
    specifier: 'node:fs',
    refused: core('dashboard page runs in browsers'),
  },
  {
    file: 'packages/router/dashboard/src/planted-router.ts',
    specifier: '../../src/core/tap.js',
    refused: core('never the router'),
  },
  {
    file: 'packages/router/dashboard/src/planted-router-top.ts',
    specifier: '../../src/router.js',
    refused: core('never the router'),
  },
  { file: 'packages/router/dashboard/src/planted-client.ts', specifier: '@wamp/client', refused: null },
  {
    file: 'packages/cli/src/planted-router.ts',
    specifier: '@wamp/router',
    refused: core('a WAMP client like any other'),
  },
  {
    file: 'packages/cli/src/planted-router-source.ts',
    specifier: '../../router/src/metrics/prometheus.js',
    refused: core('never through the router'),
  },
  { file: 'packages/cli/src/planted-client.ts', specifier: '@wamp/client', refused: null },
];

/** Biome's diagnostics per planted file, as its `github` reporter writes them. */
const diagnostics = new Map<string, { rule: string; message: string }[]>();
let workdir = '';

beforeAll(() => {
  workdir = mkdtempSync(join(tmpdir(), 'layer-rules-'));
  copyFileSync(join(ROOT, 'biome.json'), join(workdir, 'biome.json'));
  for (const { file, specifier } of CASES) {
    mkdirSync(join(workdir, dirname(file)), { recursive: true });
    writeFileSync(join(workdir, file), `import * as planted from '${specifier}';\n\nexport { planted };\n`);
  }
  const biome = spawnSync(
    join(ROOT, 'node_modules/.bin/biome'),
    ['lint', '--vcs-enabled=false', '--reporter=github', '--diagnostic-level=error', '--max-diagnostics=none', '.'],
    { cwd: workdir, encoding: 'utf8' },
  );
  for (const line of biome.stdout.split('\n')) {
    const match = /^::error title=([^,]+),file=([^,]+),.*?::(.*)$/.exec(line);
    if (match === null) continue;
    const file = match[2]!.slice(workdir.length + 1);
    diagnostics.set(file, [...(diagnostics.get(file) ?? []), { rule: match[1]!, message: match[3]! }]);
  }
}, 30_000);

afterAll(() => {
  if (workdir !== '') rmSync(workdir, { recursive: true, force: true });
});

describe('the layer rules of biome.json', () => {
  it('lint the planted files at all (the copy is read as the repository is)', () => {
    expect(diagnostics.size).toBe(CASES.filter((c) => c.refused !== null).length);
  });

  it.each(CASES)('$file importing $specifier', ({ file, refused }) => {
    const found = diagnostics.get(file) ?? [];
    if (refused === null) {
      expect(found).toEqual([]);
      return;
    }
    // A `node:*` specifier meets both the restricted pattern and noNodejsModules: the named rule must be there.
    expect(found).toContainEqual({ rule: refused.rule, message: expect.stringContaining(refused.message) });
  });
});
