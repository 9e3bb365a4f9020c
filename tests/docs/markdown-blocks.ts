// Finds the TypeScript examples of the repository's documentation.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced ```ts (or ```typescript) block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** The 1-based line of the block's first code line in that file. */
  line: number;
  code: string;
}

const OPENING_FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/;
const TYPESCRIPT = new Set(['ts', 'typescript']);

/**
 * Every README.md and every `docs/*.md` of the repository: the tracked ones and the new ones not yet committed
 * (but not ignored), so a new page is checked before its first commit.
 */
export function documentationFiles(root: string): string[] {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'README.md', '*/README.md', 'docs/*.md'],
    { cwd: root, encoding: 'utf8' },
  );
  const files = new Set(listed.split('\n').filter((file) => file !== ''));
  // A file deleted from the work tree is still listed by the index until the deletion is committed.
  return [...files].filter((file) => existsSync(join(root, file))).sort();
}

/** The TypeScript blocks of one Markdown text; a block's indentation (inside a list item) is taken off. */
export function typeScriptBlocks(file: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING_FENCE.exec(lines[i]!);
    if (opening === null) continue;
    const [, indent = '', fence = '', language = ''] = opening;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !isClosingFence(lines[j]!, fence)) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
      j++;
    }
    if (TYPESCRIPT.has(language.toLowerCase())) blocks.push({ file, line: i + 2, code: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** A closing fence: the opening's character, at least as many of them, and nothing else on the line. */
function isClosingFence(line: string, opening: string): boolean {
  const trimmed = line.trim();
  return trimmed.length >= opening.length && [...trimmed].every((character) => character === opening[0]);
}

/** The TypeScript blocks of every documentation file. */
export function documentationBlocks(root: string): CodeBlock[] {
  return documentationFiles(root).flatMap((file) => typeScriptBlocks(file, readFileSync(join(root, file), 'utf8')));
}
