import { defineConfig } from 'vitest/config';

// The load test and the store restarts take tens of seconds on a 2-core machine.
export default defineConfig({ test: { name: 'reliability', testTimeout: 120_000, hookTimeout: 30_000 } });
