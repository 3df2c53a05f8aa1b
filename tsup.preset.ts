import type { Options } from 'tsup';

/**
 * The build every @crawl package shares: ESM and CommonJS with type declarations for Node 20,
 * class and function names kept (error classes report their own names, error.name, in logs and
 * stats keys) and source maps. A package's tsup.config.ts passes only what it adds or changes:
 * more entries, shims, defines.
 */
export function packageBuild(options: Options = {}): Options {
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    target: 'node20',
    keepNames: true,
    sourcemap: true,
    ...options,
  };
}
