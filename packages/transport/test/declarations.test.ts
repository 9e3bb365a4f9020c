// The published .d.ts files, emitted in memory: a consumer type-checks them with skipLibCheck off, so every
// package they name must come with its types. ws's types are only a devDependency, so no public declaration
// may reach them; the browser entry's declarations name nothing of Node either.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The declaration files `tsc -p tsconfig.build.json` would write, by path. */
function emitDeclarations(): Map<string, string> {
  const config = ts.getParsedCommandLineOfConfigFile(join(PACKAGE, 'tsconfig.build.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (config === undefined) throw new Error('no tsconfig.build.json');
  const options = { ...config.options, emitDeclarationOnly: true, declarationMap: false, sourceMap: false };
  const files = new Map<string, string>();
  ts.createProgram(config.fileNames, options).emit(undefined, (fileName, text) => files.set(fileName, text));
  return files;
}

/** The declaration files reachable from `entry`, and the bare specifiers they import. */
function declarationGraph(files: Map<string, string>, entry: string): { texts: string[]; packages: string[] } {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = files.get(file);
    if (text === undefined) throw new Error(`${file} was not emitted`);
    for (const { fileName } of ts.preProcessFile(text, true, false).importedFiles) {
      if (fileName.startsWith('.')) visit(join(dirname(file), fileName.replace(/\.js$/, '.d.ts')));
      else packages.add(fileName);
    }
  };
  visit(join(PACKAGE, 'dist', entry));
  return { texts: [...seen].map((file) => files.get(file)!), packages: [...packages].sort() };
}

describe('the public declarations', () => {
  let files: Map<string, string>;
  beforeAll(() => {
    files = emitDeclarations();
  });

  it('of the Node entry name no type of ws', () => {
    const { packages } = declarationGraph(files, 'node.d.ts');
    expect(packages).not.toContain('ws');
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual(['@wamp/protocol']);
  });

  it('of the browser entry name nothing of Node', () => {
    const { texts, packages } = declarationGraph(files, 'browser.d.ts');
    expect(packages).toEqual(['@wamp/protocol']);
    for (const text of texts) expect(text).not.toMatch(/\b(Buffer|NodeJS)\b/);
  });
});
