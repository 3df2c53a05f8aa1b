import { defineConfig } from 'vitest/config';

// Tests talk to real servers on loopback; SDK retries back off for a few hundred milliseconds.
export default defineConfig({ test: { name: 'store-s3', testTimeout: 30_000, hookTimeout: 30_000 } });
