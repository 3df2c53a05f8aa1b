import { describe, expect, it } from 'vitest';
import { importedPackages, undeclaredImports } from '../../src/imports.js';
import { missingTargets, offendingEntries, workspaceRanges } from '../../src/tarball.js';
import { isOutside, manifestTargets } from '../../src/workspace.js';

const manifest = {
  name: '@crawl/x',
  version: '0.1.0',
  main: './dist/index.cjs',
  types: './dist/index.d.cts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
};

describe('tarball checks', () => {
  it('allows only package.json, README.md, LICENSE and dist/**', () => {
    const entries = ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js', 'package/dist/sub/x.d.ts'];
    expect(offendingEntries(entries)).toEqual([]);
    const bad = ['package/src/index.ts', 'package/tsconfig.json', 'package/CHANGELOG.md', 'package/test/a.test.ts', 'package/distx/a.js', 'package/.env'];
    expect(offendingEntries([...entries, ...bad])).toEqual(bad);
  });

  it('lists every file the manifest points at, and those the tarball lacks', () => {
    expect(manifestTargets(manifest).sort()).toEqual(['dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json']);
    expect(missingTargets(['package/package.json', 'package/dist/index.js', 'package/dist/index.cjs'], manifest).sort()).toEqual([
      'dist/index.d.cts',
      'dist/index.d.ts',
    ]);
  });

  it('finds workspace: ranges left in a manifest', () => {
    expect(
      workspaceRanges({ ...manifest, dependencies: { a: '^1.0.0', '@crawl/store-fs': 'workspace:^' }, peerDependencies: { '@crawl/core': 'workspace:*' } }),
    ).toEqual(['dependencies.@crawl/store-fs: workspace:^', 'peerDependencies.@crawl/core: workspace:*']);
    expect(workspaceRanges({ ...manifest, peerDependencies: { '@crawl/core': '^0.1.0' } })).toEqual([]);
  });

  it('tells directories outside the repository from those inside', () => {
    expect(isOutside('/tmp/app', '/work/main')).toBe(true);
    expect(isOutside('/work/main-copy/app', '/work/main')).toBe(true);
    expect(isOutside('/work/main/tooling/x', '/work/main')).toBe(false);
    expect(isOutside('/work/main', '/work/main')).toBe(false);
  });
});

describe('import scanning', () => {
  it('finds bare imports in ESM, CJS and declaration output, ignoring relative paths and built-ins', () => {
    const code = [
      'import { Request } from "@crawl/core";',
      "import sharp from 'sharp';",
      'export { x } from "@crawl/pipeline-files/sub";',
      'import "side-effect";',
      'const m = await import("lazy-lib");',
      'var undici = require("undici");',
      'var fs = require("node:fs"); var path = require("path");',
      'import { y } from "./local.js";',
      "export type { Z } from 'domhandler';",
      '/**',
      " * @example import { Crawler } from '@crawl/engine';",
      ' */',
      "// import { nope } from 'commented-out';",
      'const url = "http://example.test/x"; // require("trailing-comment-kept")',
    ].join('\n');
    expect([...importedPackages(code)].sort()).toEqual(['@crawl/core', '@crawl/pipeline-files', 'domhandler', 'lazy-lib', 'sharp', 'side-effect', 'trailing-comment-kept', 'undici']);
  });

  it('reports imports the manifest does not declare', () => {
    const pkg = { name: '@crawl/x', version: '0.1.0', dependencies: { sharp: '^0.34.0' }, peerDependencies: { '@crawl/core': '^0.1.0' } };
    expect(undeclaredImports(['@crawl/core', 'sharp', '@crawl/x', 'undici', 'cheerio'], pkg)).toEqual(['cheerio', 'undici']);
  });
});
