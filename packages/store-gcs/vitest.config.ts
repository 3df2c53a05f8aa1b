import { defineConfig } from 'vitest/config';

// Tests talk to a real server on loopback; client retries back off for a few hundred milliseconds.
export default defineConfig({ test: { name: 'store-gcs', testTimeout: 30_000, hookTimeout: 30_000 } });
