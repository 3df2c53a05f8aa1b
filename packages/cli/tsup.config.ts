import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.preset';

export default defineConfig([
  // import.meta.url (used to resolve tsx for TypeScript spiders) in the CommonJS build too. The
  // two builds share dist/, so neither cleans it.
  packageBuild({ shims: true, clean: false }),
  // The executable is ESM only: it is run, never imported.
  packageBuild({ entry: { bin: 'src/bin.ts' }, format: ['esm'], dts: false, clean: false, banner: { js: '#!/usr/bin/env node' } }),
]);
