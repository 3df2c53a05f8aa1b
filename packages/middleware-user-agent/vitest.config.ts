import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  test: { name: 'middleware-user-agent' },
  // Same substitution as tsup.config.ts, so tests see the version the build will ship.
  define: { __PACKAGE_VERSION__: JSON.stringify(version) },
});
