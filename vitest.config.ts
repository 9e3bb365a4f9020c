import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', '{tests,bench}/vitest.config.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    typecheck: { enabled: false },
  },
});
