import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'consumer-test',
    include: ['test/*.test.ts'],
    // Builds the workspace and packs every published package once for all test files.
    globalSetup: ['./global-setup.ts'],
    // Each command the tests run has its own, tighter timeout (src/run.ts); these are the outer bound.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
