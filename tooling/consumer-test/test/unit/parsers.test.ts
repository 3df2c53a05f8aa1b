import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTurboFailures } from '../../src/build.js';
import { readChangesets, requestedBumps } from '../../src/changesets.js';
import { parsePublishDryRun } from '../../src/publish-dry-run.js';

describe('parseTurboFailures', () => {
  it('reads the packages off turbo\'s summary', () => {
    const output = [
      '@crawl/a:build: Cannot find src/index.ts',
      ' Tasks:    23 successful, 25 total',
      'Cached:    0 cached, 25 total',
      'Failed:    @crawl/autothrottle#build, @crawl/middleware-ajax-crawl#build',
      '',
      ' ERROR  run failed: command  exited (1)',
    ].join('\n');
    expect(parseTurboFailures(output)).toEqual(['@crawl/autothrottle', '@crawl/middleware-ajax-crawl']);
    expect(parseTurboFailures(' Tasks:    25 successful, 25 total\n')).toEqual([]);
  });
});

describe('parsePublishDryRun', () => {
  it('collects each package\'s tarball contents', () => {
    const output = [
      'npm notice',
      'npm notice 📦  @crawl/core@0.1.0',
      'npm notice Tarball Contents',
      'npm notice 6.7kB README.md',
      'npm notice 53.0kB dist/index.cjs',
      'npm notice 1.1kB package.json',
      'npm notice Tarball Details',
      'npm notice name: @crawl/core',
      'npm notice total files: 3',
      'npm warn publish This command requires you to be logged in to https://registry.npmjs.org/ (dry-run)',
      '+ @crawl/core@0.1.0',
      'npm notice 📦  @crawl/middleware-retry@0.2.0-next.1',
      'npm notice Tarball Contents',
      'npm notice 14.6kB dist/index.js',
      'npm notice Tarball Details',
    ].join('\n');
    const listings = parsePublishDryRun(output);
    expect([...listings.keys()]).toEqual(['@crawl/core', '@crawl/middleware-retry']);
    expect(listings.get('@crawl/core')).toEqual(['README.md', 'dist/index.cjs', 'package.json']);
    expect(listings.get('@crawl/middleware-retry')).toEqual(['dist/index.js']);
  });
});

describe('readChangesets', () => {
  it('reads releases and summaries, the highest bump per package winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'crawl-changeset-unit-'));
    try {
      writeFileSync(join(dir, 'README.md'), '# not a changeset');
      writeFileSync(join(dir, 'config.json'), '{}');
      writeFileSync(join(dir, 'a.md'), '---\n"@crawl/core": minor\n"@crawl/http": patch\n---\n\nFirst line.\nMore.\n');
      writeFileSync(join(dir, 'b.md'), "---\n'@crawl/http': minor\n---\nHTTP things.\n");
      const changesets = readChangesets(dir);
      expect(changesets).toEqual([
        { id: 'a', releases: [{ name: '@crawl/core', type: 'minor' }, { name: '@crawl/http', type: 'patch' }], summary: 'First line.\nMore.' },
        { id: 'b', releases: [{ name: '@crawl/http', type: 'minor' }], summary: 'HTTP things.' },
      ]);
      expect([...requestedBumps(changesets)]).toEqual([
        ['@crawl/core', 'minor'],
        ['@crawl/http', 'minor'],
      ]);
      writeFileSync(join(dir, 'c.md'), '---\n"@crawl/core": huge\n---\nx\n');
      expect(() => readChangesets(dir)).toThrow(/c.md: cannot read the release line "\\"@crawl\/core\\": huge"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
