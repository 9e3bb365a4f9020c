import { defineProject } from 'vitest/config';

/**
 * The settings every workspace project shares: tests import sibling packages from their
 * TypeScript sources through the `@wamp/source` export condition, so no build is needed first. No `module`
 * condition: the tests run in Node, and some packages (@opentelemetry/api 1.9) give it a bundler-only build.
 */
export function workspaceProject(name: string, include: string[] = ['src/**/*.test.ts', 'test/**/*.test.ts']) {
  return defineProject({
    resolve: { conditions: ['@wamp/source', 'node', 'default'] },
    ssr: { resolve: { conditions: ['@wamp/source', 'node', 'default'] } },
    test: {
      name,
      include,
      environment: 'node',
      testTimeout: 15_000,
      hookTimeout: 15_000,
    },
  });
}
