// Packs every public package as `pnpm publish` would and checks the tarballs themselves: what they hold, and that
// publint and Are the Types Wrong find nothing. Installing them is installed.test.ts and json-only.test.ts.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INSTALL_TIMEOUT_MS,
  PUBLIC_PACKAGES,
  type PublicPackage,
  pack,
  run,
  scratchDir,
  tarballFile,
  tarballFiles,
} from './packed.js';

const BIN = join(import.meta.dirname, '..', 'node_modules', '.bin');
const scratch = scratchDir('pack');
let tarballs: Record<PublicPackage, string>;

beforeAll(async () => {
  tarballs = await pack(scratch.path);
}, INSTALL_TIMEOUT_MS);
afterAll(() => scratch.remove());

/**
 * What a published package must not carry: tests and their source maps (`*.test.*`, `*.spec.*`), test folders, and
 * fixtures, which are test data under any name: `fixtures/` folders, `*.fixture(s).*`, and `*.cases.*` (shared
 * tables of test cases, such as the router's matching cases).
 */
const TEST_ONLY = [
  /\.(test|spec)\.[^/]*$/,
  /(^|\/)(test|tests|__tests__|__mocks__|__snapshots__|fixtures|__fixtures__)\//,
  /\.(fixtures?|cases)\.[^/]*$/,
];

describe.each(PUBLIC_PACKAGES)('the packed @wamp/%s', (name) => {
  it('holds package.json, README.md, LICENSE and dist/, and no tests, fixtures or their source maps', async () => {
    const files = await tarballFiles(tarballs[name]);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE']));
    expect(files.filter((file) => file.startsWith('dist/') && file.endsWith('.js')).length).toBeGreaterThan(0);
    expect(files.filter((file) => file.startsWith('dist/') && file.endsWith('.d.ts')).length).toBeGreaterThan(0);
    expect(files.filter((file) => TEST_ONLY.some((pattern) => pattern.test(file)))).toEqual([]);
  });

  it('depends on versions, not on workspace: ranges', async () => {
    const manifest = await tarballFile(tarballs[name], 'package.json');
    expect(manifest).not.toMatch(/"workspace:/);
  });

  it('is clean for publint (warnings and suggestions included)', async () => {
    const result = await run(join(BIN, 'publint'), ['run', '--strict', '--level', 'suggestion', tarballs[name]]);
    const output = `${result.stdout}${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(output, output).toContain('All good!');
  });

  it('is clean for Are the Types Wrong', async () => {
    // The packages are ESM only: a `require` from CommonJS reaching ESM is by design, so that one rule is ignored.
    // Every resolution mode, node10 (typesVersions) and CommonJS consumers' type resolution included, stays checked.
    const result = await run(join(BIN, 'attw'), [
      '--ignore-rules',
      'cjs-resolves-to-esm',
      '--no-definitely-typed',
      '--format',
      'ascii',
      '--no-color',
      '--no-emoji',
      tarballs[name],
    ]);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
  });
});
