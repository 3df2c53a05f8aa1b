import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // Error classes report their own names (error.name) in logs and stats keys.
  keepNames: true,
  sourcemap: true,
  // import.meta.url (the lazy require of the XPath engine) in the CommonJS build too.
  shims: true,
});
