// A user's clone has nothing beside it: no file of the repository may point outside it. This scans every
// tracked text file for relative paths (`../…` in code, configs, scripts and Markdown links) and for absolute
// paths into the machine's own folders, and resolves each from the folder of the file that names it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const TEXT_FILE = /\.(?:[cm]?[jt]s|tsx|json|md|ya?ml|sh|html|css|toml)$|(?:^|\/)(?:run|\.gitignore|\.npmrc)$/;
/** `../` repeated, then a path: the shape of every relative path that could leave a folder. */
const PARENT_PATH = /(?<![\w.])(?:\.\.\/)+[\w@.+-][\w@./+-]*/g;
/** Absolute paths into where this project's machines keep other material. */
const OUTSIDE_ABSOLUTE = /(?<![\w.:/])\/(?:work|home|root|Users)\/[\w.-]+/g;

interface Escape {
  file: string;
  line: number;
  path: string;
}

/** The places in one file's text that name a path outside the repository. */
function escapesOf(file: string, text: string, root = ROOT): Escape[] {
  const found: Escape[] = [];
  const folder = dirname(resolve(root, file));
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    for (const match of line.matchAll(PARENT_PATH)) {
      const target = relative(root, resolve(folder, match[0]));
      if (target.startsWith('..') || isAbsolute(target)) found.push({ file, line: index + 1, path: match[0] });
    }
    for (const match of line.matchAll(OUTSIDE_ABSOLUTE)) found.push({ file, line: index + 1, path: match[0] });
  }
  return found;
}

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed.split('\n').filter((file) => TEXT_FILE.test(file) && file !== 'pnpm-lock.yaml');
}

describe('the repository stands alone', () => {
  it('finds a path that leaves the repository, and lets one that stays inside pass', () => {
    // The probes are assembled so that this file's own text names no path outside the repository.
    const up = '../';
    const probe = 'packages/protocol/test/probe.ts';
    expect(escapesOf(probe, `new URL('${up.repeat(4)}shared/vectors/', import.meta.url)`)).toHaveLength(1);
    expect(escapesOf(probe, `read("/${'work'}/shared/DESIGN.md")`)).toHaveLength(1);
    expect(escapesOf('README.md', `see [the design](${up}shared/DESIGN.md)`)).toHaveLength(1);
    expect(escapesOf(probe, `new URL('${up.repeat(3)}package.json', import.meta.url)`)).toEqual([]);
    expect(escapesOf('packages/client/README.md', `[guide](${up.repeat(2)}docs/guide.md)`)).toEqual([]);
  });

  it('no tracked file reads, imports or links outside the repository', () => {
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(100);
    const escapes = files.flatMap((file) => escapesOf(file, readFileSync(resolve(ROOT, file), 'utf8')));
    expect(escapes.map((found) => `${found.file}:${found.line} ${found.path}`)).toEqual([]);
  });
});
