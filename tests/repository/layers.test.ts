// The layers hold over the real sources, and each rule refuses a planted import (planted in an overlay: nothing
// is written into the repository) while letting its allowed neighbour pass.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIncluded, ROOT, SourceTree, scanImports } from './import-graph.js';
import {
  browserLintIncludes,
  browserViolations,
  clientViolations,
  cliViolations,
  coreViolations,
  firstIoReached,
  protocolViolations,
} from './layers.js';

const CORE_FILE = 'packages/router/src/core/broker/planted.ts';

describe('the import scanner', () => {
  it('finds every form of import and tells type-only ones apart', () => {
    const source = [
      "import { a, type B } from './values.js';",
      "import type { C } from './types.js';",
      "import { type D } from './named-types.js';",
      "export { e } from './reexport.js';",
      "export type { F } from './reexport-types.js';",
      "import './side-effect.js';",
      "const lazy = () => import('./lazy.js');",
      "type G = import('./inline-type.js').G;",
    ].join('\n');
    expect(scanImports('planted.ts', source)).toEqual([
      { specifier: './values.js', line: 1, typeOnly: false },
      { specifier: './types.js', line: 2, typeOnly: true },
      { specifier: './named-types.js', line: 3, typeOnly: true },
      { specifier: './reexport.js', line: 4, typeOnly: false },
      { specifier: './reexport-types.js', line: 5, typeOnly: true },
      { specifier: './side-effect.js', line: 6, typeOnly: false },
      { specifier: './lazy.js', line: 7, typeOnly: false },
      { specifier: './inline-type.js', line: 8, typeOnly: true },
    ]);
  });

  it('reads Biome includes with negations in order', () => {
    const includes = browserLintIncludes();
    expect(isIncluded('packages/transport/src/connection-error.ts', includes)).toBe(true);
    expect(isIncluded('packages/transport/src/browser/client.ts', includes)).toBe(true);
    expect(isIncluded('packages/transport/src/node/server.ts', includes)).toBe(false);
    expect(isIncluded('packages/transport/src/node.ts', includes)).toBe(false);
  });
});

describe('the layers of the real sources', () => {
  const tree = new SourceTree();

  it('router core/ imports no I/O, nothing of cluster/, cli/ or tracing/, and only the auth/ modules that do no I/O', () => {
    expect(coreViolations(tree)).toEqual([]);
  });

  it('protocol imports nothing internal and no Node built-in', () => {
    expect(protocolViolations(tree)).toEqual([]);
  });

  it("the transport's browser entry reaches no Node built-in, and Biome lints every file it reaches", () => {
    expect(browserViolations(tree)).toEqual([]);
  });

  it('the client never imports the router', () => {
    expect(clientViolations(tree)).toEqual([]);
  });

  it('the CLI never imports the router', () => {
    expect(tree.filesUnder('packages/cli/src').length).toBeGreaterThan(0);
    expect(cliViolations(tree)).toEqual([]);
  });

  it("the auth/ modules biome.json lets core/ import do no I/O (the lint's allow-list is checked here)", () => {
    const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8')) as {
      overrides: { includes: string[]; linter: { rules: { style: { noRestrictedImports: unknown } } } }[];
    };
    const core = config.overrides.find((override) => override.includes.includes('packages/router/src/core/**'));
    const allowed =
      JSON.stringify(core?.linter.rules.style.noRestrictedImports).match(/!\*\*\/auth\/[\w-]+\.js/g) ?? [];
    const modules = allowed.map((glob) => `packages/router/src/auth/${glob.slice('!**/auth/'.length, -3)}.ts`);
    expect(modules.length).toBeGreaterThan(0);
    for (const module of modules) {
      expect(tree.exists(module), module).toBe(true);
      expect(firstIoReached(tree, module), module).toBeUndefined();
    }
  });
});

