import type { Reporter, SerializedError, TestModule } from 'vitest/node';

/** What a run's closing line counts. */
export interface RunTotals {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Counts tests, then adds every failure that is not a test's: an import or collection error, a failed
 * `beforeAll`/`afterAll` (an error of a module or suite), an unhandled error. A module marked failed for
 * none of these reasons still counts once, so a run with any failure never reads `0 failed`.
 */
export function countRun(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<SerializedError>,
): RunTotals {
  const totals: RunTotals = { passed: 0, failed: 0, skipped: 0 };
  for (const module of testModules) {
    let failures = module.errors().length;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') totals.passed++;
      else if (state === 'failed') failures++;
      else totals.skipped++;
    }
    for (const suite of module.children.allSuites()) failures += suite.errors().length;
    totals.failed += failures === 0 && module.state() === 'failed' ? 1 : failures;
  }
  totals.failed += unhandledErrors.length;
  return totals;
}

/**
 * Prints one plain closing line, `N passed, N failed`, after vitest's own summary so that any CI log
 * reader sees the totals without parsing vitest's decorated output.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>): void {
    const { passed, failed, skipped } = countRun(testModules, unhandledErrors);
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
