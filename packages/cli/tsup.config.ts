import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    // import.meta.url (used to resolve tsx for TypeScript spiders) in the CommonJS build too.
    shims: true,
    dts: true,
    clean: false,
    target: 'node20',
    // Error classes report their own names (error.name) in logs and stats keys.
    keepNames: true,
    sourcemap: true,
  },
  {
    // The executable is ESM only: it is run, never imported.
    entry: { bin: 'src/bin.ts' },
    format: ['esm'],
    target: 'node20',
    // Error classes report their own names (error.name) in logs and stats keys.
    keepNames: true,
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