describe('each rule refuses a planted import', () => {
  it('core/: a Node built-in by its bare name, which the Biome `node:*` pattern would not see', () => {
    const tree = new SourceTree({ [CORE_FILE]: "import { EventEmitter } from 'events';" });
    expect(coreViolations(tree)).toEqual([`${CORE_FILE}:1 'events': core/ does no I/O`]);
  });

  it('core/: cluster/ and cli/ however the relative path is spelled, even for a type', () => {
    const tree = new SourceTree({
      [CORE_FILE]: [
        "import type { NatsFabric } from '../../core/../cluster/nats-fabric.js';",
        "import { parseArgs } from '../../cli/args.js';",
        "import { Dealer } from '../dealer/dealer.js';",
      ].join('\n'),
    });
    expect(coreViolations(tree)).toEqual([
      `${CORE_FILE}:1 '../../core/../cluster/nats-fabric.js': core/ meets the cluster only through fabric.ts`,
      `${CORE_FILE}:2 '../../cli/args.js': core/ knows nothing of the command line`,
    ]);
  });

  it('core/: OpenTelemetry, and tracing/ even for a type, while the seam core/tracing.ts passes', () => {
    const tree = new SourceTree({
      [CORE_FILE]: [
        "import { trace } from '@opentelemetry/api';",
        "import type { OtelRouterTracer } from '../../tracing/router-tracer.js';",
        "import type { RouterTracer } from '../tracing.js';",
      ].join('\n'),
    });
    expect(coreViolations(tree)).toEqual([
      `${CORE_FILE}:1 '@opentelemetry/api': core/ reaches a tracer only through core/tracing.ts`,
      `${CORE_FILE}:2 '../../tracing/router-tracer.js': core/ reaches a tracer only through core/tracing.ts`,
    ]);
  });

  it('core/: an auth/ module that does I/O (found through its imports), while a pure one passes', () => {
    const tree = new SourceTree({
      [CORE_FILE]: [
        "import type { RealmAuth } from '../../auth/options.js';",
        "import { sameSecret } from '../../auth/secrets.js';",
      ].join('\n'),
    });
    // The line of secrets.ts that imports node:crypto, read from the file so that editing its comments does not matter.
    const secrets = 'packages/router/src/auth/secrets.ts';
    const line = readFileSync(join(ROOT, secrets), 'utf8')
      .split('\n')
      .findIndex((text) => text.includes("'node:crypto'"));
    expect(coreViolations(tree)).toEqual([
      `${CORE_FILE}:2 '../../auth/secrets.js': this auth/ module does I/O (${secrets}:${line + 1} 'node:crypto')`,
    ]);
  });

  it('core/: a module outside core/ that loads I/O at run time, but not a type-only import of it', () => {
    const helper = 'packages/router/src/planted-helper.ts';
    const tree = new SourceTree({
      [helper]: "import { readFile } from 'node:fs/promises';\nexport const load = readFile;",
      [CORE_FILE]: "import type { load } from '../../planted-helper.js';",
      'packages/router/src/core/planted-runtime.ts': "import { load } from '../planted-helper.js';",
    });
    expect(coreViolations(tree)).toEqual([
      `packages/router/src/core/planted-runtime.ts:1 '../planted-helper.js': loads, at run time, ${helper}:1 'node:fs/promises'`,
    ]);
  });

  it('protocol: a relative path into another package, and @wamp/*', () => {
    const file = 'packages/protocol/src/planted.ts';
    const tree = new SourceTree({
      [file]: [
        "import { ReadyState } from '../../transport/src/transport.js';",
        "import { connect } from '@wamp/transport';",
        "import { ErrorUri } from './errors.js';",
      ].join('\n'),
    });
    expect(protocolViolations(tree)).toEqual([
      `${file}:1 '../../transport/src/transport.js': leaves the protocol package`,
      `${file}:2 '@wamp/transport': protocol imports nothing internal`,
    ]);
  });

  it('transport: a Node built-in two imports away from the browser entry, through a type-only import', () => {
    const shared = 'packages/transport/src/browser/planted-frames.ts';
    const tree = new SourceTree({
      [shared]: "import type { Socket } from 'node:net';\nexport type Frame = Socket;",
      'packages/transport/src/browser.ts': `${readFileSync(join(ROOT, 'packages/transport/src/browser.ts'), 'utf8')}\nexport type { Frame } from './browser/planted-frames.js';`,
    });
    expect(browserViolations(tree)).toEqual([`${shared}:1 'node:net': reached from the browser entry`]);
  });

  it('transport: a file the browser entry reaches that the Biome override does not lint', () => {
    const tree = new SourceTree();
    const narrowed = [...browserLintIncludes(), '!packages/transport/src/connection-error.ts'];
    expect(browserViolations(tree, narrowed)).toEqual([
      'packages/transport/src/connection-error.ts: reached from the browser entry but not linted by the browser override in biome.json',
    ]);
  });

  it('client: @wamp/router, and a relative path into the router package', () => {
    const file = 'packages/client/src/planted.ts';
    const tree = new SourceTree({
      [file]: [
        "import type { RouterOptions } from '@wamp/router';",
        "import { createRouter } from '../../router/src/router.js';",
        "import { hello } from '@wamp/protocol';",
      ].join('\n'),
    });
    expect(clientViolations(tree)).toEqual([
      `${file}:1 '@wamp/router': the client never depends on the router`,
      `${file}:2 '../../router/src/router.js': the client never depends on the router`,
    ]);
  });

  it('cli: @wamp/router, and a relative path into the router package, while @wamp/client passes', () => {
    const file = 'packages/cli/src/planted.ts';
    const tree = new SourceTree({
      [file]: [
        "import { createRouter } from '@wamp/router';",
        "import { routerMetrics } from '../../router/src/metrics/prometheus.js';",
        "import { Session } from '@wamp/client';",
      ].join('\n'),
    });
    expect(cliViolations(tree)).toEqual([
      `${file}:1 '@wamp/router': the CLI reaches a router over WAMP, never through its code`,
      `${file}:2 '../../router/src/metrics/prometheus.js': the CLI reaches a router over WAMP, never through its code`,
    ]);
  });
});
