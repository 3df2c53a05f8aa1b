import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  // Error classes report their own names (error.name) in logs and stats keys.
  keepNames: true,
  sourcemap: true,
  // The default User-Agent names this package's version without bundling package.json.
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
});
