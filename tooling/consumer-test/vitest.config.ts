import { defineConfig } from 'vitest/config';

// The root `pnpm test` loads every tooling/* folder as a project: here it runs only the quick unit
// tests of the helpers. The consumer test itself packs and installs tarballs (minutes), so it runs
// only through `pnpm test:consumer`, with vitest.consumer.config.ts.
export default defineConfig({ test: { name: 'consumer-test', include: ['test/unit/**/*.test.ts'] } });
