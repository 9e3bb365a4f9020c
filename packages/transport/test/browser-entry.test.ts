import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Every module reachable from `entry` by its imports and re-exports: relative files and bare specifiers. */
function importGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, false).importedFiles) {
      if (fileName.startsWith('.')) visit(join(dirname(file), fileName.replace(/\.js$/, '.ts')));
      else packages.add(fileName);
    }
  };
  visit(join(SRC, entry));
  return { files: [...files].map((file) => relative(SRC, file)).sort(), packages: [...packages].sort() };
}

it('keeps Node built-ins and ws out of the browser entry', () => {
  const { files, packages } = importGraph('browser.ts');
  expect(files.filter((file) => file.startsWith('node'))).toEqual([]);
  expect(packages).toEqual(['@wamp/protocol']);
});

it('reaches the ws server and client from the Node entry', () => {
  const { files, packages } = importGraph('node.ts');
  expect(files).toContain('node/server.ts');
  expect(files).toContain('node/client.ts');
  expect(packages).toContain('ws');
});
