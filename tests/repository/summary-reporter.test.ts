// The plain closing line (`tests: N passed, N failed`) is what CI logs are judged by, so it must count every
// failure, not just failed tests. Each fixture here fails in another way; vitest runs them as a child process.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/reporter/', import.meta.url));
const VITEST = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

interface FixtureRun {
  code: number | null;
  closingLine: string | undefined;
}

function runFixtures(filter: string): Promise<FixtureRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [VITEST, 'run', '--root', FIXTURES, filter],
      { env: { ...process.env, CI: 'true', FORCE_COLOR: '0' } },
      (error, stdout) => {
        const closingLine = stdout.split('\n').findLast((line) => line.startsWith('tests: '));
        resolve({ code: error === null ? 0 : (error.code as number | null), closingLine });
      },
    );
  });
}

describe('the summary reporter', () => {
  it.each([
    ['passing', 'tests: 1 passed, 0 failed', 0],
    ['throws-at-import', 'tests: 0 passed, 1 failed', 1],
    ['failing-hook', 'tests: 1 passed, 1 failed', 1],
    ['unhandled', 'tests: 1 passed, 1 failed', 1],
    ['fixture', 'tests: 3 passed, 3 failed', 1],
  ])('counts the %s fixture run as %j', async (filter, line, code) => {
    const run = await runFixtures(filter);
    expect(run.closingLine).toBe(line);
    expect(run.code).toBe(code);
  });
});
