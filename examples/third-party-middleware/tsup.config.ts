import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  // Both formats, each with its own declarations (index.d.ts / index.d.cts), so `import` and
  // `require` users get types that match the file they load.
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  sourcemap: true,
});
