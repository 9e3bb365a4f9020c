// cbor-x and msgpackr are optional peer dependencies: a JSON-only app installs neither. Importing the CBOR or
// MessagePack serializer without its package must then say what to install. The sources are transpiled into a
// scratch folder with no node_modules and imported there by a child Node process, so the failure is Node's own.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
let scratch: string;

/** Writes every source module of the package as JavaScript under `target`, in the same layout. */
function transpileSources(target: string): void {
  writeFileSync(join(target, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const file of readdirSync(SRC, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(join(SRC, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const output = join(target, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, outputText);
  }
}

/** Imports `module` of the transpiled package in a fresh Node process; its exit status and error output. */
function importInChild(module: string): { status: number | null; stderr: string } {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', `await import('./${module}')`], {
    cwd: scratch,
    encoding: 'utf8',
  });
  return { status: child.status, stderr: child.stderr };
}

describe('without the optional serializer packages installed', () => {
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'wamp-optional-peers-'));
    transpileSources(scratch);
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('the package and its JSON serializer load', () => {
    expect(importInChild('index.js')).toEqual({ status: 0, stderr: '' });
    expect(importInChild('serializers/json.js')).toEqual({ status: 0, stderr: '' });
  });

  it.each([
    [
      'serializers/cbor.js',
      'the wamp.2.cbor serializer needs the cbor-x package, which is not installed: npm install cbor-x',
    ],
    [
      'serializers/msgpack.js',
      'the wamp.2.msgpack serializer needs the msgpackr package, which is not installed: npm install msgpackr',
    ],
  ])('importing %s fails with an error naming the package to install', (module, message) => {
    const { status, stderr } = importInChild(module);
    expect(status).not.toBe(0);
    expect(stderr).toContain(`Error: ${message} (an optional peer dependency of @wamp/protocol and @wamp/client)`);
  });
});
