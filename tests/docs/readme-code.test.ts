// Every ```ts block of the READMEs and of docs/ compiles as a module a user could paste, imports included.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BlockDiagnostics, compileBlocks } from './compile-blocks.js';
import { documentationBlocks } from './markdown-blocks.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SCRATCH = fileURLToPath(new URL('./.blocks', import.meta.url));

const blocks = documentationBlocks(ROOT);
let diagnosticsOf: BlockDiagnostics;

// One program for every block: the workspace sources are read and bound once, not once per block.
beforeAll(() => {
  diagnosticsOf = compileBlocks(ROOT, SCRATCH, blocks);
}, 120_000);

describe('TypeScript blocks in the documentation', () => {
  it('finds some', () => {
    expect(blocks.length).toBeGreaterThan(0);
  });

  for (const block of blocks) {
    it(`${block.file}:${block.line} compiles`, () => {
      expect(diagnosticsOf(block).join('\n')).toBe('');
    });
  }
});
