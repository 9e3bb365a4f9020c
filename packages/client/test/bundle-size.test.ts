// The size budget: Session with the JSON serializer, bundled for browsers, minified and gzipped, stays under
// 12.5 kB (the tracing hooks took it past 12 kB; OpenTelemetry itself is in `@wamp/client/opentelemetry`, which this
// bundle leaves out). It also proves the browser build reaches no Node built-in and no `ws`.

import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const BUDGET_BYTES = 12.5 * 1024;
const ENTRY = fileURLToPath(new URL('../src/index.ts', import.meta.url));

async function bundle(contents: string) {
  const result = await build({
    stdin: { contents, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@wamp/source', 'browser'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return {
    bytes: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs),
  };
}

describe('browser bundle', () => {
  it('of Session + JSON is under 12.5 kB min+gzip and contains no Node code, nor OpenTelemetry', async () => {
    const { gzipped, inputs } = await bundle(`export { Session } from ${JSON.stringify(ENTRY)};`);
    console.info(`Session + JSON: ${gzipped} bytes min+gzip`);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
    expect(inputs.filter((input) => input.includes('/node/') || input.includes('node_modules/ws/'))).toEqual([]);
    // RawSocket (rs://) is Node's only: none of its modules reaches a browser.
    expect(inputs.filter((input) => input.includes('rawsocket'))).toEqual([]);
    expect(inputs.some((input) => input.endsWith('browser/client.ts'))).toBe(true);
    expect(inputs.some((input) => input.includes('cbor-x') || input.includes('msgpackr'))).toBe(false);
    expect(inputs.filter((input) => input.includes('@opentelemetry'))).toEqual([]);
  });
});
